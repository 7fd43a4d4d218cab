/**
 * What the controllers and kubelets of a real cluster would do, run on every look at the state: nodes register,
 * terminated pods disappear, pods of deleted nodes are collected, DaemonSet and static pods exist on every node,
 * Deployments keep their replica count, and Pending pods get scheduled onto schedulable Ready nodes.
 */
import { suffix, uid, versionOfImage } from "./names";
import { SimKubeData, SimPod } from "./state";

/** What the Talos runtime tells the cluster about one running node of it. */
export interface TalosNodeView {
  machineId: string;
  bootId: string;
  hostname: string;
  ip: string;
  controlPlane: boolean;
  /** Control plane without `cluster.allowSchedulingOnControlPlanes`. */
  tainted: boolean;
  kubeletImage: string;
  talosTag: string;
  arch: string;
  /** Running, configured, not about to reboot and not hung after an upgrade (the hangAfterUpgrade fault). */
  ready: boolean;
}

/** Realistic grace period of an evicted pod (terminationGracePeriodSeconds 30). */
export const GRACE_MS = 30000;
/** Realistic time from scheduling to Running. */
export const START_MS = 2000;

/** Shared inputs of one reconcile pass. */
export interface Pass {
  d: SimKubeData;
  now: number;
  /** World time scale (realistic → simulated ms). */
  scale: number;
  views: TalosNodeView[];
}

/** Whether a registered node is Ready (its Talos node runs this boot and is not rebooting). */
export function nodeReady(p: Pass, name: string): boolean {
  return p.views.some((v) => v.hostname === name && v.ready && p.d.deleted[name] !== v.bootId);
}

/** Phase of a pod at `now`. */
export function phaseOf(pod: SimPod, now: number): "Pending" | "Running" {
  return pod.nodeName === "" || (pod.runningAt !== undefined && pod.runningAt > now) ? "Pending" : "Running";
}

/** Registers (or refreshes) the Node of every running node, except one deleted during its current boot. */
export function registerNodes(p: Pass): void {
  for (const v of p.views) {
    if (p.d.deleted[v.hostname] === v.bootId) continue;
    delete p.d.deleted[v.hostname];
    const prev = p.d.nodes[v.hostname];
    p.d.nodes[v.hostname] = {
      name: v.hostname,
      machineId: v.machineId,
      ip: v.ip,
      controlPlane: v.controlPlane,
      tainted: v.tainted,
      arch: v.arch,
      kubeletVersion: versionOfImage(v.kubeletImage),
      osImage: `Talos (${v.talosTag})`,
      unschedulable: prev?.unschedulable ?? false,
      uid: prev?.uid ?? uid(),
      createdAt: prev?.createdAt ?? p.now,
    };
  }
}

/** Drops pods whose grace period ended and pods bound to nodes that no longer exist (pod garbage collection). */
export function collectPods(p: Pass): void {
  p.d.pods = p.d.pods.filter(
    (pod) =>
      !(pod.goneAt !== undefined && pod.goneAt <= p.now) &&
      (pod.nodeName === "" || p.d.nodes[pod.nodeName] !== undefined),
  );
}

function newPod(p: Pass, fields: Omit<SimPod, "uid" | "createdAt" | "mirror" | "emptyDir"> & Partial<SimPod>): SimPod {
  const pod: SimPod = { uid: uid(), createdAt: p.now, mirror: false, emptyDir: false, ...fields };
  p.d.pods.push(pod);
  return pod;
}

const live = (pod: SimPod) => pod.deletedAt === undefined;

/** kube-proxy and flannel on every node (DaemonSets), the control-plane static pods' mirrors on control planes. */
export function systemPods(p: Pass): void {
  for (const n of Object.values(p.d.nodes)) {
    for (const ds of ["kube-proxy", "kube-flannel-ds"]) {
      if (
        p.d.pods.some((x) => live(x) && x.nodeName === n.name && x.owner?.kind === "DaemonSet" && x.owner.name === ds)
      )
        continue;
      newPod(p, {
        namespace: "kube-system",
        name: `${ds}-${suffix()}`,
        nodeName: n.name,
        owner: { kind: "DaemonSet", name: ds },
        image:
          ds === "kube-proxy" ? `registry.k8s.io/kube-proxy:${n.kubeletVersion}` : "ghcr.io/siderolabs/flannel:v0.27.4",
      });
    }
    if (!n.controlPlane) continue;
    for (const c of ["kube-apiserver", "kube-controller-manager", "kube-scheduler"]) {
      if (p.d.pods.some((x) => x.name === `${c}-${n.name}`)) continue;
      newPod(p, {
        namespace: "kube-system",
        name: `${c}-${n.name}`,
        nodeName: n.name,
        owner: { kind: "Node", name: n.name },
        mirror: true,
        image: `registry.k8s.io/${c}:${n.kubeletVersion}`,
      });
    }
  }
}

/** Each Deployment's ReplicaSet creates pods until it has `replicas` that are not terminating. */
export function reconcileWorkloads(p: Pass): void {
  for (const w of p.d.workloads) {
    const have = p.d.pods.filter((x) => live(x) && x.namespace === w.namespace && x.app === w.name).length;
    for (let i = have; i < w.replicas; i++) {
      const rs = `${w.name}-${w.hash}`;
      newPod(p, {
        namespace: w.namespace,
        name: `${rs}-${suffix()}`,
        nodeName: "",
        owner: { kind: "ReplicaSet", name: rs },
        app: w.name,
        emptyDir: w.emptyDir,
        image: w.image,
      });
    }
  }
}

/** Binds Pending pods to schedulable Ready nodes, spreading replicas (fewest of the same workload, then fewest pods). */
export function schedule(p: Pass): void {
  for (const pod of p.d.pods.filter((x) => live(x) && x.nodeName === "")) {
    const w = p.d.workloads.find((x) => x.namespace === pod.namespace && x.name === pod.app);
    const fits = Object.values(p.d.nodes).filter(
      (n) => !n.unschedulable && nodeReady(p, n.name) && (!n.tainted || w?.onControlPlanes === true),
    );
    const load = (node: string, same: boolean) =>
      p.d.pods.filter(
        (x) =>
          live(x) && x.nodeName === node && !x.mirror && x.owner?.kind !== "DaemonSet" && (!same || x.app === pod.app),
      ).length;
    fits.sort(
      (a, b) =>
        load(a.name, true) - load(b.name, true) ||
        load(a.name, false) - load(b.name, false) ||
        a.name.localeCompare(b.name),
    );
    if (!fits.length) continue;
    pod.nodeName = fits[0].name;
    pod.runningAt = p.now + START_MS * p.scale;
  }
}

/** One full pass, in the order the controllers would act. */
export function reconcile(p: Pass): void {
  registerNodes(p);
  collectPods(p);
  systemPods(p);
  reconcileWorkloads(p);
  schedule(p);
}
