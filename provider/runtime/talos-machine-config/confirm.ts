/**
 * Confirming an apply: wait until the node runs (or keeps) the config we sent; a node that took the
 * config but did not confirm it in time is a partial resource, so the next update applies and checks again.
 */
import { errorMessage } from "../../internal/errors";
import type { RenderedConfig } from "../../talos/config";
import { PartialResourceError } from "../dispatch/errors";
import { LiveConfigs, NodeContext, waitForConfig } from "./node";
import { definedOnly } from "../../internal/defined";
import { AppliedMode, MachineConfigInputs, requireNode } from "./types";

/** The label of log lines and errors: the hostname, else the node address, else the cluster. */
export function resourceLabel(i: MachineConfigInputs): string {
  return i.hostname ?? i.node ?? i.clusterName;
}

/** The resource id: `<cluster>/<node>`, or `<cluster>/user-data/<hostname or hash>` for user-data delivery. */
export function machineConfigId(i: MachineConfigInputs, hash: string): string {
  return i.delivery === "user-data"
    ? `${i.clusterName}/user-data/${i.hostname ?? hash.slice(0, 12)}`
    : `${i.clusterName}/${requireNode(i)}`;
}

/** The partial resource of a config the node accepted but did not confirm (`liveConfigHash: ""`). */
export function unverified(
  i: MachineConfigInputs,
  r: RenderedConfig,
  appliedMode: AppliedMode,
  e: unknown,
): PartialResourceError {
  const outs = definedOnly({
    config: r.config,
    redactedConfig: r.redacted,
    configHash: r.hash,
    appliedMode,
    rebootPending: false,
    liveConfigHash: "",
    drift: [],
  });
  return new PartialResourceError(
    machineConfigId(i, r.hash),
    outs,
    e,
    `[${resourceLabel(i)}] node ${i.node} accepted the config but did not confirm it: ${errorMessage(e)}`,
  );
}

/** Waits until the node's `which` config has `hash` (until `deadline`, epoch ms); a timeout becomes the partial resource. */
export async function confirmConfig(
  ctx: NodeContext & { inputs: MachineConfigInputs },
  r: RenderedConfig,
  mode: AppliedMode,
  hash: string,
  which: "active" | "persistent",
  deadline: number,
): Promise<LiveConfigs> {
  try {
    return await waitForConfig(ctx, hash, which, Math.max(1000, deadline - ctx.deps.now()));
  } catch (e) {
    throw unverified(ctx.inputs, r, mode, e);
  }
}
