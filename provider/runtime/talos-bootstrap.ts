/**
 * Runtime of `TalosBootstrap` (provider/resources/talos-bootstrap.ts): bootstraps the cluster's etcd
 * exactly once, proves the cluster healthy and hands out the admin credentials. Steps live in the
 * talos-bootstrap-*.ts modules beside this one. Delete does nothing to the cluster.
 */
import { logLine } from "../internal/log";
import { diffInputs } from "./dispatch-diff";
import { Props, ResourceRuntime } from "./dispatch-types";
import { checkBootstrap } from "./talos-bootstrap-check";
import { clusterDeps } from "./talos-bootstrap-deps";
import { readBootstrap } from "./talos-bootstrap-read";
import { bootstrapId, runBootstrap } from "./talos-bootstrap-run";
import { BootstrapInputs, BootstrapOutputs, INPUT_KEYS } from "./talos-bootstrap-types";

export { checkBootstrap } from "./talos-bootstrap-check";
export { overrideClusterDeps, ClusterDeps, ClusterClient } from "./talos-bootstrap-deps";
export * from "./talos-bootstrap-types";

/**
 * Diff: inputs key by key (a new cluster name replaces); a refresh that found drift, or a partial
 * create without credentials, is a change so `pulumi up` runs the steps again.
 */
export function diffBootstrap(olds: Props, news: Props) {
  const d = diffInputs(olds, news, { inputKeys: INPUT_KEYS, replaceKeys: ["clusterName"] });
  const unfinished = ((olds.drift as string[] | undefined) ?? []).length > 0 || olds.kubeconfig === undefined;
  return unfinished ? { ...d, changes: true } : d;
}

/** The TalosBootstrap runtime. */
export const runtime: ResourceRuntime<BootstrapInputs, BootstrapOutputs> = {
  async check(_olds, news) {
    return { inputs: news as unknown as BootstrapInputs, failures: checkBootstrap(news) };
  },
  async diff(_id, olds, news) {
    return diffBootstrap(olds as unknown as Props, news as unknown as Props);
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
    logLine(`[${id}] deleted from the stack only: the cluster is left running (etcd, nodes and issued credentials are untouched)`);
  },
};
