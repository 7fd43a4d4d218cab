/**
 * read (refresh) and delete of TalosMachineConfig. Read compares the config the node keeps with the
 * desired one and reports drift as a per-path diff of REDACTED configs; an unreachable node keeps
 * the state as it was (with a warning). Delete resets the node only when asked to.
 */
import { errorMessage, isError } from "../../internal/errors";
import { StepLogger, logLine } from "../../internal/log";
import { pollUntil } from "../../internal/poll";
import { diffConfigs, formatConfigDiff, redactConfig } from "../../talos/config";
import { RuntimeDeps } from "./deps";
import { adminTalosconfig } from "./render";
import { resourceLabel } from "./confirm";
import { comparableLive, liveOutputs } from "./live";
import { NodeContext, isTlsRefusal, isUnreachable, probeNode } from "./node";
import { PlanLogger, RollContext } from "./roll/context";
import { REMOVE_STEPS, removeNode } from "./remove";
import { DEFAULT_TIMEOUT_SECONDS, MachineConfigOutputs, endpointsOf, requireNode } from "./types";

async function contextOf(props: MachineConfigOutputs, deps: RuntimeDeps, log: StepLogger): Promise<NodeContext> {
  const talosconfig = await adminTalosconfig(props, deps);
  return { client: deps.talosctl(), node: requireNode(props), endpoints: endpointsOf(props), talosconfig, deps, log };
}

/** Drift lines (`~ path: before => after`) from the desired redacted config to the node's (compared after pinning the deferred Kubernetes images). */
export function driftLines(
  desiredRedacted: string,
  liveConfig: string,
  desired?: string,
  i: Pick<MachineConfigOutputs, "kubernetesUpgrade"> = {},
): string[] {
  const changes = diffConfigs(desiredRedacted, redactConfig(comparableLive(liveConfig, desired, i)));
  return changes.length === 0 ? [] : formatConfigDiff(changes).split("\n");
}

/** Refreshed outputs; the node's state is compared with the desired config kept in `props`. */
export async function readMachineConfig(props: MachineConfigOutputs, deps: RuntimeDeps): Promise<MachineConfigOutputs> {
  if (props.delivery === "user-data") return props; // nothing to ask: the server read it at boot
  const log = new StepLogger(resourceLabel(props), 1);
  let state;
  try {
    state = await probeNode(await contextOf(props, deps, log));
  } catch (e) {
    if (!isUnreachable(e)) throw e;
    log.warn(`refresh kept the last known state: ${errorMessage(e)}`);
    return props;
  }
  if (state.kind === "maintenance") {
    log.warn(`node ${props.node} is in maintenance mode: it has no config (reset or reinstalled?)`);
    return {
      ...props,
      liveConfigHash: "",
      rebootPending: false,
      drift: ["- (the node has no config: maintenance mode)"],
    };
  }
  const kept = state.live.persistent ?? state.live.active;
  const drift = driftLines(props.redactedConfig ?? "", kept, props.config, props);
  const outs = { ...props, ...liveOutputs(state.live, props.config, props), drift };
  if (outs.liveConfigHash !== props.configHash)
    log.warn(`node ${props.node} drifted from the desired config:\n${drift.join("\n") || "(secret values differ)"}`);
  return outs;
}

async function resetNode(ctx: NodeContext, props: MachineConfigOutputs, deps: RuntimeDeps): Promise<void> {
  ctx.log.step(`resetting ${ctx.node} (graceful; wipes STATE and EPHEMERAL)`);
  await ctx.client.reset({
    node: ctx.node,
    endpoints: ctx.endpoints,
    talosconfig: ctx.talosconfig,
    graceful: true,
    reboot: true,
    systemLabelsToWipe: ["STATE", "EPHEMERAL"],
    wait: false,
  });
  ctx.log.step("waiting for maintenance mode");
  await pollUntil(async () => ((await probeNode(ctx)).kind === "maintenance" ? true : undefined), {
    what: `node ${ctx.node} to come back in maintenance mode after the reset`,
    timeoutMs: (props.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
    initialMs: 250,
    maxMs: 5000,
    sleep: deps.sleep,
    now: deps.now,
    transient: (e) => isUnreachable(e) || isTlsRefusal(e) || isError(e, "ForeignNodeError"),
  });
}

/**
 * Node removal: drain, etcd removal for control planes (quorum guard), graceful reset of STATE and
 * EPHEMERAL when `resetOnDelete` (then waits for maintenance mode), Kubernetes Node deleted. A node
 * that does not answer is warned about and the delete finishes.
 */
export async function deleteMachineConfig(props: MachineConfigOutputs, deps: RuntimeDeps): Promise<void> {
  const label = resourceLabel(props);
  if (props.delivery === "user-data") {
    logLine(`[${label}] node (user-data) keeps its config: nothing to remove`);
    return;
  }
  const log = new PlanLogger(label, REMOVE_STEPS + (props.resetOnDelete ? 1 : 0));
  const ctx: RollContext = { ...(await contextOf(props, deps, log)), log, inputs: props, label };
  let answers = true;
  try {
    const state = await probeNode(ctx);
    if (state.kind === "maintenance") answers = false;
  } catch (e) {
    if (!isUnreachable(e)) throw e;
    log.warn(`node ${ctx.node} does not answer (${errorMessage(e)}): removing what the cluster still knows of it`);
    answers = false;
  }
  await removeNode(ctx, answers, () => resetNode(ctx, props, deps));
}
