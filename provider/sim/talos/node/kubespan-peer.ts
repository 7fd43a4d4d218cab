/**
 * One node's view of one KubeSpan peer over time, as machined's KubeSpan manager computes it
 * (internal/app/machined/pkg/adapters/kubespan/peer_status.go, controllers/kubespan/manager.go at
 * v1.13.9): a new endpoint starts `unknown`; a handshake after the change makes it `up`; without
 * one it turns `down` 15 s after the change (or 275 s after the last handshake), and on the
 * manager's next 30 s tick the next published endpoint is tried. Evaluated lazily when read.
 */
import { Affiliate } from "./registry";
import { TalosNode } from "./node";

/** adapters/kubespan EndpointConnectionTimeout. */
export const ENDPOINT_CONNECTION_TIMEOUT_MS = 15_000;
/** adapters/wireguard PeerDownInterval: (180 + 5 + 90) s. */
export const PEER_DOWN_INTERVAL_MS = 275_000;
/** controllers/kubespan DefaultPeerReconcileInterval. */
export const PEER_RECONCILE_INTERVAL_MS = 30_000;
/** How long a handshake takes once a reachable endpoint is set (one round trip and the manager noticing). */
const HANDSHAKE_MS = 1_000;
/** WireGuard rekeys (a new handshake) every 2 minutes while traffic flows. */
const REKEY_MS = 120_000;

/** What the manager remembers about a peer. */
export interface PeerTrack {
  /** The endpoint last configured (LastUsedEndpoint), "" before the first. */
  lastUsed: string;
  /** LastEndpointChange, epoch ms. */
  changedAt: number;
  /** Last handshake, epoch ms; 0 for none. */
  handshakeAt: number;
}

/** The computed state at `now`. */
export interface PeerState {
  track: PeerTrack;
  state: "unknown" | "up" | "down";
}

/** Talos's PickNewEndpoint: the first one, else the one after the last used; none when a single endpoint cannot rotate. */
export function pickNewEndpoint(t: PeerTrack, endpoints: string[]): string {
  if (!endpoints.length) return "";
  if (!t.lastUsed) return endpoints[0];
  const idx = endpoints.indexOf(t.lastUsed);
  if (endpoints.length === 1 && idx === 0) return "";
  return endpoints[(idx + 1) % endpoints.length];
}

/** Talos's CalculateStateWithDurations. */
export function calculateState(t: PeerTrack, now: number, scale: number): PeerState["state"] {
  const sinceChange = now - t.changedAt;
  const sinceHandshake = t.handshakeAt ? now - t.handshakeAt : Infinity;
  const handshakeAfterChange = t.handshakeAt > t.changedAt;
  let state: PeerState["state"];
  if (sinceChange > PEER_DOWN_INTERVAL_MS * scale)
    state = sinceHandshake < PEER_DOWN_INTERVAL_MS * scale ? "up" : "down";
  else if (sinceChange < ENDPOINT_CONNECTION_TIMEOUT_MS * scale) state = handshakeAfterChange ? "up" : "unknown";
  else state = handshakeAfterChange ? "up" : "down";
  return state === "down" && !t.lastUsed ? "unknown" : state;
}

/** The earliest manager tick at or after `at` (ticks run from the node's boot). */
function nextTick(node: TalosNode, at: number, scale: number): number {
  const period = PEER_RECONCILE_INTERVAL_MS * scale;
  return node.bootedAt + Math.ceil((at - node.bootedAt) / period) * period;
}

/** When the state would turn down from `t` with no further handshake. */
function downAt(t: PeerTrack, scale: number): number {
  return t.handshakeAt > t.changedAt
    ? t.handshakeAt + PEER_DOWN_INTERVAL_MS * scale
    : t.changedAt + ENDPOINT_CONNECTION_TIMEOUT_MS * scale;
}

const tracks = new WeakMap<TalosNode, Map<string, PeerTrack>>();

/**
 * Advances the node's track of peer `a` to `now`. `reachable(endpoint)` says whether a WireGuard
 * handshake through that endpoint gets through right now (the machines' firewalls); it is assumed
 * to have held since the last read, as the simulator keeps no history of firewall changes.
 */
export function peerState(
  node: TalosNode,
  a: Affiliate & { kubespan: { publicKey: string } },
  endpoints: string[],
  since: number,
  reachable: (endpoint: string) => boolean,
  now = Date.now(),
): PeerState {
  const scale = node.host.world.timeScale;
  if (!tracks.has(node)) tracks.set(node, new Map());
  const mine = tracks.get(node)!;
  let t = mine.get(a.kubespan.publicKey);
  if (!t) {
    t = {
      lastUsed: pickNewEndpoint({ lastUsed: "", changedAt: 0, handshakeAt: 0 }, endpoints),
      changedAt: since,
      handshakeAt: 0,
    };
    mine.set(a.kubespan.publicKey, t);
  }
  for (let hops = 0; hops <= endpoints.length + 1; hops++) {
    if (t.lastUsed && reachable(t.lastUsed)) {
      const first = Math.max(t.changedAt + HANDSHAKE_MS * scale, t.handshakeAt);
      if (now >= first) t.handshakeAt = now - ((now - first) % (REKEY_MS * scale));
      break;
    }
    const rotateAt = nextTick(node, downAt(t, scale), scale);
    const next = pickNewEndpoint(t, endpoints);
    if (!next || now < rotateAt) break;
    t.lastUsed = next;
    t.changedAt = rotateAt;
  }
  return { track: { ...t }, state: calculateState(t, now, scale) };
}
