/** One simulated cluster's Kubernetes API state and the operations the API server and tests perform on it. */
import { KubeNode, KubePod, toNode, toPod } from "../../../kube/objects";
import { EvictOutcome, evictPod } from "./evict";
import { suffix } from "./names";
import { Pass, TalosNodeView, reconcile } from "./reconcile";
import { SimKubeData, SimKubeEvent, SimKubeNodeRecord, SimKubeStore } from "./state";
import { nodeObject, podObject } from "./view";

/** A Deployment to add (and a PodDisruptionBudget `<name>` when minAvailable is set). */
export interface WorkloadSpec {
  namespace: string;
  name: string;
  replicas: number;
  emptyDir?: boolean;
  minAvailable?: number;
}

/** The Kubernetes side of one simulated cluster; state is persisted after every change. */
export class SimKube {
  private readonly d: SimKubeData;

  constructor(
    readonly key: string,
    readonly clusterName: string,
    private readonly store: SimKubeStore,
    private readonly scale: number,
    private readonly talos: () => TalosNodeView[],
    private readonly now: () => number = Date.now,
  ) {
    this.d = store.load();
  }

  /** Runs the controllers (see reconcile.ts), seeding CoreDNS the first time, and returns a pass for readers. */
  sync(): Pass {
    const p: Pass = { d: this.d, now: this.now(), scale: this.scale, views: this.talos() };
    if (!this.d.seeded) {
      this.d.seeded = true;
      this.d.workloads.push({
        namespace: "kube-system",
        name: "coredns",
        replicas: 2,
        emptyDir: false,
        hash: suffix(10),
        onControlPlanes: true,
        image: "registry.k8s.io/coredns/coredns:v1.12.4",
      });
    }
    reconcile(p);
    this.store.save(this.d);
    return p;
  }

  /** The journal of cordons, evictions and node deletions. */
  get events(): SimKubeEvent[] {
    return this.d.events;
  }

  /** Registered nodes as the library's client sees them: the served Node objects through the client's own conversion. */
  nodes(): KubeNode[] {
    const p = this.sync();
    return Object.values(this.d.nodes)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((n) => toNode(nodeObject(p, n)));
  }

  /** All pods as the library's client sees them (served Pod objects through toPod). */
  pods(): KubePod[] {
    const p = this.sync();
    return this.d.pods.map((x) => toPod(podObject(p, x)));
  }

  /** Adds a Deployment with `replicas` pods (and a PodDisruptionBudget when minAvailable is set). */
  addWorkload(w: WorkloadSpec): void {
    if (this.d.workloads.some((x) => x.namespace === w.namespace && x.name === w.name))
      throw new Error(`deployment ${w.namespace}/${w.name} already exists`);
    this.d.workloads.push({
      namespace: w.namespace,
      name: w.name,
      replicas: w.replicas,
      emptyDir: w.emptyDir ?? false,
      hash: suffix(10),
      onControlPlanes: false,
      image: "nginx:1.27",
    });
    if (w.minAvailable !== undefined)
      this.d.pdbs.push({ namespace: w.namespace, name: w.name, app: w.name, minAvailable: w.minAvailable });
    this.sync();
  }

  /** A registered node's record (undefined when not registered). */
  node(name: string): SimKubeNodeRecord | undefined {
    this.sync();
    return this.d.nodes[name];
  }

  /** Sets or clears `spec.unschedulable`; false when the node does not exist. */
  setUnschedulable(name: string, on: boolean): boolean {
    const n = this.node(name);
    if (!n) return false;
    n.unschedulable = on;
    this.record(on ? "cordon" : "uncordon", name);
    this.sync();
    return true;
  }

  /** Deletes a Node; it registers again when its Talos node boots next. False when it does not exist. */
  deleteNode(name: string): boolean {
    const p = this.sync();
    if (!p.d.nodes[name]) return false;
    const v = p.views.find((x) => x.hostname === name);
    if (v) this.d.deleted[name] = v.bootId;
    delete this.d.nodes[name];
    this.record("delete-node", name);
    this.sync();
    return true;
  }

  /** Evicts a pod (policy/v1 Eviction), recording it in the journal. */
  evict(namespace: string, name: string): EvictOutcome {
    const p = this.sync();
    const r = evictPod(p, namespace, name);
    if (r.status !== 404)
      this.record(r.status === 201 ? "evict" : "evict-blocked", r.pod.nodeName, `${namespace}/${name}`);
    this.sync();
    return r;
  }

  /** The state to render (after a sync). */
  view(): Pass {
    return this.sync();
  }

  private record(kind: SimKubeEvent["kind"], node: string, pod?: string): void {
    this.d.events.push(pod ? { at: this.now(), kind, node, pod } : { at: this.now(), kind, node });
  }
}
