/**
 * A control plane joining an existing etcd, as machined's etcd service does it
 * (internal/app/machined/pkg/system/services/etcd.go at v1.13.9): it dials the other control planes'
 * etcd client port (TCP 2379) to add itself as a learner, then its etcd must exchange raft traffic
 * with the members on the peer port (TCP 2380, both ways) before it is started and promoted. Through
 * a firewall that drops either, the join stalls at that step, and the service retries.
 */
import { memberIdOf } from "./identity";
import { EtcdMember } from "./registry";
import { TalosNode } from "./node";

export const ETCD_CLIENT_PORT = 2379;
export const ETCD_PEER_PORT = 2380;
/** How soon the etcd service retries a stalled join or promotion (its restart back-off), realistic ms. */
export const ETCD_RETRY_MS = 5_000;

/** The running nodes of the existing members (not `node` itself). */
function memberNodes(node: TalosNode, members: EtcdMember[]): TalosNode[] {
  return node.host
    .running()
    .filter((n) => n !== node && members.some((m) => m.machineId === n.machine.id && !m.learner));
}

/** Whether `from` reaches `to` on TCP `port` (the target machine's firewall). */
const reaches = (from: TalosNode, to: TalosNode, port: number) => to.machine.inboundAllowed("tcp", port, from.ip ?? "");

/** A member can add the node: some member's client port admits it. */
export function canAddMember(node: TalosNode, members: EtcdMember[]): boolean {
  return memberNodes(node, members).some((m) => reaches(node, m, ETCD_CLIENT_PORT));
}

/** The node's etcd can sync: the peer port is open both ways with every running member. */
export function peersConnect(node: TalosNode, members: EtcdMember[]): boolean {
  return memberNodes(node, members).every((m) => reaches(node, m, ETCD_PEER_PORT) && reaches(m, node, ETCD_PEER_PORT));
}

/** Retries the join later while the node runs (the etcd service restarting). */
export function retryJoin(node: TalosNode): void {
  setTimeout(() => {
    if (!node.stopped) node.refresh();
  }, ETCD_RETRY_MS * node.host.world.timeScale);
}

/** Joins the cluster's etcd once members exist: added through TCP 2379, started once TCP 2380 connects. */
export function joinEtcd(node: TalosNode, key: string): void {
  const reg = node.host.registry;
  const members = reg.etcdMembers(key).filter((m) => m.machineId !== node.machine.id);
  if (node.controlPlane && !node.saved.etcd && members.length) {
    if (!canAddMember(node, members)) return retryJoin(node);
    node.stateFile.update({ etcd: { bootstrapped: false, memberId: memberIdOf(node.machine.id, node.bootId) } });
  }
  const now = node.saved.etcd;
  if (!node.controlPlane || !now || now.removed) return;
  const started = now.bootstrapped || reg.etcdMembers(key).some((m) => m.machineId === node.machine.id && !m.learner);
  const learner = !started && members.length > 0 && !peersConnect(node, members);
  const hostname = learner ? "" : node.hostname;
  reg.addMember(key, { machineId: node.machine.id, memberId: now.memberId, hostname, ip: node.ip, learner });
  if (learner) retryJoin(node);
}
