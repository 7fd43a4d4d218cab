/**
 * The simulated Kubernetes state of one cluster (nodes' scheduling flags, pods, workloads, disruption budgets,
 * events), persisted in `<stateDir>/kube/<cluster key>.json` so it survives node reboots.
 */
import * as fs from "fs";
import * as path from "path";

/** A registered Node (what the kubelet last reported, plus the cordon flag). */
export interface SimKubeNodeRecord {
  name: string;
  machineId: string;
  ip: string;
  controlPlane: boolean;
  /** Control plane carrying the NoSchedule taint (Talos default unless allowSchedulingOnControlPlanes). */
  tainted: boolean;
  kubeletVersion: string;
  osImage: string;
  arch: string;
  unschedulable: boolean;
  uid: string;
  createdAt: number;
}

/** One pod. Times are epoch ms. */
export interface SimPod {
  namespace: string;
  name: string;
  uid: string;
  /** "" while Pending without a node. */
  nodeName: string;
  owner?: { kind: "ReplicaSet" | "DaemonSet" | "Node"; name: string };
  /** Deployment name (ReplicaSet-owned pods) for disruption budgets and replacement. */
  app?: string;
  mirror: boolean;
  emptyDir: boolean;
  image: string;
  createdAt: number;
  /** When a Pending pod starts running. */
  runningAt?: number;
  deletedAt?: number;
  /** When a terminating pod disappears (grace period elapsed). */
  goneAt?: number;
}

/** A Deployment (one ReplicaSet). */
export interface SimWorkload {
  namespace: string;
  name: string;
  replicas: number;
  emptyDir: boolean;
  /** Pod-template hash in pod names (`web-7d9c5b6f4d-abcde`). */
  hash: string;
  /** Tolerates the control-plane NoSchedule taint (CoreDNS does). */
  onControlPlanes: boolean;
  image: string;
}

/** A PodDisruptionBudget with minAvailable over one workload. */
export interface SimPdb {
  namespace: string;
  name: string;
  app: string;
  minAvailable: number;
}

/** One journal entry of what the API did to nodes and pods. */
export interface SimKubeEvent {
  at: number;
  kind: "cordon" | "uncordon" | "evict" | "evict-blocked" | "delete-node";
  node: string;
  /** `ns/name` of the pod (evictions). */
  pod?: string;
}

/** The whole persisted state of a cluster. */
export interface SimKubeData {
  seeded: boolean;
  nodes: Record<string, SimKubeNodeRecord>;
  /** Deleted node name → boot id that must not re-register (the kubelet registers again on its next boot). */
  deleted: Record<string, string>;
  pods: SimPod[];
  workloads: SimWorkload[];
  pdbs: SimPdb[];
  events: SimKubeEvent[];
}

/** Reads and writes one cluster's state file. */
export class SimKubeStore {
  readonly file: string;
  constructor(stateDir: string, key: string) {
    this.file = path.join(stateDir, "kube", `${key}.json`);
  }

  /** The stored state, or an empty one. */
  load(): SimKubeData {
    try {
      return JSON.parse(fs.readFileSync(this.file, "utf8")) as SimKubeData;
    } catch {
      return { seeded: false, nodes: {}, deleted: {}, pods: [], workloads: [], pdbs: [], events: [] };
    }
  }

  /** Writes the state. */
  save(d: SimKubeData): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    fs.writeFileSync(this.file, JSON.stringify(d, null, 1), { mode: 0o600 });
  }
}
