/** Bootstrap, etcd membership and the admin kubeconfig (contracts/talosctl.md §8, §9, §16). */
import { GrpcError } from "../api";
import { str } from "../config-docs";
import { b64, issue, unb64 } from "../pki/cert";
import { atLeast } from "../versions";
import { memberIdOf } from "./identity";
import { TalosNode } from "./node";
import { NodeStateFile } from "./state";

/** Time after boot during which bootstrap answers "not available yet" (CRI still starting), realistic ms. */
export const BOOTSTRAP_READY_AFTER_MS = 15000;

/** etcd member row on the wire. */
export interface MemberRow {
  id: string;
  hostname: string;
  peerUrls: string[];
  clientUrls: string[];
  learner: boolean;
}

function requireControlPlane(node: TalosNode): void {
  if (!node.type) throw new GrpcError("Unimplemented", "machine type is not set, cannot use bootstrap API");
  if (node.controlPlane) return;
  if (!atLeast(node.version, 1, 7))
    throw new GrpcError("FailedPrecondition", "bootstrap can only be performed on a control plane node");
  throw new GrpcError("Unimplemented", "bootstrap is only available on control plane nodes");
}

/** Bootstrap: once per cluster; etcd data makes it AlreadyExists. */
export async function bootstrap(node: TalosNode): Promise<Record<string, never>> {
  requireControlPlane(node);
  if (node.saved.etcd) throw new GrpcError("AlreadyExists", "etcd data directory is not empty");
  if (Date.now() - node.bootedAt < BOOTSTRAP_READY_AFTER_MS * node.host.world.timeScale)
    throw new GrpcError("FailedPrecondition", "bootstrap is not available yet");
  node.stateFile.update({ etcd: { bootstrapped: true, memberId: memberIdOf(node.machine.id, node.bootId) } });
  node.log("etcd bootstrapped");
  node.refresh();
  for (const other of node.host.running()) if (other !== node && other.cluster === node.cluster) other.refresh();
  return {};
}

/**
 * machinehelper.CheckControlplane (v1.13; `checkControlplane` of the v1alpha1 server before): every etcd
 * API names itself in the refusal (`member list`, `etcd forfeit leadership`, `etcd remove member`).
 */
function requireEtcdApi(node: TalosNode, api: string): string {
  if (!node.type) throw new GrpcError("Unimplemented", `machine type is not set, cannot use ${api} API`);
  if (!node.controlPlane) throw new GrpcError("Unimplemented", `${api} is only available on control plane nodes`);
  const key = node.cluster;
  // etcd.NewClientFromControlPlaneIPs dials <endpoint>:2379; nothing listens before the cluster is bootstrapped (traced: grpc-go dial text).
  if (!key || !node.host.registry.etcdMembers(key).length)
    throw new GrpcError(
      "Unavailable",
      `connection error: desc = "transport: Error while dialing: dial tcp ${node.ip}:2379: connect: connection refused"`,
    );
  return key;
}

/** etcd members of the node's cluster (asked through the control planes' etcd, so a non-member control plane answers too). */
export async function etcdMembers(node: TalosNode): Promise<MemberRow[]> {
  const key = requireEtcdApi(node, "member list");
  // A learner whose etcd never synced is an unstarted member: no name and no client URLs yet.
  return node.host.registry.etcdMembers(key).map((m) => ({
    id: m.memberId,
    hostname: m.hostname,
    learner: m.learner === true,
    peerUrls: m.ip ? [`https://${m.ip}:2380`] : [],
    clientUrls: m.ip && !m.learner ? [`https://${m.ip}:2379`] : [],
  }));
}

/** How long etcd.GetLocalMemberID waits for the local member resource (internal/pkg/etcd/local.go), realistic ms. */
export const LOCAL_MEMBER_WAIT_MS = 3 * 60 * 1000;

/**
 * Forfeit leadership (EtcdForfeitLeadership → etcd.Client.ForfeitLeadership): a node that is no member
 * waits for its local member id until the 3-minute deadline; a single member cannot hand leadership
 * to anyone (the error is a plain error, so gRPC code Unknown); otherwise an answer (also when not the leader).
 */
export async function etcdForfeit(node: TalosNode): Promise<Record<string, never>> {
  const key = requireEtcdApi(node, "etcd forfeit leadership");
  const members = node.host.registry.etcdMembers(key);
  if (!members.some((m) => m.machineId === node.machine.id)) {
    await new Promise((r) => setTimeout(r, LOCAL_MEMBER_WAIT_MS * node.host.world.timeScale));
    throw new GrpcError("DeadlineExceeded", "failed to get local etcd member ID: context deadline exceeded");
  }
  if (members.length === 1)
    throw new GrpcError("Unknown", "failed to forfeit leadership: cannot forfeit leadership, only one member");
  return {};
}

/** Remove-member payload: a hex id (`etcd remove-member <id>`) or, from older clients, a hostname. */
export interface RemoveMemberPayload {
  memberId?: string;
  hostname?: string;
}

/** Removes a member from the cluster's etcd; the removed node's etcd stays out until the node is reset. */
export async function etcdRemoveMember(node: TalosNode, payload: unknown): Promise<Record<string, never>> {
  const key = requireEtcdApi(node, "etcd remove member");
  const p = payload as RemoveMemberPayload;
  const members = node.host.registry.etcdMembers(key);
  const id = p.memberId !== undefined ? BigInt(`0x${p.memberId}`) : null;
  const m =
    id !== null
      ? members.find((x) => BigInt(`0x${x.memberId}`) === id)
      : members.find((x) => x.hostname === p.hostname);
  // etcd's rpctypes.ErrMemberNotFound, wrapped by RemoveMemberByMemberID with the decimal id; NotFound per EtcdRemoveMemberByID.
  if (!m && id !== null)
    throw new GrpcError("NotFound", `failed to remove member ${id.toString()}: etcdserver: member not found`);
  if (!m)
    throw new GrpcError(
      "Unknown",
      `failed to remove member: failed to find ${JSON.stringify(p.hostname)} in list of etcd members`,
    );
  node.host.registry.removeMember(m.machineId);
  const state = new NodeStateFile(node.host.world.stateDir, m.machineId);
  const etcd = state.read().etcd;
  if (etcd) state.update({ etcd: { ...etcd, removed: true } });
  node.log(`etcd member ${m.memberId} (${m.hostname}) removed`);
  return {};
}

/** The admin kubeconfig, generated on a control plane from the cluster CA (Talos's template layout). */
export async function kubeconfig(node: TalosNode): Promise<{ kubeconfig: string }> {
  const cfg = node.active;
  if (!cfg || !node.controlPlane)
    throw new GrpcError("Unimplemented", "kubeconfig is only available on control plane nodes");
  const name = str(cfg, "cluster.clusterName");
  const ca = { crt: unb64(str(cfg, "cluster.ca.crt")), key: unb64(str(cfg, "cluster.ca.key")) };
  const admin = issue(ca, "ecdsa", {
    subject: { O: ["system:masters"], CN: "admin" },
    validityMs: 365 * 24 * 3600 * 1000,
    clientAuth: true,
    serverAuth: false,
  });
  const text = `apiVersion: v1
kind: Config
clusters:
- name: ${name}
  cluster:
    server: ${str(cfg, "cluster.controlPlane.endpoint")}
    certificate-authority-data: ${b64(ca.crt)}
users:
- name: admin@${name}
  user:
    client-certificate-data: ${b64(admin.crt)}
    client-key-data: ${b64(admin.key)}
contexts:
- context:
    cluster: ${name}
    namespace: default
    user: admin@${name}
  name: admin@${name}
current-context: admin@${name}
`;
  return { kubeconfig: text };
}
