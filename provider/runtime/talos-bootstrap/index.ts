/**
 * Runtime of `TalosBootstrap` (provider/resources/talos-bootstrap.ts): bootstraps the cluster's etcd
 * exactly once, proves the cluster healthy and hands out the admin credentials. Steps live in the
 * talos-bootstrap-*.ts modules beside this one. Delete does nothing to the cluster.
 */
import { logLine } from "../../internal/log";
import { diffInputs } from "../dispatch/diff";
import { Props, ResourceRuntime } from "../dispatch/types";
import { checkBootstrap, normalizeBootstrapInputs } from "./check";
import { clusterDeps } from "../shared/cluster-deps";
import { previewK8sUpgrade } from "./k8s-preview";
import { readBootstrap } from "./read";
import { bootstrapId, runBootstrap } from "./run";
import { BootstrapInputs, BootstrapOutputs, INPUT_KEYS, TALOS_BOOTSTRAP_FIELDS } from "./types";

export { checkBootstrap } from "./check";
export { overrideClusterDeps, ClusterDeps, ClusterClient } from "../shared/cluster-deps";
export * from "./types";

// An unset kubernetesVersion leaves the cluster as it runs, so only a set one is compared with the recorded version.
const DIFFED_KEYS = INPUT_KEYS.filter((k) => k !== "kubernetesVersion");

/**
 * Diff: inputs key by key (a new cluster name replaces; `kubernetesVersion` only when set); a refresh
 * that found drift, or a partial create without credentials, is a change so `pulumi up` runs the steps again.
 */
export function diffBootstrap(olds: Props, news: Props) {
  const d = diffInputs(olds, news, { inputKeys: DIFFED_KEYS, replaceKeys: TALOS_BOOTSTRAP_FIELDS.replaceKeys });
  const k8s = news.kubernetesVersion !== undefined && news.kubernetesVersion !== olds.kubernetesVersion;
  const unfinished = ((olds.drift as string[] | undefined) ?? []).length > 0 || olds.kubeconfig === undefined;
  if (unfinished || k8s) return { ...d, changes: true };
  return d.changes && onlyNodesRemoved(olds, news) ? { ...d, changes: false } : d;
}

const NODE_LISTS = ["controlPlaneNodes", "workerNodes", "endpoints"] as const;

/**
 * True when the only change is nodes leaving the lists. The engine deletes removed nodes after every
 * update, so a health check now would still find them (an extra etcd member, an unlisted node) and fail;
 * each removed node's TalosMachineConfig delete drains it and guards etcd instead.
 */
export function onlyNodesRemoved(olds: Props, news: Props): boolean {
  const others = DIFFED_KEYS.filter((k) => !(NODE_LISTS as readonly string[]).includes(k));
  if (diffInputs(olds, news, { inputKeys: others }).changes) return false;
  return NODE_LISTS.every((k) => {
    const before = Array.isArray(olds[k]) ? (olds[k] as unknown[]) : [];
    const after = Array.isArray(news[k]) ? (news[k] as unknown[]) : [];
    return after.every((n) => before.includes(n));
  });
}

/** The TalosBootstrap runtime. */
export const runtime: ResourceRuntime<BootstrapInputs, BootstrapOutputs> = {
  async check(olds, news) {
    return {
      inputs: normalizeBootstrapInputs(news) as unknown as BootstrapInputs,
      failures: checkBootstrap(news, olds),
    };
  },
  async diff(_id, olds, news) {
    const d = diffBootstrap(olds as unknown as Props, news as unknown as Props);
    // Throws when talosctl refuses the Kubernetes upgrade, failing the preview before anything changes.
    await previewK8sUpgrade(olds as unknown as Props, news as unknown as Props, clusterDeps());
    return d;
  },
  async create(i) {
    return { id: bootstrapId(i), outs: await runBootstrap(i, clusterDeps()) };
  },
  async read(id, props) {
    return { id, props: await readBootstrap(props, clusterDeps()) };
  },
  async update(_id, olds, news) {
    return { outs: await runBootstrap(news, clusterDeps(), olds) };
  },
  async delete(id) {
    // Destroying this resource must never reset a cluster (issue #7): etcd, nodes and credentials stay.
    logLine(
      `[${id}] deleted from the stack only: the cluster is left running (etcd, nodes and issued credentials are untouched)`,
    );
  },
};
