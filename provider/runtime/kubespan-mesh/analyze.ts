/**
 * Pure analysis of what the nodes said: for every ordered pair (node → peer) whether the link is up
 * with traffic, and if not, the likely cause in the order an operator would check it: node
 * unreachable → KubeSpan or discovery off in a config → peer never discovered → endpoint unknown →
 * peer known but down (UDP 51820 dropped on the way).
 */
import { NodeObservation, ObservedPeerStatus } from "./observe";
import { DownLink, MeshRow } from "./types";

/** The analysis of one observation. */
export interface MeshReport {
  rows: MeshRow[];
  downLinks: DownLink[];
  healthy: boolean;
  /** Every down link has a cause that waiting cannot fix (KubeSpan or discovery disabled in a config). */
  permanent: boolean;
  /** Nodes every one of whose links is down with UDP 51820 blocked. */
  blockedNodes: string[];
}

const CAUSE = {
  kubespanOff: (n: string) =>
    `KubeSpan is not enabled in ${n}'s machine config (a KubeSpanConfig document or machine.network.kubespan.enabled: true; check its machineconfig)`,
  discoveryOff: (n: string) =>
    `cluster discovery is not enabled in ${n}'s machine config (KubeSpan finds peers through cluster.discovery.enabled: true)`,
  noIdentity: (n: string) => `${n} has no KubeSpan identity yet (config not applied, or still booting)`,
};

/** Why a node takes no part in the mesh, or null when it does. */
function nodeProblem(o: NodeObservation): { text: string; permanent: boolean } | null {
  if (o.error) return { text: `${o.name} is unreachable: ${o.error}`, permanent: false };
  if (o.config && !o.config.kubespan) return { text: CAUSE.kubespanOff(o.name), permanent: true };
  if (o.config && !o.config.discovery) return { text: CAUSE.discoveryOff(o.name), permanent: true };
  if (!o.identity) return { text: CAUSE.noIdentity(o.name), permanent: false };
  return null;
}

function statusFor(a: NodeObservation, b: NodeObservation): ObservedPeerStatus | undefined {
  const key = b.identity?.publicKey;
  if (key) return a.statuses.find((s) => s.publicKey === key);
  return a.statuses.find((s) => s.endpoint.startsWith(`${b.address}:`) || s.endpoint.startsWith(`[${b.address}]:`));
}

const isUp = (s: ObservedPeerStatus | undefined) =>
  !!s && s.state === "up" && s.receiveBytes > 0 && s.transmitBytes > 0;

function linkCause(
  a: NodeObservation,
  b: NodeObservation,
  s: ObservedPeerStatus | undefined,
): { cause: string; permanent: boolean; blocked: boolean } {
  const pa = nodeProblem(a) ?? nodeProblem(b);
  if (pa) return { cause: pa.text, permanent: pa.permanent, blocked: false };
  if (!s)
    return {
      cause: `${a.name} has not discovered ${b.name} as a KubeSpan peer (no discovery entry: another cluster id, or not published yet)`,
      permanent: false,
      blocked: false,
    };
  if (!s.endpoint)
    return {
      cause: `endpoint unknown: ${a.name} has no endpoint for ${b.name} (it published no address)`,
      permanent: false,
      blocked: false,
    };
  // Talos reports a just-set endpoint `unknown` until a handshake or its 15 s connection timeout.
  if (s.state === "unknown")
    return {
      cause: `handshake pending: ${a.name} is trying endpoint ${s.endpoint} of ${b.name} (unknown for up to 15 s after an endpoint change)`,
      permanent: false,
      blocked: false,
    };
  if (s.state === "up")
    return {
      cause: `up but no traffic yet (received ${s.receiveBytes} B, sent ${s.transmitBytes} B)`,
      permanent: false,
      blocked: false,
    };
  return {
    cause: `UDP 51820 blocked: ${b.name} is a known peer with endpoint ${s.endpoint}, but no WireGuard handshake gets through`,
    permanent: false,
    blocked: true,
  };
}

function rowOf(o: NodeObservation, byKey: Map<string, string>): MeshRow {
  const peers = o.statuses.map((s) => ({
    peer: byKey.get(s.publicKey) ?? (s.label || s.publicKey),
    endpoint: s.endpoint,
    state: isUp(s) ? "up" : s.state === "up" ? "up (no traffic)" : s.state,
  }));
  return {
    node: o.name,
    where: o.where,
    kubespanAddress: o.identity?.address ?? null,
    publicKey: o.identity?.publicKey ?? null,
    peersUp: peers.filter((p) => p.state === "up").length,
    peersTotal: peers.length,
    peers,
  };
}

/** Nodes all of whose links (both directions, to every other node) are blocked, unless every node is. */
function blockedNodes(obs: NodeObservation[], blocked: Set<string>): string[] {
  const all = obs.filter((o) =>
    obs.every((p) => p === o || blocked.has(`${o.name}>${p.name}`) || blocked.has(`${p.name}>${o.name}`)),
  );
  return all.length === obs.length && obs.length > 2 ? [] : all.map((o) => o.name);
}

/** Analyses one observation of every node. */
export function analyzeMesh(obs: NodeObservation[], expectedPeers: number): MeshReport {
  const byKey = new Map(obs.filter((o) => o.identity).map((o) => [o.identity!.publicKey, o.name]));
  const downLinks: DownLink[] = [];
  const blocked = new Set<string>();
  let permanent = true;
  for (const a of obs) {
    for (const b of obs) {
      if (a === b) continue;
      const s = a.error ? undefined : statusFor(a, b);
      if (isUp(s)) continue;
      const c = linkCause(a, b, s);
      if (c.blocked) blocked.add(`${a.name}>${b.name}`);
      permanent &&= c.permanent;
      downLinks.push({
        node: a.name,
        peer: b.name,
        state: s?.state ?? (a.error ? "unreachable" : "none"),
        endpoint: s?.endpoint ?? "",
        cause: c.cause,
      });
    }
  }
  const rows = obs.map((o) => rowOf(o, byKey));
  const short = rows.filter(
    (r) =>
      !obs.find((o) => o.name === r.node)?.error &&
      r.peersUp < expectedPeers &&
      !downLinks.some((d) => d.node === r.node),
  );
  for (const r of short)
    downLinks.push({
      node: r.node,
      peer: "*",
      state: `${r.peersUp}/${expectedPeers} up`,
      endpoint: "",
      cause: `${r.node} sees ${r.peersUp} peers up, expected ${expectedPeers}`,
    });
  const healthy = downLinks.length === 0;
  return {
    rows,
    downLinks,
    healthy,
    permanent: !healthy && permanent && short.length === 0,
    blockedNodes: blockedNodes(obs, blocked),
  };
}
