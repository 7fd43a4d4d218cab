/** The Eviction subresource's decision (k8s pkg/registry/core/pod/storage/eviction.go, simplified to minAvailable). */
import { GRACE_MS, Pass, phaseOf } from "./reconcile";
import { SimPdb, SimPod } from "./state";

/** What an eviction request got. */
export type EvictOutcome =
  | { status: 201; pod: SimPod }
  | { status: 404 }
  | { status: 429; pod: SimPod; pdb: SimPdb; desired: number; healthy: number };

/** Running, not terminating pods of a workload: what a PodDisruptionBudget counts as healthy. */
export function healthyPods(p: Pass, namespace: string, app: string): SimPod[] {
  return p.d.pods.filter(
    (x) => x.namespace === namespace && x.app === app && x.deletedAt === undefined && phaseOf(x, p.now) === "Running",
  );
}

/**
 * Evicts a pod: terminating, Pending or not-yet-running pods are deleted without consulting the budget (the API's
 * canIgnorePDB); otherwise a budget that would drop below minAvailable refuses with 429.
 */
export function evictPod(p: Pass, namespace: string, name: string): EvictOutcome {
  const pod = p.d.pods.find((x) => x.namespace === namespace && x.name === name);
  if (!pod) return { status: 404 };
  if (pod.deletedAt !== undefined) return { status: 201, pod };
  const pdb = pod.app ? p.d.pdbs.find((b) => b.namespace === namespace && b.app === pod.app) : undefined;
  if (pdb && phaseOf(pod, p.now) === "Running") {
    const healthy = healthyPods(p, namespace, pdb.app).length;
    if (healthy - 1 < pdb.minAvailable) return { status: 429, pod, pdb, desired: pdb.minAvailable, healthy };
  }
  pod.deletedAt = p.now;
  pod.goneAt = pod.nodeName === "" ? p.now : p.now + GRACE_MS * p.scale;
  return { status: 201, pod };
}
