/** Which pods of a node a drain evicts, skips or only waits for (kubectl drain --ignore-daemonsets --delete-emptydir-data). */
import { KubePod, podRef } from "./objects";

/** The pure decision over a node's pods. */
export interface DrainPlan {
  /** Pods to evict. */
  evict: KubePod[];
  /** Pods already terminating: waited for, not evicted again. */
  terminating: KubePod[];
  /** `ns/name` of DaemonSet-owned pods (kubectl: "ignoring DaemonSet-managed Pods"). */
  daemonSet: string[];
  /** `ns/name` of mirror pods (static pods; the API cannot delete them). */
  mirror: string[];
  /** `ns/name` of pods without a controller (kubectl needs --force; we evict them with a warning). */
  bare: string[];
}

/** Sorts a node's pods into the drain plan; pods with emptyDir volumes are evicted like any other. */
export function planDrain(pods: KubePod[]): DrainPlan {
  const plan: DrainPlan = { evict: [], terminating: [], daemonSet: [], mirror: [], bare: [] };
  for (const p of pods) {
    if (p.mirror) plan.mirror.push(podRef(p));
    else if (p.ownerKind === "DaemonSet") plan.daemonSet.push(podRef(p));
    else if (p.deleting) plan.terminating.push(p);
    else {
      plan.evict.push(p);
      if (!p.ownerKind) plan.bare.push(podRef(p));
    }
  }
  return plan;
}

/** The progress line of the eviction step: `evicting 3 pod(s) from w-0 (skipped 2 DaemonSet pod(s), 3 mirror pod(s))`. */
export function evictionLine(node: string, plan: DrainPlan): string {
  const skipped: string[] = [];
  if (plan.daemonSet.length) skipped.push(`${plan.daemonSet.length} DaemonSet pod(s)`);
  if (plan.mirror.length) skipped.push(`${plan.mirror.length} mirror pod(s)`);
  const tail = skipped.length ? ` (skipped ${skipped.join(", ")})` : "";
  const waiting = plan.terminating.length ? `, waiting for ${plan.terminating.length} terminating pod(s)` : "";
  return `evicting ${plan.evict.length} pod(s) from ${node}${tail}${waiting}`;
}
