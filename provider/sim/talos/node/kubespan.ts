/**
 * KubeSpan as seen from one node: its identity and, per discovered peer, the peer spec and the
 * WireGuard peer status. A peer is `up` only when both run KubeSpan with discovery and each
 * machine's firewall admits UDP 51820 from the other; `unknown` when no endpoint is known.
 */
import { MachineConfig, discoveryEnabled, kubespanEnabled, str } from "../config-docs";
import { DataMap } from "../yaml";
import { kubespanAddress } from "./identity";
import { Affiliate } from "./registry";
import { TalosNode } from "./node";

/** The KubeSpan WireGuard port. */
export const KUBESPAN_PORT = 51820;
const ZERO_TIME = "0001-01-01T00:00:00Z";

/** The node's KubeSpan address pair, or null without MAC/cluster id. */
export function addressOf(cfg: MachineConfig, mac: string | undefined): { subnet: string; address: string } | null {
  const id = str(cfg, "cluster.id");
  return id && mac ? kubespanAddress(id, mac) : null;
}

/** True when the node runs KubeSpan (config enabled, identity present). */
export function runsKubespan(node: TalosNode): boolean {
  return !!node.active && kubespanEnabled(node.active) && !!node.saved.kubespan;
}

/** The identity spec, or null. */
export function identitySpec(node: TalosNode): DataMap | null {
  const keys = node.saved.kubespan;
  const addr = node.active ? addressOf(node.active, node.machine.spec.nics[0]?.mac) : null;
  if (!runsKubespan(node) || !keys || !addr) return null;
  return {
    address: `${addr.address}/128`,
    subnet: addr.subnet,
    privateKey: keys.privateKey,
    publicKey: keys.publicKey,
  };
}

/** Discovered KubeSpan peers of the node (other affiliates of its cluster that publish a key). */
export function peers(node: TalosNode): Affiliate[] {
  if (!runsKubespan(node) || !node.active || !discoveryEnabled(node.active) || !node.cluster) return [];
  return node.host.registry.list(node.cluster).filter((a) => a.machineId !== node.machine.id && a.kubespan);
}

/** Peer spec of one affiliate. */
export function peerSpec(a: Affiliate): DataMap {
  const allowed = [`${a.kubespan!.address}/128`, ...(a.ip ? [`${a.ip}/32`] : [])];
  return {
    address: a.kubespan!.address,
    allowedIPs: allowed,
    endpoints: a.ip ? [`${a.ip}:${KUBESPAN_PORT}`] : [],
    label: a.hostname,
  };
}

function linkUp(node: TalosNode, a: Affiliate): boolean {
  const peer = node.host.running().find((n) => n.machine.id === a.machineId);
  if (!peer || !a.ip || !node.ip || !runsKubespan(peer)) return false;
  return (
    node.machine.inboundAllowed("udp", KUBESPAN_PORT, a.ip) &&
    peer.machine.inboundAllowed("udp", KUBESPAN_PORT, node.ip)
  );
}

/** Peer status of one affiliate, at `now`. */
export function peerStatus(node: TalosNode, a: Affiliate, now = Date.now()): DataMap {
  const endpoint = a.ip ? `${a.ip}:${KUBESPAN_PORT}` : "";
  const base = {
    endpoint,
    label: a.hostname,
    lastEndpointChange: endpoint ? new Date(node.bootedAt).toISOString() : ZERO_TIME,
  };
  if (!endpoint)
    return {
      ...base,
      lastHandshakeTime: ZERO_TIME,
      lastUsedEndpoint: "",
      receiveBytes: 0,
      state: "unknown",
      transmitBytes: 0,
    };
  if (!linkUp(node, a))
    return {
      ...base,
      lastHandshakeTime: ZERO_TIME,
      lastUsedEndpoint: endpoint,
      receiveBytes: 0,
      state: "down",
      transmitBytes: 0,
    };
  const peer = node.host.running().find((n) => n.machine.id === a.machineId) as TalosNode;
  const since = Math.max(node.bootedAt, peer.bootedAt);
  const elapsed = Math.max(1, now - since);
  return {
    ...base,
    lastHandshakeTime: new Date(now - (elapsed % 1000)).toISOString(),
    lastUsedEndpoint: endpoint,
    receiveBytes: 148 + Math.floor(elapsed * 3.1),
    state: "up",
    transmitBytes: 92 + Math.floor(elapsed * 2.7),
  };
}
