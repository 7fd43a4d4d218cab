/**
 * Runtime of `TalosMachineConfig` (provider/resources/talos-machine-config.ts): one node's config,
 * rendered at check (redacted text, hash and impact become inputs for readable previews) and
 * applied at create/update. The steps live in the talos-machine-config-*.ts modules beside this one.
 */
import { deepEqual } from "../dispatch/diff";
import { DiffResult, Props, ResourceRuntime, isUnknown } from "../dispatch/types";
import { deliverMachineConfig, machineConfigId } from "./apply";
import { checkMachineConfig } from "./check";
import { runtimeDeps } from "./deps";
import { deleteMachineConfig, readMachineConfig } from "./read";
import { onlyDescriptiveChanges } from "./roll/plan";
import { definedOnly } from "../../internal/defined";
import { MachineConfigInputs, MachineConfigOutputs } from "./types";

const REPLACE_DEFAULTS: Record<string, unknown> = { delivery: "apply" };

/** Inputs whose change replaces the resource: another node, or another way of delivering the config. */
function replacedKeys(olds: Props, news: Props): string[] {
  return ["node", "delivery"].filter((k) => {
    if (isUnknown(news[k])) return false;
    if (k === "node" && (news.delivery ?? "apply") === "user-data") return false;
    return !deepEqual(olds[k] ?? REPLACE_DEFAULTS[k], news[k] ?? REPLACE_DEFAULTS[k]);
  });
}

/** True when the last refresh found the node keeping a config other than the desired one. */
export function hasDrifted(olds: Props): boolean {
  return (
    olds.delivery !== "user-data" &&
    typeof olds.liveConfigHash === "string" &&
    typeof olds.configHash === "string" &&
    olds.liveConfigHash !== olds.configHash
  );
}

/**
 * Diff: `changes` stays undefined (DIFF_UNKNOWN) so the engine diffs the inputs itself and previews
 * show per-field changes of `redactedConfig` (contract pulumi-dynamic §3); only drift found by a
 * refresh, which the inputs cannot show, is reported as a change; a change of only the descriptive
 * `plannedAction`/`rollPosition` is reported as none.
 */
export function diffMachineConfig(olds: Props, news: Props): DiffResult {
  const replaces = replacedKeys(olds, news);
  if (hasDrifted(olds)) return { changes: true, replaces };
  // plannedAction comes and goes with each change (rollPosition with the cluster's shape): alone they update nothing.
  return replaces.length === 0 && onlyDescriptiveChanges(olds, news) ? { changes: false, replaces } : { replaces };
}

/** The TalosMachineConfig runtime. */
export const runtime: ResourceRuntime<MachineConfigInputs, MachineConfigOutputs> = {
  check(olds, news) {
    return checkMachineConfig(olds, news, runtimeDeps());
  },
  async diff(_id, olds, news) {
    return diffMachineConfig(olds as unknown as Props, news as unknown as Props);
  },
  async create(i) {
    const outs = await deliverMachineConfig(i, runtimeDeps());
    return { id: machineConfigId(i, outs.configHash ?? ""), outs: definedOnly(outs) };
  },
  async read(id, props) {
    return { id, props: definedOnly(await readMachineConfig(props, runtimeDeps())) };
  },
  async update(_id, olds, news) {
    return { outs: definedOnly(await deliverMachineConfig(news, runtimeDeps(), olds as unknown as Props)) };
  },
  async delete(_id, props) {
    await deleteMachineConfig(props, runtimeDeps());
  },
};
