/**
 * One resource's step, decided like the engine: Check → (Diff when it exists) → create, update,
 * replace (honouring deleteBeforeReplace) or same. In preview only Check and Diff run, and the
 * inputs stand in for the outputs (output-only keys stay unknown), as for a provider without preview.
 */
import { Driver, DriverDiff, PartialStepError } from "./driver";
import { changedInputKeys } from "./display";
import { Registration, ResourceState, StepOp } from "./types";
import { Props, markSecrets, splitSecrets } from "./values";

/** What a step decided and, outside preview, produced. */
export interface StepResult {
  op: StepOp;
  diffKeys: string[];
  /** Checked inputs (plain). */
  inputs: Props;
  /** The resource's new state (in preview: a stand-in built from the inputs). */
  state: ResourceState;
  /** Outputs for the program, secrets wrapped. */
  wireOutputs: Props;
}

function checkFailureMessage(failures: { property: string; reason: string }[]): string {
  return failures.map((f) => (f.reason.includes(f.property) ? f.reason : `${f.property}: ${f.reason}`)).join("; ");
}

function decide(
  diff: DriverDiff | undefined,
  old: ResourceState | undefined,
  diffKeys: string[],
  rawChanged: boolean,
): StepOp {
  if (!old || !diff) return "create";
  if (diff.replaces.length > 0) return "replace";
  if (old.initErrors?.length) return "update";
  if (diff.changes === "some") return "update";
  // DIFF_UNKNOWN: the engine diffs the inputs itself (contract §3); a new __provider text counts too.
  return diff.changes === "unknown" && (diffKeys.length > 0 || rawChanged) ? "update" : "same";
}

/** Applies `ignoreChanges` (top-level keys): the old input value replaces the new one before Check. */
function withIgnored(news: Props, old: ResourceState | undefined, ignore: string[]): Props {
  if (!old) return news;
  const out = { ...news };
  for (const k of ignore) if (k in old.inputs) out[k] = old.inputs[k];
  return out;
}

/** Plans and (unless `preview`) executes one registration with its driver. */
export async function runStep(
  reg: Registration,
  old: ResourceState | undefined,
  driver: Driver,
  preview: boolean,
): Promise<StepResult> {
  const { plain, secretKeys: secretInputs } = splitSecrets(reg.inputs);
  const checked = await driver.check(reg.urn, old?.inputs ?? {}, withIgnored(plain, old, reg.ignoreChanges));
  if (checked.failures.length > 0) throw new Error(`check failed: ${checkFailureMessage(checked.failures)}`);
  const inputs = checked.inputs;
  const diff = old ? await driver.diff(reg.urn, old, inputs) : undefined;
  const diffKeys = old ? changedInputKeys(old.inputs, inputs) : [];
  const op = decide(diff, old, diffKeys, old ? JSON.stringify(old.inputs) !== JSON.stringify(inputs) : false);
  const secretKeys = [...new Set([...secretInputs, ...reg.additionalSecretOutputs])];
  const base: ResourceState = {
    urn: reg.urn,
    type: reg.type,
    custom: reg.custom,
    id: old?.id ?? "",
    inputs,
    outputs: old?.outputs ?? {},
    secretKeys,
    dependencies: reg.dependencies,
    parent: reg.parent,
    protect: reg.protect,
    retainOnDelete: reg.retainOnDelete,
  };
  if (preview) {
    const outputs = op === "same" ? base.outputs : inputs;
    return finish(op, diffKeys, inputs, { ...base, id: op === "same" || op === "update" ? base.id : "", outputs });
  }
  const state = await execute(op, reg, old, base, driver, diff);
  return finish(op, diffKeys, inputs, state);
}

async function execute(
  op: StepOp,
  reg: Registration,
  old: ResourceState | undefined,
  base: ResourceState,
  driver: Driver,
  diff?: DriverDiff,
): Promise<ResourceState> {
  if (op === "same") return base;
  if (op === "update")
    return { ...base, outputs: (await driver.update(reg.urn, old!, base.inputs)).outputs, initErrors: undefined };
  const deleteFirst = op === "replace" && (reg.deleteBeforeReplace ?? diff?.deleteBeforeReplace ?? false);
  if (deleteFirst) await driver.delete(reg.urn, old!);
  const created = await driver.create(reg.urn, base.inputs);
  if (op === "replace" && !deleteFirst) await driver.delete(reg.urn, old!);
  return { ...base, id: created.id, outputs: created.outputs, initErrors: undefined };
}

function finish(op: StepOp, diffKeys: string[], inputs: Props, state: ResourceState): StepResult {
  const { __provider: _p, ...visible } = state.outputs;
  return { op, diffKeys, inputs, state, wireOutputs: markSecrets(visible, state.secretKeys) };
}

/** The state to keep when a create/update failed after the object existed. */
export function partialState(base: ResourceState, e: PartialStepError): ResourceState {
  return { ...base, id: e.id, outputs: e.outputs, initErrors: e.reasons };
}
