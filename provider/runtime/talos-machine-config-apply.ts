/**
 * create/update of TalosMachineConfig as numbered steps: render → probe the node → dry run →
 * apply (insecure in maintenance, mTLS with the chosen mode once configured) → read the config back
 * and compare normalized hashes. `user-data` delivery only renders and encodes.
 */
import { TalosHetznerError, errorMessage } from "../internal/errors";
import { StepLogger, registerSecret } from "../internal/log";
import { RenderedConfig, configHash, diffConfigs, encodeUserData, redactConfig, secretValuesOf } from "../talos/config";
import { PartialResourceError } from "./dispatch-errors";
import { isUnknown } from "./dispatch-types";
import { RuntimeDeps } from "./talos-machine-config-deps";
import { LiveConfigs, NodeContext, applyToNode, probeNode, waitForConfig } from "./talos-machine-config-node";
import { renderInputs } from "./talos-machine-config-render";
import {
  AppliedMode, DEFAULT_TIMEOUT_SECONDS, DEFAULT_TRY_TIMEOUT_SECONDS, MachineConfigInputs, MachineConfigOutputs, definedOnly, endpointsOf, requireNode,
} from "./talos-machine-config-types";

type Outs = Partial<MachineConfigOutputs>;
type ApplyContext = NodeContext & { inputs: MachineConfigInputs };

/** The label of log lines and errors: the hostname, else the node address, else the cluster. */
export function resourceLabel(i: MachineConfigInputs): string {
  return i.hostname ?? i.node ?? i.clusterName;
}

async function render(i: MachineConfigInputs, deps: RuntimeDeps, log: StepLogger): Promise<RenderedConfig> {
  log.step(`rendering the ${i.role} config (Talos ${i.talosVersion})`);
  const r = await renderInputs(i, deps);
  registerSecret(...secretValuesOf(r.config));
  if (i.configHash !== undefined && !isUnknown(i.configHash) && i.configHash !== r.hash) {
    throw new TalosHetznerError(`[${resourceLabel(i)}] the rendered config ${r.hash.slice(0, 12)} differs from the one checked at preview (${i.configHash.slice(0, 12)}): talosctl changed in between; run the update again`);
  }
  for (const w of r.warnings) log.warn(`talosctl validate: ${w}`);
  return r;
}

/** The resource id: `<cluster>/<node>`, or `<cluster>/user-data/<hostname or hash>` for user-data delivery. */
export function machineConfigId(i: MachineConfigInputs, hash: string): string {
  return i.delivery === "user-data" ? `${i.clusterName}/user-data/${i.hostname ?? hash.slice(0, 12)}` : `${i.clusterName}/${requireNode(i)}`;
}

/**
 * The node took the config but did not confirm it in time: the resource exists (a partial resource
 * for the engine) and `liveConfigHash: ""` makes the next update apply and verify again.
 */
function unverified(i: MachineConfigInputs, r: RenderedConfig, appliedMode: AppliedMode, e: unknown): PartialResourceError {
  const outs = definedOnly({ config: r.config, redactedConfig: r.redacted, configHash: r.hash, appliedMode, rebootPending: false, liveConfigHash: "", drift: [] });
  return new PartialResourceError(machineConfigId(i, r.hash), outs, e, `[${resourceLabel(i)}] node ${i.node} accepted the config but did not confirm it: ${errorMessage(e)}`);
}

/** Outputs describing what the node keeps: `liveConfigHash` of its persistent config, `rebootPending` when it differs from the active one. */
export function liveOutputs(live: LiveConfigs): Pick<Outs, "liveConfigHash" | "rebootPending"> {
  const active = configHash(live.active);
  const kept = live.persistent === null ? active : configHash(live.persistent);
  return { liveConfigHash: kept, rebootPending: kept !== active };
}

async function deliverUserData(i: MachineConfigInputs, deps: RuntimeDeps): Promise<Outs> {
  const log = new StepLogger(resourceLabel(i), 2);
  const r = await render(i, deps, log);
  log.step("encoding Hetzner Cloud user-data");
  const ud = encodeUserData(r.config, { talosVersion: i.talosVersion });
  log.info(`${ud.bytes} bytes (${ud.encoding}); the server reads it at boot`);
  return { config: r.config, redactedConfig: r.redacted, configHash: r.hash, appliedMode: "user-data", rebootPending: false, userData: ud.userData, userDataEncoding: ud.encoding, drift: [] };
}

async function confirm(ctx: ApplyContext, r: RenderedConfig, mode: AppliedMode, wait: () => Promise<LiveConfigs>): Promise<LiveConfigs> {
  try {
    return await wait();
  } catch (e) {
    throw unverified(ctx.inputs, r, mode, e);
  }
}

async function installFromMaintenance(ctx: ApplyContext, r: RenderedConfig, timeoutMs: number): Promise<[AppliedMode, LiveConfigs]> {
  ctx.log.step("no dry run: the node is in maintenance mode and has no config yet");
  ctx.log.step(`applying over the maintenance API (apply-config --insecure) to ${ctx.node}`);
  const res = await applyToNode(ctx, { config: r.config, mode: "auto", insecure: true, dryRun: false, changedPaths: [] }, Date.now() + timeoutMs);
  if (res.modeDetails) ctx.log.info(res.modeDetails);
  ctx.log.step("waiting for the node to run the config, then reading it back");
  return ["maintenance", await confirm(ctx, r, "maintenance", () => waitForConfig(ctx, r.hash, "active", timeoutMs))];
}

async function applyConfigured(ctx: ApplyContext, i: MachineConfigInputs, r: RenderedConfig, live: LiveConfigs, timeoutMs: number): Promise<[AppliedMode, LiveConfigs]> {
  const kept = live.persistent ?? live.active;
  if (configHash(live.active) === r.hash && configHash(kept) === r.hash) {
    ctx.log.step("no dry run: the node already runs this config");
    ctx.log.step("nothing to apply");
    ctx.log.step("config verified");
    return ["unchanged", live];
  }
  const mode = i.applyMode ?? "auto";
  const paths = diffConfigs(redactConfig(kept), r.redacted).map((c) => c.path);
  const call = { config: r.config, mode, insecure: false, tryTimeoutMs: (i.tryTimeoutSeconds ?? DEFAULT_TRY_TIMEOUT_SECONDS) * 1000, changedPaths: paths };
  const deadline = Date.now() + timeoutMs;
  ctx.log.step(`dry run with applyMode ${mode} (${paths.length} changed path(s): ${paths.slice(0, 5).join(", ")}${paths.length > 5 ? ", …" : ""}; estimated impact ${i.changeImpact ?? "unknown"})`);
  const dry = await applyToNode(ctx, { ...call, dryRun: true }, deadline);
  ctx.log.info(`the node answers: ${dry.modeDetails}`);
  ctx.log.step(`applying with applyMode ${mode}`);
  const res = await applyToNode(ctx, { ...call, dryRun: false }, deadline);
  const applied: AppliedMode = mode === "auto" ? (res.rebootNeeded ? "reboot" : "no-reboot") : mode;
  ctx.log.info(res.modeDetails.split("\n")[0]);
  ctx.log.step(applied === "reboot" ? "waiting for the node to reboot, then reading the config back" : "reading the config back");
  const which = mode === "staged" ? "persistent" : "active";
  return [applied, await confirm(ctx, r, applied, () => waitForConfig(ctx, r.hash, which, Math.max(1000, deadline - Date.now())))];
}

/** Renders and delivers the config (create and update); returns the outputs. */
export async function deliverMachineConfig(i: MachineConfigInputs, deps: RuntimeDeps): Promise<Outs> {
  if (i.delivery === "user-data") return deliverUserData(i, deps);
  const node = requireNode(i);
  const log = new StepLogger(resourceLabel(i), 5);
  const r = await render(i, deps, log);
  const ctx: ApplyContext = { client: deps.talosctl(), node, endpoints: endpointsOf(i), talosconfig: r.talosconfig, deps, log, inputs: i };
  const timeoutMs = (i.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
  log.step(`probing the Talos API of ${node}`);
  const state = await probeNode(ctx);
  log.info(state.kind === "maintenance" ? "maintenance mode" : "configured by this cluster");
  const [appliedMode, live] = state.kind === "maintenance"
    ? await installFromMaintenance(ctx, r, timeoutMs)
    : await applyConfigured(ctx, i, r, state.live, timeoutMs);
  return { config: r.config, redactedConfig: r.redacted, configHash: r.hash, appliedMode, ...liveOutputs(live), drift: [] };
}
