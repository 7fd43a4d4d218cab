/**
 * Runtime of `KubeSpanMesh` (provider/resources/kubespan-mesh.ts): proves the hybrid mesh is
 * encrypted end to end — every node sees every other node `up` over KubeSpan — or names the links
 * that are down and why. It changes nothing on the nodes; delete only forgets the verification.
 */
import { logLine } from "../../internal/log";
import { diffInputs } from "../dispatch/diff";
import { Props, ResourceRuntime } from "../dispatch/types";
import { meshId, readMesh, verifyMesh } from "./verify";
import { INPUT_KEYS, MeshInputs, MeshOutputs, checkMesh } from "./types";
import { clusterDeps } from "../shared/cluster-deps";

export * from "./types";
export { analyzeMesh, MeshReport } from "./analyze";
export { meshSwitches, NodeObservation } from "./observe";

/** The KubeSpanMesh runtime. */
export const runtime: ResourceRuntime<MeshInputs, MeshOutputs> = {
  async check(_olds, news) {
    return { inputs: news as unknown as MeshInputs, failures: checkMesh(news) };
  },
  async diff(_id, olds, news) {
    const d = diffInputs(olds as unknown as Props, news as unknown as Props, { inputKeys: INPUT_KEYS });
    // Drift found by a refresh makes `pulumi up` verify again (and fail while the mesh is down).
    return (olds.drift ?? []).length > 0 ? { ...d, changes: true } : d;
  },
  async create(i) {
    return { id: meshId(i), outs: await verifyMesh(i, clusterDeps()) };
  },
  async read(id, props) {
    return { id, props: await readMesh(props, clusterDeps()) };
  },
  async update(_id, _olds, news) {
    return { outs: await verifyMesh(news, clusterDeps()) };
  },
  async delete(id) {
    logLine(`[${id}] verification forgotten; the nodes and their KubeSpan settings are unchanged`);
  },
};
