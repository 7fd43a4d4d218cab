/**
 * check() of TalosMachineConfig: field checks, then a deterministic render whose REDACTED text, hash
 * and estimated impact become inputs, so the engine's own input diff shows per-path changes in
 * previews while the full config (secret material) never becomes an input.
 */
import { errorMessage } from "../../internal/errors";
import { maskSecrets, registerSecret } from "../../internal/log";
import { trialRenderFailure } from "./trial";
import {
  ChangeImpact,
  changeImpact,
  diffConfigs,
  encodeUserData,
  isKubernetesImagePath,
  secretValuesOf,
} from "../../talos/config";
import { CheckResult, Props, UNKNOWN_VALUE } from "../dispatch/types";
import { RuntimeDeps } from "./deps";
import { propertyOfError, renderInputs } from "./render";
import { plannedAction, resolveConfigVersion } from "./roll/plan";
import { MachineConfigInputs, USER_INPUT_KEYS } from "./types";
import { containsUnknown, inputFailures, supportFailures } from "./validate";

const IMPACTS: ChangeImpact[] = ["none", "live", "reboot", "upgrade"];

/** The user's inputs only (computed keys dropped, undefined removed), `configVersion` pinned. */
function userInputs(olds: Props, news: Props): Props {
  const out: Props = {};
  for (const k of USER_INPUT_KEYS) if (news[k] !== undefined && news[k] !== null) out[k] = news[k];
  const pinned = resolveConfigVersion(olds, news);
  if (pinned !== undefined) out.configVersion = pinned;
  return out;
}

/**
 * Redacted paths the update changes on the node: none when the config is the same; the Kubernetes
 * image paths left out unless `kubernetesUpgrade` is "apply" (upgrade-k8s changes them, not the apply).
 */
export function changedPaths(olds: Props, redacted: string, hash: string, i: MachineConfigInputs): string[] {
  const before = olds.redactedConfig;
  if (typeof before !== "string" || before === "" || before === UNKNOWN_VALUE || olds.configHash === hash) return [];
  const paths = diffConfigs(before, redacted).map((c) => c.path);
  return i.kubernetesUpgrade === "apply" ? paths : paths.filter((p) => !isKubernetesImagePath(p));
}

/**
 * The impact against the previous rendering: kept as is when the config did not change (so an
 * unchanged preview stays unchanged), `reboot` when only secret values changed (machine.token
 * needs one; the redacted texts cannot tell which), else estimated from the changed paths.
 */
export function impactAgainst(
  olds: Props,
  redacted: string,
  hash: string,
  role: "controlplane" | "worker",
): ChangeImpact {
  const before = olds.redactedConfig;
  if (typeof before !== "string" || before === "" || before === UNKNOWN_VALUE) return "none";
  if (olds.configHash === hash)
    return IMPACTS.includes(olds.changeImpact as ChangeImpact) ? (olds.changeImpact as ChangeImpact) : "none";
  const changes = diffConfigs(before, redacted);
  return changes.length === 0 ? "reboot" : changeImpact(changes, role);
}

function failure(property: string, e: unknown): CheckResult<MachineConfigInputs> {
  // Check failures are answers, not errors: dispatch does not mask them, so this does.
  return { failures: [{ property, reason: maskSecrets(errorMessage(e)) }] };
}

/** The checked inputs, or failures naming the input (patch list and index, field) at fault. */
export async function checkMachineConfig(
  olds: Props,
  news: Props,
  deps: RuntimeDeps,
): Promise<CheckResult<MachineConfigInputs>> {
  const inputs = userInputs(olds, news);
  const failures = inputFailures(inputs);
  if (failures.length === 0 && !containsUnknown(inputs.talosVersion) && !containsUnknown(inputs.kubernetesVersion))
    failures.push(...supportFailures(olds, inputs));
  if (failures.length > 0) return { inputs: inputs as unknown as MachineConfigInputs, failures };
  const i = inputs as unknown as MachineConfigInputs;
  if (USER_INPUT_KEYS.some((k) => containsUnknown(inputs[k]))) {
    // Preview with values computed later (e.g. a new TalosSecrets): render at apply time, but try
    // the patches now with placeholder facts so a bad one fails before any server is wiped.
    const trial = await trialRenderFailure(inputs, deps);
    if (trial) return { inputs: i, failures: [{ ...trial, reason: maskSecrets(trial.reason) }] };
    return {
      inputs: {
        ...i,
        redactedConfig: UNKNOWN_VALUE,
        configHash: UNKNOWN_VALUE,
        changeImpact: UNKNOWN_VALUE as ChangeImpact,
      },
    };
  }
  let rendered;
  try {
    rendered = await renderInputs(i, deps);
  } catch (e) {
    const property = propertyOfError(e);
    if (property === undefined) throw e;
    return { inputs: i, ...failure(property, e) };
  }
  registerSecret(...secretValuesOf(rendered.config));
  if (i.delivery === "user-data") {
    try {
      encodeUserData(rendered.config, { talosVersion: i.talosVersion });
    } catch (e) {
      return { inputs: i, ...failure("delivery", new Error(`[delivery] ${errorMessage(e)}`)) };
    }
  }
  const changeImpact = impactAgainst(olds, rendered.redacted, rendered.hash, i.role);
  const planned = plannedAction({
    olds,
    news: i,
    impact: changeImpact,
    paths: changedPaths(olds, rendered.redacted, rendered.hash, i),
  });
  return {
    inputs: {
      ...i,
      redactedConfig: rendered.redacted,
      configHash: rendered.hash,
      changeImpact,
      ...(planned ? { plannedAction: planned } : {}),
    },
  };
}
