/**
 * Cluster-wide facts the simulated nodes share inside the simulator process: the discovery service
 * (affiliates per cluster) and etcd membership per cluster. The stand-in never sees these; it only
 * talks to node APIs.
 */
import * as crypto from "crypto";

/** What one node publishes to the discovery service. */
export interface Affiliate {
  machineId: string;
  nodeId: string;
  hostname: string;
  ip: string | null;
  addresses: string[];
  machineType: string;
  operatingSystem: string;
  /** Present when the node runs KubeSpan. */
  kubespan?: { publicKey: string; address: string };
  /** Epoch ms when the node stopped (affiliate expires after the TTL); null while running. */
  stoppedAt: number | null;
  /** Epoch ms of the first publication in this cluster (when peers first see it); kept on refresh. */
  since?: number;
}

/** One etcd member. */
export interface EtcdMember {
  machineId: string;
  memberId: string;
  hostname: string;
  ip: string | null;
  /** Added as a learner whose etcd has not synced with the members yet (no name, no client URLs). */
  learner?: boolean;
}

/** The discovery/etcd key of a cluster: hash of cluster id + secret. */
export function clusterKey(identity: { id: string; secret: string }): string {
  return crypto.createHash("sha256").update(`${identity.id}\0${identity.secret}`).digest("hex").slice(0, 16);
}

/** Discovery service + etcd membership of every cluster. */
export class ClusterRegistry {
  private readonly affiliates = new Map<string, Map<string, Affiliate>>();
  private readonly members = new Map<string, Map<string, EtcdMember>>();
  /** First publication per cluster and machine; forgotten when the machine stops. */
  private readonly firstSeen = new Map<string, number>();
  /** Affiliate TTL in ms (Talos discovery: 30 minutes, scaled). */
  constructor(private readonly ttlMs: number) {}

  /** Publishes (or refreshes) an affiliate. */
  publish(key: string, a: Affiliate): void {
    if (!this.affiliates.has(key)) this.affiliates.set(key, new Map());
    const seen = `${key}/${a.machineId}`;
    if (!this.firstSeen.has(seen)) this.firstSeen.set(seen, Date.now());
    this.affiliates.get(key)!.set(a.machineId, { ...a, since: this.firstSeen.get(seen) });
  }

  /** Removes a machine from every cluster's discovery data. */
  withdraw(machineId: string): void {
    for (const m of this.affiliates.values()) m.delete(machineId);
  }

  /** Marks a machine's affiliates as stopped (they expire after the TTL). */
  stopped(machineId: string, now = Date.now()): void {
    for (const m of this.affiliates.values()) {
      const a = m.get(machineId);
      if (a) a.stoppedAt = now;
    }
    for (const seen of [...this.firstSeen.keys()]) {
      if (seen.endsWith(`/${machineId}`)) this.firstSeen.delete(seen);
    }
  }

  /** Live (not expired) affiliates of a cluster. */
  list(key: string, now = Date.now()): Affiliate[] {
    return [...(this.affiliates.get(key)?.values() ?? [])].filter(
      (a) => a.stoppedAt === null || now - a.stoppedAt < this.ttlMs,
    );
  }

  /** Adds an etcd member. */
  addMember(key: string, m: EtcdMember): void {
    if (!this.members.has(key)) this.members.set(key, new Map());
    this.members.get(key)!.set(m.machineId, m);
  }

  /** Removes a machine from etcd (graceful reset leaves the cluster). */
  removeMember(machineId: string): void {
    for (const m of this.members.values()) m.delete(machineId);
  }

  /** etcd members of a cluster, in join order. */
  etcdMembers(key: string): EtcdMember[] {
    return [...(this.members.get(key)?.values() ?? [])];
  }
}
