/**
 * The Kubernetes checks of the server-side health run (pkg/cluster/check/kubernetes.go and
 * default.go at v1.13.9), asked of the cluster's simulated Kubernetes API state: nodes reported
 * with the expected addresses, control-plane static pods running, nodes Ready, the kube-proxy
 * DaemonSet's and CoreDNS's pods ready, and no node cordoned. Texts are Talos's; `SKIP` is
 * conditions.ErrSkipAssertion (a workload that is not deployed).
 */
import type { SimKube } from "../../apis/kube/model";
import { Pass, nodeReady, phaseOf } from "../../apis/kube/reconcile";
import type { SimPod } from "../../apis/kube/state";

/** A check of the Kubernetes state: null when it passes, else its error text (or SKIP). */
export type KubeCheck = (p: Pass, cps: string[], all: string[]) => string | null;

export const SKIP = "SKIP";

/** Go's `%v` of a string slice. */
const goList = (items: string[]) => `[${items.join(" ")}]`;
/** Go's `%q` of a slice. */
const goQuoted = (items: string[]) => `[${items.map((i) => JSON.stringify(i)).join(" ")}]`;

const nodesOf = (p: Pass) => Object.values(p.d.nodes).sort((a, b) => a.name.localeCompare(b.name));
const live = (x: SimPod) => x.deletedAt === undefined;

/** cluster.NodesMatch: every expected node found by address, and no other. */
const reported: KubeCheck = (p, _cps, all) => {
  const actual = nodesOf(p).map((n) => n.ip);
  const missing = all.find((ip) => !actual.includes(ip));
  if (missing) return `can't find expected node with IPs ${goQuoted([missing])}`;
  const extra = actual.filter((ip) => !all.includes(ip)).sort();
  return extra.length ? `unexpected nodes with IPs ${goQuoted(extra)}` : null;
};

/** K8sControlPlaneStaticPods: each control plane runs its three static pods. */
const staticPods: KubeCheck = (p, cps) => {
  for (const ip of cps) {
    const node = nodesOf(p).find((n) => n.ip === ip);
    const running = (c: string) =>
      p.d.pods.some((x) => live(x) && x.name === `${c}-${node?.name}` && phaseOf(x, p.now) === "Running");
    const missing = ["kube-apiserver", "kube-controller-manager", "kube-scheduler"].filter((c) => !running(c));
    if (missing.length) return `missing static pods on node ${ip}: ${goList(missing)}`;
  }
  return null;
};

const ready: KubeCheck = (p) => {
  const not = nodesOf(p)
    .filter((n) => !nodeReady(p, n.name))
    .map((n) => n.name);
  return not.length ? `some nodes are not ready: ${goList(not)}` : null;
};

/** K8sAllNodesSchedulableAssertion stops at the first cordoned node. */
const schedulable: KubeCheck = (p) => {
  const first = nodesOf(p).find((n) => n.unschedulable);
  return first ? `some nodes are not schedulable: ${goList([first.name])}` : null;
};

/** K8sPodReadyAssertion over the pods of one workload. */
function podsReady(p: Pass, pods: SimPod[], replicas: number, selector: string): string | null {
  if (!pods.length) return `no pods found for namespace "kube-system" and label selector "${selector}"`;
  const current = pods.filter(live);
  const readyPods = current.filter((x) => phaseOf(x, p.now) === "Running" && nodeReady(p, x.nodeName));
  const notReady = current.filter((x) => !readyPods.includes(x)).map((x) => x.name);
  if (!readyPods.length) return `no ready pods found for namespace "kube-system" and label selector "${selector}"`;
  if (notReady.length) return `some pods are not ready: ${goList(notReady)}`;
  return readyPods.length === replicas ? null : `expected ${replicas} ready pods, got ${readyPods.length}`;
}

const kubeProxy: KubeCheck = (p) => {
  const pods = p.d.pods.filter((x) => x.owner?.kind === "DaemonSet" && x.owner.name === "kube-proxy");
  return pods.length ? podsReady(p, pods, nodesOf(p).length, "k8s-app=kube-proxy") : SKIP;
};

const coredns: KubeCheck = (p) => {
  const w = p.d.workloads.find((x) => x.namespace === "kube-system" && x.name === "coredns");
  if (!w) return SKIP;
  const pods = p.d.pods.filter((x) => x.namespace === "kube-system" && x.app === "coredns");
  return podsReady(p, pods, w.replicas, "k8s-app=kube-dns");
};

/** The Kubernetes checks by their progress name. */
export const KUBE_CHECKS: Record<string, KubeCheck> = {
  "all k8s nodes to report": reported,
  "all control plane static pods to be running": staticPods,
  "all k8s nodes to report ready": ready,
  "kube-proxy to report ready": kubeProxy,
  "coredns to report ready": coredns,
  "all k8s nodes to report schedulable": schedulable,
};

/** The cluster's Kubernetes state now, or the error the checks would see. */
export function kubeState(kube: SimKube | undefined): Pass | string {
  return kube ? kube.sync() : "the cluster's Kubernetes API is not running";
}
