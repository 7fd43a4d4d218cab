/**
 * The pure decisions of `TalosCluster`: which nodes exist and what their child resources are called,
 * the endpoint URL, and the patches per scope. Kept apart from the constructor so they are table-tested.
 */
import { isIP } from "net";
import { InputError } from "../../internal/errors";
import { installerImage } from "../../talos/factory";
import { kubeSpanPatch, type ConfigPatch, type KubeSpanOptions } from "../../talos/config";
import type { TalosClusterArgs } from "./types";

/** One node the cluster will have: its child resource name (also its Talos hostname) and place. */
export interface PlannedNode {
  name: string;
  role: "controlplane" | "worker";
  where: "robot" | "cloud";
  /** `controlplane`, `robot` or the Cloud pool name. */
  pool: string;
  /** Index in its list or pool. */
  index: number;
}

/** Every node of the cluster, by kind. */
export interface ClusterPlan {
  controlPlanes: PlannedNode[];
  robotWorkers: PlannedNode[];
  cloudWorkers: PlannedNode[];
}

/** Suffixes the component uses for its own children; a pool may not be called like one. */
const RESERVED_POOLS = ["cp", "worker", "secrets", "image", "firewall", "bootstrap", "mesh"];
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A Talos hostname and a Hetzner server name are DNS labels: at most 63 characters. */
const MAX_NODE_NAME = 63;

/** Names of the singleton children of a cluster called `name`. */
export function childNames(name: string): {
  secrets: string;
  image: string;
  firewall: string;
  bootstrap: string;
  mesh: string;
} {
  return {
    secrets: `${name}-secrets`,
    image: `${name}-image`,
    firewall: `${name}-firewall`,
    bootstrap: `${name}-bootstrap`,
    mesh: `${name}-mesh`,
  };
}

/** Name of a node's machine-config child. */
export function configName(node: PlannedNode): string {
  return `${node.name}-config`;
}

/** Name of a Cloud worker's apply-delivery config, which carries day-2 changes to the running server. */
export function nodeConfigName(node: PlannedNode): string {
  return `${node.name}-node`;
}

/** Name of a dedicated node's Robot firewall child. */
export function robotFirewallName(node: PlannedNode): string {
  return `${node.name}-firewall`;
}

function checkNodeName(field: string, nodeName: string): void {
  if (nodeName.length > MAX_NODE_NAME)
    throw new InputError(
      field,
      `makes the node name "${nodeName}" longer than ${MAX_NODE_NAME} characters (a hostname label)`,
    );
}

function node(
  name: string,
  role: PlannedNode["role"],
  where: PlannedNode["where"],
  pool: string,
  index: number,
  field: string,
): PlannedNode {
  const n = {
    name: `${name}-${pool === "controlplane" ? "cp" : pool === "robot" ? "worker" : pool}-${index}`,
    role,
    where,
    pool,
    index,
  };
  checkNodeName(field, n.name);
  return n;
}

function checkPools(pools: NonNullable<TalosClusterArgs["workers"]>["cloudPools"] = []): void {
  const seen = new Set<string>();
  pools.forEach((p, i) => {
    const field = `workers.cloudPools[${i}]`;
    if (typeof p.name !== "string" || !LABEL.test(p.name) || p.name.length > 20)
      throw new InputError(
        `${field}.name`,
        `must be lower-case kebab-case of at most 20 characters, got ${JSON.stringify(p.name)}`,
      );
    if (RESERVED_POOLS.includes(p.name))
      throw new InputError(
        `${field}.name`,
        `"${p.name}" is reserved for the component's own children (${RESERVED_POOLS.join(", ")})`,
      );
    if (seen.has(p.name)) throw new InputError(`${field}.name`, `"${p.name}" is used by two pools`);
    seen.add(p.name);
    if (!Number.isInteger(p.count) || p.count < 0)
      throw new InputError(`${field}.count`, `must be an integer ≥ 0, got ${JSON.stringify(p.count)}`);
  });
}

/** Where a dedicated node's server number is set, for error messages. */
export function serverNumberField(node: PlannedNode): string {
  return `${node.pool === "controlplane" ? "controlPlanes" : "workers.robot"}[${node.index}].serverNumber`;
}

/**
 * Two nodes on one dedicated server would install over each other (the second wipes what the first
 * just installed): refuses a server number used twice, naming both nodes. Values that are not plain
 * numbers yet (outputs) are skipped; `nodes[i]` goes with `numbers[i]`.
 */
export function checkServerNumbers(nodes: PlannedNode[], numbers: unknown[]): void {
  const seen = new Map<number, PlannedNode>();
  nodes.forEach((n, i) => {
    const v = numbers[i];
    if (typeof v !== "number") return;
    const first = seen.get(v);
    if (first)
      throw new InputError(
        serverNumberField(n),
        `server ${v} is also ${serverNumberField(first)}: nodes ${first.name} and ${n.name} would install over each other; one dedicated server can be one node only`,
      );
    seen.set(v, n);
  });
}

/** Validates the shape of the args and lists every node with its child name. */
export function planCluster(name: string, args: TalosClusterArgs): ClusterPlan {
  if (!LABEL.test(name))
    throw new InputError(
      "name",
      `must be lower-case letters, digits and dashes (it prefixes every hostname), got ${JSON.stringify(name)}`,
    );
  if (!Array.isArray(args.controlPlanes) || args.controlPlanes.length === 0)
    throw new InputError(
      "controlPlanes",
      "must list at least one dedicated server (three for a highly available etcd)",
    );
  const pools = args.workers?.cloudPools ?? [];
  checkPools(pools);
  const plan = {
    controlPlanes: args.controlPlanes.map((_, i) => node(name, "controlplane", "robot", "controlplane", i, "name")),
    robotWorkers: (args.workers?.robot ?? []).map((_, i) => node(name, "worker", "robot", "robot", i, "name")),
    cloudWorkers: pools.flatMap((p, pi) =>
      Array.from({ length: p.count }, (_, i) =>
        node(name, "worker", "cloud", p.name, i, `workers.cloudPools[${pi}].name`),
      ),
    ),
  };
  const robot = [...args.controlPlanes, ...(args.workers?.robot ?? [])];
  checkServerNumbers(
    [...plan.controlPlanes, ...plan.robotWorkers],
    robot.map((a) => a?.serverNumber),
  );
  return plan;
}

/** The Kubernetes API URL: a URL is kept, a host name or address (with or without port) becomes `https://<it>[:6443]`. */
export function endpointUrl(endpoint: string): string {
  const e = String(endpoint ?? "").trim();
  if (e === "") throw new InputError("endpoint", "must not be empty");
  if (e.includes("://")) return e;
  if (isIP(e) === 6) return `https://[${e}]:6443`;
  return /:\d+$/.test(e) ? `https://${e}` : `https://${e}:6443`;
}

/** A strategic patch setting Kubernetes node labels, or none for no labels. */
export function nodeLabelsPatch(labels: Record<string, string> | undefined): ConfigPatch[] {
  return labels && Object.keys(labels).length > 0 ? [{ machine: { nodeLabels: { ...labels } } }] : [];
}

/** Patches for every node: KubeSpan (with discovery) first, then the user's cluster patches. */
export function clusterPatchList(
  talosVersion: string,
  kubeSpan: Omit<KubeSpanOptions, "talosVersion"> | undefined,
  user: ConfigPatch[] = [],
): ConfigPatch[] {
  return [kubeSpanPatch({ ...kubeSpan, talosVersion }), ...user];
}

/** Hetzner Cloud labels of a pool's servers: the user's, then the component's (which win). */
export function cloudServerLabels(
  clusterName: string,
  pool: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return { ...extra, "talos-cluster": clusterName, "talos-pool": pool, "talos-role": "worker" };
}

/** The installer image of the nodes: the Image Factory's for a schematic, else the official one. */
export function installImageFor(
  talosVersion: string,
  schematicId: string | undefined,
  platform: "metal" | "hcloud",
): string {
  if (!schematicId) return `ghcr.io/siderolabs/installer:${talosVersion}`;
  return installerImage({ factoryHost: "factory.talos.dev", schematicId, version: talosVersion, platform });
}
