/**
 * What every node says about KubeSpan: `talosctl get kubespanidentities|kubespanpeerspecs|
 * kubespanpeerstatuses -o json` (contracts/talosctl.md §12). One multi-node `get` per type; `get`
 * reports per-node failures without the node's name (§12.1), so when it fails each node is asked
 * alone, through itself as the endpoint. A node without KubeSpan identity or peers also has its live machine config read, only to
 * say whether KubeSpan and discovery are enabled — the config itself is never kept or logged.
 */
import { errorMessage, isError } from "../../internal/errors";
import { registerSecret } from "../../internal/log";
import { isMap, readYamlDocuments } from "../../talos/config/yaml-io";
import { TalosResource, getArgs, parseJsonStream, sanitize } from "../../talos/talosctl";
import { ClusterClient } from "../shared/cluster-deps";
import { MeshNode } from "./types";

/** A peer spec (`kubespanpeerspecs`), keyed by the peer's public key. */
export interface ObservedPeerSpec {
  publicKey: string;
  label: string;
  endpoints: string[];
}
/** A peer status (`kubespanpeerstatuses`). */
export interface ObservedPeerStatus {
  publicKey: string;
  label: string;
  endpoint: string;
  state: string;
  receiveBytes: number;
  transmitBytes: number;
}

/** One node's answers; `error` set when it could not be asked. */
export interface NodeObservation extends MeshNode {
  error?: string;
  identity?: { address: string; publicKey: string } | null;
  specs: ObservedPeerSpec[];
  statuses: ObservedPeerStatus[];
  /** From the live machine config, read only when the node runs no KubeSpan or knows too few peers. */
  config?: { kubespan: boolean; discovery: boolean };
}

/** How talosctl is reached. */
export interface ObserveTarget {
  endpoints: string[];
  talosconfig: string;
}

type PerNode = Map<string, TalosResource[] | Error>;

async function getType(t: ClusterClient, type: string, nodes: string[], o: ObserveTarget): Promise<PerNode> {
  const out: PerNode = new Map();
  if (!nodes.length) return out;
  const args = (n: string[], endpoints = o.endpoints) => getArgs(type, { node: n.join(","), endpoints });
  const all = await t.run(args(nodes), { talosconfig: o.talosconfig, allowFailure: true, timeoutMs: 60_000 });
  if (all.exitCode === 0) {
    for (const n of nodes) out.set(n, []);
    for (const r of parseJsonStream(all.stdout) as TalosResource[])
      (out.get(r.node) as TalosResource[] | undefined)?.push(r);
    return out;
  }
  await Promise.all(
    nodes.map(async (n) => {
      try {
        // Through the node itself: talosctl spreads calls over all endpoints (round robin), and an
        // endpoint whose apid cannot reach the node (a firewall between them) would fail it.
        const one = await t.run(args([n], [n]), { talosconfig: o.talosconfig, timeoutMs: 60_000 });
        out.set(n, parseJsonStream(one.stdout) as TalosResource[]);
      } catch (e) {
        out.set(n, isError(e) ? e : new Error(String(e)));
      }
    }),
  );
  return out;
}

const spec = (r: TalosResource) => (r.spec ?? {}) as Record<string, unknown>;

function identityOf(rs: TalosResource[]): NodeObservation["identity"] {
  const s = rs.length ? spec(rs[0]) : undefined;
  // The identity carries the WireGuard private key: mask it, keep only the public facts.
  if (s) registerSecret(s.privateKey as string | undefined);
  return s ? { address: String(s.address ?? "").replace(/\/128$/, ""), publicKey: String(s.publicKey ?? "") } : null;
}

function specsOf(rs: TalosResource[]): ObservedPeerSpec[] {
  return rs.map((r) => ({
    publicKey: r.metadata.id,
    label: String(spec(r).label ?? ""),
    endpoints: ((spec(r).endpoints as string[]) ?? []).map(String),
  }));
}

function statusesOf(rs: TalosResource[]): ObservedPeerStatus[] {
  return rs.map((r) => {
    const s = spec(r);
    return {
      publicKey: r.metadata.id,
      label: String(s.label ?? ""),
      endpoint: String(s.endpoint ?? ""),
      state: String(s.state ?? "unknown"),
      receiveBytes: Number(s.receiveBytes ?? 0),
      transmitBytes: Number(s.transmitBytes ?? 0),
    };
  });
}

/** KubeSpan and discovery switches of a machine config text (v1alpha1 `machine.network.kubespan` or a KubeSpanConfig document). */
export function meshSwitches(configText: string): { kubespan: boolean; discovery: boolean } {
  const docs = readYamlDocuments(configText).filter(isMap);
  const v1 = docs.find((d) => d.kind === undefined) ?? {};
  const at = (m: unknown, ...path: string[]) => path.reduce<unknown>((v, k) => (isMap(v) ? v[k] : undefined), m);
  const ksDoc = docs.find((d) => d.kind === "KubeSpanConfig");
  const kubespan = ksDoc ? ksDoc.enabled === true : at(v1, "machine", "network", "kubespan", "enabled") === true;
  return { kubespan, discovery: at(v1, "cluster", "discovery", "enabled") === true };
}

async function switchesOf(t: ClusterClient, n: string, o: ObserveTarget): Promise<NodeObservation["config"]> {
  const got = (await getType(t, "machineconfig", [n], o)).get(n);
  const mc = Array.isArray(got) ? got.find((r) => r.metadata.id === "v1alpha1") : undefined;
  return typeof mc?.spec === "string" ? meshSwitches(mc.spec) : undefined;
}

/** Asks every node; never throws for a node that cannot be reached (its observation carries the error). */
export async function observeMesh(
  t: ClusterClient,
  nodes: MeshNode[],
  o: ObserveTarget,
  expectedPeers: number,
): Promise<NodeObservation[]> {
  const addrs = nodes.map((n) => n.address);
  const ids = await getType(t, "kubespanidentities", addrs, o);
  const reachable = addrs.filter((a) => !(ids.get(a) instanceof Error));
  const [specs, statuses] = await Promise.all([
    getType(t, "kubespanpeerspecs", reachable, o),
    getType(t, "kubespanpeerstatuses", reachable, o),
  ]);
  return Promise.all(
    nodes.map(async (n): Promise<NodeObservation> => {
      const parts = [ids, specs, statuses].map((m) => m.get(n.address));
      const failed = parts.find((p): p is Error => p instanceof Error);
      if (failed) return { ...n, error: sanitize(errorMessage(failed)), specs: [], statuses: [] };
      const [i, s, st] = parts as TalosResource[][];
      const obs: NodeObservation = { ...n, identity: identityOf(i), specs: specsOf(s), statuses: statusesOf(st) };
      if (!obs.identity || obs.specs.length < expectedPeers)
        obs.config = await switchesOf(t, n.address, o).catch(() => undefined);
      return obs;
    }),
  );
}
