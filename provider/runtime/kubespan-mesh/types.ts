/** Plain types of `KubeSpanMesh`, its input checks, and the error a mesh that is not up raises. */
import { isIP } from "net";
import { TalosHetznerError } from "../../internal/errors";
import { CheckFailure, Props, isUnknown } from "../dispatch/types";
import { KeysOf, OutputOnlyKeys, resourceSchema } from "../dispatch/schema";

/** One node of the mesh. */
export interface MeshNode {
  /** Name shown in the mesh table (e.g. the Pulumi name or hostname). */
  name: string;
  /** IP of the node's Talos API. */
  address: string;
  /** Where it runs: a Robot dedicated server or a Hetzner Cloud server (decides which firewall advice applies). */
  where: "robot" | "cloud";
}

/** Inputs of the mesh verification. */
export interface MeshInputs {
  nodes: MeshNode[];
  /** Talos API endpoints talosctl goes through. @default every node's address */
  endpoints?: string[];
  /** Admin talosconfig (`TalosBootstrap.talosconfig`); secret. */
  talosconfig: string;
  /** Peers every node must see `up`. @default nodes.length - 1 */
  expectedPeers?: number;
  /** Seconds create/update wait for the mesh to come up. @default 300 */
  deadlineSeconds?: number;
}

/** One peer as a node sees it. */
export interface PeerRow {
  peer: string;
  endpoint: string;
  state: string;
}

/** One node's line of the mesh table (non-secret: public key and KubeSpan address are public). */
export interface MeshRow {
  node: string;
  where: "robot" | "cloud";
  kubespanAddress: string | null;
  publicKey: string | null;
  peersUp: number;
  peersTotal: number;
  peers: PeerRow[];
}

/** A node→peer link that is not up, with the likely cause. */
export interface DownLink {
  node: string;
  peer: string;
  state: string;
  endpoint: string;
  cause: string;
}

/** Outputs (the inputs are repeated by the dispatcher). */
export interface MeshOutputs extends MeshInputs {
  mesh: MeshRow[];
  downLinks: DownLink[];
  healthy: boolean;
  /** The mesh (and any down links) as a text table. */
  table: string;
  /** What the last refresh found wrong; [] when nothing. */
  drift: string[];
}

/** Inputs and outputs of KubeSpanMesh, declared once: the talosconfig is secret; every change updates. */
export const KUBESPAN_MESH_FIELDS = resourceSchema<KeysOf<MeshInputs>, OutputOnlyKeys<MeshOutputs, MeshInputs>>({
  inputs: { nodes: {}, endpoints: {}, talosconfig: { secret: true }, expectedPeers: {}, deadlineSeconds: {} },
  outputs: { mesh: {}, downLinks: {}, healthy: {}, table: {}, drift: {} },
});

/** Every input key. */
export const INPUT_KEYS = KUBESPAN_MESH_FIELDS.inputKeys;

/** The mesh was not fully up (create/update); the message holds the table of down links. */
export class KubeSpanMeshError extends TalosHetznerError {
  constructor(
    message: string,
    readonly downLinks: DownLink[],
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = "KubeSpanMeshError";
  }
}

function checkNodeList(v: unknown, out: CheckFailure[]): void {
  const add = (reason: string): void => void out.push({ property: "nodes", reason });
  if (isUnknown(v)) return;
  if (!Array.isArray(v) || v.length < 2)
    return add("[nodes] must list at least two nodes (name, address, where): a mesh needs peers");
  const seen = new Map<string, number>();
  v.forEach((n, i) => {
    if (isUnknown(n)) return;
    const node = (n ?? {}) as Props;
    if (!isUnknown(node.name) && (typeof node.name !== "string" || node.name === ""))
      add(`[nodes[${i}].name] must be a non-empty string`);
    if (!isUnknown(node.address) && (typeof node.address !== "string" || isIP(node.address) === 0))
      add(`[nodes[${i}].address] must be the IP of the node's Talos API, got ${JSON.stringify(node.address)}`);
    if (!isUnknown(node.where) && node.where !== "robot" && node.where !== "cloud")
      add(`[nodes[${i}].where] must be "robot" or "cloud", got ${JSON.stringify(node.where)}`);
    for (const k of ["name", "address"]) {
      const key = `${k}:${String(node[k])}`;
      if (typeof node[k] === "string" && seen.has(key))
        add(`[nodes[${i}].${k}] ${JSON.stringify(node[k])} is already used by nodes[${seen.get(key)}]`);
      else if (typeof node[k] === "string") seen.set(key, i);
    }
  });
}

/** Field-named problems of the inputs. */
export function checkMesh(i: Props): CheckFailure[] {
  const out: CheckFailure[] = [];
  checkNodeList(i.nodes, out);
  if (!isUnknown(i.talosconfig) && (typeof i.talosconfig !== "string" || i.talosconfig === ""))
    out.push({ property: "talosconfig", reason: "[talosconfig] is required: pass TalosBootstrap.talosconfig" });
  const eps = i.endpoints;
  if (
    eps !== undefined &&
    !isUnknown(eps) &&
    (!Array.isArray(eps) || eps.length === 0 || eps.some((e) => !isUnknown(e) && (typeof e !== "string" || e === "")))
  ) {
    out.push({ property: "endpoints", reason: "[endpoints] must be a non-empty list of Talos API addresses" });
  }
  const e = i.expectedPeers;
  if (e !== undefined && !isUnknown(e) && (!Number.isInteger(e) || (e as number) < 1)) {
    out.push({
      property: "expectedPeers",
      reason: `[expectedPeers] must be a whole number of peers, at least 1, got ${JSON.stringify(e)}`,
    });
  }
  const d = i.deadlineSeconds;
  if (d !== undefined && !isUnknown(d) && (typeof d !== "number" || !(d > 0) || d > 86400)) {
    out.push({
      property: "deadlineSeconds",
      reason: `[deadlineSeconds] must be a number of seconds above 0 and at most 86400, got ${JSON.stringify(d)}`,
    });
  }
  return out;
}
