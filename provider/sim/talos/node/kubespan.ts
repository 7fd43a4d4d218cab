/**
 * KubeSpan as seen from one node: its identity and, per discovered peer, the peer spec (every
 * address the peer publishes) and the WireGuard peer status over time (kubespan-peer.ts). A
 * handshake gets through only when both run KubeSpan and each machine's firewall admits UDP 51820
 * from the other's address of that family.
 */
import { MachineConfig, discoveryEnabled, kubespanEnabled, str } from "../config-docs";
import { DataMap } from "../yaml";
import { kubespanAddress } from "./identity";
import { peerState } from "./kubespan-peer";
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

/**
 * The node's addresses as Talos lists them: the public IPv4 and, on Hetzner Cloud (whose metadata
 * Talos's hcloud platform turns into a static address), the first address of the server's IPv6 /64.
 */
export function nodeAddresses(node: TalosNode): string[] {
  const v6 = node.mode === "cloud" && node.machine.spec.ipv6Net ? ipv6First(node.machine.spec.ipv6Net) : null;
  return [...(node.ip ? [node.ip] : []), ...(v6 ? [v6] : [])];
}

function ipv6First(net: string): string {
  const prefix = net.split("/")[0];
  return prefix.endsWith("::") ? `${prefix}1` : prefix;
}

/** `ip:port` as Go's netip.AddrPort prints it. */
const addrPort = (ip: string) => (ip.includes(":") ? `[${ip}]:${KUBESPAN_PORT}` : `${ip}:${KUBESPAN_PORT}`);

/** Prefixes as netipx.IPSet.Prefixes() orders them: IPv4 before IPv6, each ascending. */
function sortedPrefixes(ips: string[]): string[] {
  const key = (ip: string) =>
    ip.includes(":")
      ? `6${ip
          .split("::")[0]
          .split(":")
          .map((g) => g.padStart(4, "0"))
          .join(":")}`
      : `4${ip
          .split(".")
          .map((o) => o.padStart(3, "0"))
          .join(".")}`;
  return [...new Set(ips)]
    .sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0))
    .map((ip) => `${ip}/${ip.includes(":") ? 128 : 32}`);
}

/** The endpoints a peer publishes: every node address on the KubeSpan port (local_affiliate.go). */
export function endpointsOf(a: Affiliate): string[] {
  return a.addresses.map(addrPort);
}

/** Peer spec of one affiliate (controllers/kubespan/peer_spec.go): all its addresses and its KubeSpan address are routed to it. */
export function peerSpec(a: Affiliate): DataMap {
  return {
    address: a.kubespan!.address,
    allowedIPs: sortedPrefixes([...a.addresses, a.kubespan!.address]),
    endpoints: endpointsOf(a),
    label: a.hostname,
  };
}

/** The address on `node` in the same family as `endpoint`, or null. */
function sourceFor(node: TalosNode, endpoint: string): string | null {
  const v6 = endpoint.startsWith("[");
  return nodeAddresses(node).find((ip) => ip.includes(":") === v6) ?? null;
}

/** Whether a WireGuard handshake gets through `endpoint` of the peer now: both run KubeSpan and both firewalls admit UDP 51820. */
function handshakes(node: TalosNode, a: Affiliate, endpoint: string): boolean {
  const peer = node.host.running().find((n) => n.machine.id === a.machineId);
  if (!peer || !runsKubespan(peer)) return false;
  const to = endpoint.replace(/^\[/, "").replace(/\]?:\d+$/, "");
  const from = sourceFor(node, endpoint);
  if (!from || !nodeAddresses(peer).includes(to)) return false;
  return (
    peer.machine.inboundAllowed("udp", KUBESPAN_PORT, from) && node.machine.inboundAllowed("udp", KUBESPAN_PORT, to)
  );
}

/** Peer status of one affiliate at `now`, as the KubeSpan manager reports it (kubespan-peer.ts). */
export function peerStatus(node: TalosNode, a: Affiliate, now = Date.now()): DataMap {
  const peer = node.host.running().find((n) => n.machine.id === a.machineId);
  const since = Math.max(node.bootedAt, peer?.bootedAt ?? 0, a.since ?? 0);
  const ks = a as Affiliate & { kubespan: { publicKey: string } };
  const { track, state } = peerState(node, ks, endpointsOf(a), since, (e) => handshakes(node, a, e), now);
  const up = track.handshakeAt > 0;
  const elapsed = up ? Math.max(1, now - track.changedAt) : 0;
  const time = (ms: number) => (ms ? new Date(ms).toISOString() : ZERO_TIME);
  return {
    endpoint: track.lastUsed,
    label: a.hostname,
    state,
    receiveBytes: up ? 148 + Math.floor(elapsed * 3.1) : 0,
    transmitBytes: up ? 92 + Math.floor(elapsed * 2.7) : 0,
    lastHandshakeTime: time(track.handshakeAt),
    lastUsedEndpoint: track.lastUsed,
    lastEndpointChange: time(track.lastUsed ? track.changedAt : 0),
  };
}
