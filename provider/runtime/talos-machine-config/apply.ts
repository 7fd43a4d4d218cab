/**
 * create/update of TalosMachineConfig as numbered steps: render → probe the node → dry run →
 * apply (insecure in maintenance, mTLS with the chosen mode once configured) → read the config back
 * and compare normalized hashes. An update whose installer image changed is an OS upgrade
 * (roll/index.ts); a change needing a reboot goes through the graceful reboot
 * (change.ts). `user-data` delivery only renders and encodes.
 */
import { TalosHetznerError, isError } from "../../internal/errors";
import { StepLogger, registerSecret } from "../../internal/log";
import { RenderedConfig, encodeUserData, secretValuesOf } from "../../talos/config";
import { Props, isUnknown } from "../dispatch/types";
import { RuntimeDeps } from "./deps";
import { applyChange } from "./change";
import { confirmConfig, machineConfigId, resourceLabel } from "./confirm";
import { liveOutputs } from "./live";
import { LiveConfigs, NodeState, applyToNode, isUnreachable, probeNode } from "./node";
import { renderInputs } from "./render";
import { PlanLogger, RollContext } from "./roll/context";
import { isImageChange } from "./roll/plan";
import { ROLL_STEPS, rollNode } from "./roll";
import { pollUntil } from "../../internal/poll";
import {
  AppliedMode,
  DEFAULT_TIMEOUT_SECONDS,
  MachineConfigInputs,
  MachineConfigOutputs,
  configVersionOf,
  endpointsOf,
  installImageOf,
  requireNode,
} from "./types";

export { liveOutputs, machineConfigId, resourceLabel };

type Outs = Partial<MachineConfigOutputs>;

async function render(i: MachineConfigInputs, deps: RuntimeDeps, log: StepLogger): Promise<RenderedConfig> {
  const contract = configVersionOf(i) === i.talosVersion ? "" : `, config contract ${configVersionOf(i)}`;
  log.step(`rendering the ${i.role} config (Talos ${i.talosVersion}${contract})`);
  const r = await renderInputs(i, deps);
  registerSecret(...secretValuesOf(r.config));
  if (i.configHash !== undefined && !isUnknown(i.configHash) && i.configHash !== r.hash) {
    throw new TalosHetznerError(
      `[${resourceLabel(i)}] the rendered config ${r.hash.slice(0, 12)} differs from the one checked at preview (${i.configHash.slice(0, 12)}): talosctl changed in between; run the update again`,
    );
  }
  for (const w of r.warnings) log.warn(`talosctl validate: ${w}`);
  return r;
}

async function deliverUserData(i: MachineConfigInputs, deps: RuntimeDeps): Promise<Outs> {
  const log = new StepLogger(resourceLabel(i), 2);
  const r = await render(i, deps, log);
  log.step("encoding Hetzner Cloud user-data");
  const ud = encodeUserData(r.config, { talosVersion: i.talosVersion });
  log.info(`${ud.bytes} bytes (${ud.encoding}); the server reads it at boot`);
  return {
    config: r.config,
    redactedConfig: r.redacted,
    configHash: r.hash,
    appliedMode: "user-data",
    rebootPending: false,
    userData: ud.userData,
    userDataEncoding: ud.encoding,
    drift: [],
  };
}

async function installFromMaintenance(
  ctx: RollContext,
  r: RenderedConfig,
  timeoutMs: number,
): Promise<[AppliedMode, LiveConfigs]> {
  ctx.log.step("no dry run: the node is in maintenance mode and has no config yet");
  ctx.log.step(`applying over the maintenance API (apply-config --insecure) to ${ctx.node}`);
  const deadline = ctx.deps.now() + timeoutMs;
  const res = await applyToNode(
    ctx,
    { config: r.config, mode: "auto", insecure: true, dryRun: false, changedPaths: [] },
    deadline,
  );
  if (res.modeDetails) ctx.log.info(res.modeDetails);
  ctx.log.step("waiting for the node to run the config, then reading it back");
  return ["maintenance", await confirmConfig(ctx, r, "maintenance", r.hash, "active", deadline)];
}

/**
 * Probes the node; on create a node that does not answer yet (a Cloud server still booting from
 * user-data) is waited for until the deadline, which then reports the last NodeUnreachableError.
 */
async function probe(ctx: RollContext, creating: boolean, timeoutMs: number): Promise<NodeState> {
  if (!creating) return probeNode(ctx);
  try {
    return await pollUntil(() => probeNode(ctx), {
      what: `node ${ctx.node} to answer on the Talos API`,
      timeoutMs,
      initialMs: 500,
      maxMs: 5000,
      sleep: ctx.deps.sleep,
      now: ctx.deps.now,
      transient: isUnreachable,
    });
  } catch (e) {
    const cause = (e as { cause?: unknown }).cause;
    throw isError(e, "DeadlineError") && isError(cause, "NodeUnreachableError") ? cause : e;
  }
}

/** Renders and delivers the config (create without `olds`, update with the previous outputs); returns the outputs. */
export async function deliverMachineConfig(i: MachineConfigInputs, deps: RuntimeDeps, olds?: Props): Promise<Outs> {
  if (i.delivery === "user-data") return deliverUserData(i, deps);
  const node = requireNode(i);
  const rolling = olds !== undefined && isImageChange(olds, i as unknown as Props);
  const log = new PlanLogger(resourceLabel(i), rolling ? 2 + ROLL_STEPS : 5);
  const r = await render(i, deps, log);
  const ctx: RollContext = {
    client: deps.talosctl(),
    node,
    endpoints: endpointsOf(i),
    talosconfig: r.talosconfig,
    deps,
    log,
    inputs: i,
    label: resourceLabel(i),
  };
  const timeoutMs = (i.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
  log.step(`probing the Talos API of ${node}`);
  const state = await probe(ctx, olds === undefined, timeoutMs);
  log.info(state.kind === "maintenance" ? "maintenance mode" : "configured by this cluster");
  const [appliedMode, live] =
    state.kind === "maintenance"
      ? await installFromMaintenance(ctx, r, timeoutMs)
      : rolling
        ? await rollNode(ctx, r, state.live, installImageOf(olds as unknown as MachineConfigInputs))
        : await applyChange(ctx, r, state.live, { inRoll: false, deadline: deps.now() + timeoutMs });
  return {
    config: r.config,
    redactedConfig: r.redacted,
    configHash: r.hash,
    appliedMode,
    ...liveOutputs(live, r.config, i),
    drift: [],
  };
}
