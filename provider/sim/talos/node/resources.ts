/** `Get`/`List` of COSI resources (contracts/talosctl.md §12): type resolution, metadata, specs. */
import { GrpcError } from "../api";
import { discoveryEnabled } from "../config-docs";
import { atLeast } from "../versions";
import { Data, DataMap } from "../yaml";
import { Auth } from "./auth";
import { diskSpec } from "./disks";
import { identitySpec, peerSpec, peerStatus, peers } from "./kubespan";
import { K8S_TYPES } from "./k8s-resources";
import { TalosNode } from "./node";

/** One resource on the wire: metadata (cosi field set) and spec. */
export interface WireResource {
  metadata: {
    namespace: string;
    type: string;
    id: string;
    version: number;
    owner: string;
    phase: string;
    created: string;
    updated: string;
    annotations?: Record<string, string>;
  };
  spec: Data;
  /** The spec as its protobuf message (Talos's resource definitions), for typed COSI clients. */
  proto?: { message: string; value: object };
}

/** One resource type a node serves. */
export interface TypeDef {
  type: string;
  namespace: string;
  singular: string;
  abbrev: string;
  sensitive: boolean;
  since?: [number, number];
  list(node: TalosNode): WireResource[];
}

const rfc3339 = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");

function res(
  def: TypeDef,
  id: string,
  spec: Data,
  o: { owner?: string; version?: number; created: number; updated?: number; annotations?: Record<string, string> },
): WireResource {
  const metadata: WireResource["metadata"] = {
    namespace: def.namespace,
    type: def.type,
    id,
    version: o.version ?? 1,
    owner: o.owner ?? "",
    phase: "running",
    created: rfc3339(o.created),
    updated: rfc3339(o.updated ?? o.created),
  };
  if (o.annotations) metadata.annotations = o.annotations;
  return { metadata, spec };
}

function machineConfigs(this: TypeDef, node: TalosNode): WireResource[] {
  if (!node.active) return [];
  // Servers from v1.12 mark the spec as a YAML string (pkg/machinery v1.12.6 sets the annotation; v1.11.5 does not).
  const ann = atLeast(node.version, 1, 12) ? { "talos.dev/yaml-spec": "1" } : undefined;
  const out = [
    res(this, "v1alpha1", node.active.text, {
      version: node.configVersion,
      created: node.bootedAt,
      updated: node.configUpdated,
      annotations: ann,
    }),
  ];
  if (atLeast(node.version, 1, 10) && node.persistent !== null)
    out.push(res(this, "persistent", node.persistent, { created: node.bootedAt, annotations: ann }));
  // MachineConfig's protobuf spec is the config document bytes (config.MachineConfig.UnmarshalProto).
  for (const r of out)
    r.proto = { message: "resource.config.MachineConfigSpec", value: { yaml_marshalled: Buffer.from(String(r.spec)) } };
  return out;
}

function members(this: TypeDef, node: TalosNode): WireResource[] {
  if (!node.active || !discoveryEnabled(node.active) || !node.cluster) return [];
  return node.host.registry.list(node.cluster).map((a) => {
    const spec: DataMap = {
      nodeId: a.nodeId,
      addresses: [...a.addresses, ...(a.kubespan?.address ? [a.kubespan.address] : [])],
      hostname: a.hostname,
      machineType: a.machineType,
      operatingSystem: a.operatingSystem,
    };
    if (a.machineType === "controlplane" || a.machineType === "init") spec.controlPlane = { port: 6443 };
    return res(this, a.hostname, spec, { owner: "cluster.MemberController", created: node.bootedAt });
  });
}

const versionSince = (node: TalosNode, start: number) =>
  1 + Math.floor((Date.now() - start) / Math.max(1, 5000 * node.host.world.timeScale));

const TYPES: TypeDef[] = [
  {
    type: "MachineConfigs.config.talos.dev",
    namespace: "config",
    singular: "machineconfig",
    abbrev: "mc",
    sensitive: true,
    list: machineConfigs,
  },
  {
    type: "Members.cluster.talos.dev",
    namespace: "cluster",
    singular: "member",
    abbrev: "m",
    sensitive: false,
    list: members,
  },
  {
    type: "Disks.block.talos.dev",
    namespace: "runtime",
    singular: "disk",
    abbrev: "d",
    sensitive: false,
    since: [1, 8],
    list(node) {
      return node.machine.spec.disks.map((d) =>
        res(this, d.name, diskSpec(d), { owner: "block.DisksController", created: node.bootedAt }),
      );
    },
  },
  {
    type: "KubeSpanIdentities.kubespan.talos.dev",
    namespace: "kubespan",
    singular: "kubespanidentity",
    abbrev: "ksi",
    sensitive: true,
    list(node) {
      const s = identitySpec(node);
      return s ? [res(this, "local", s, { owner: "kubespan.IdentityController", created: node.bootedAt })] : [];
    },
  },
  {
    type: "KubeSpanPeerSpecs.kubespan.talos.dev",
    namespace: "kubespan",
    singular: "kubespanpeerspec",
    abbrev: "ksps",
    sensitive: false,
    list(node) {
      return peers(node).map((a) =>
        res(this, a.kubespan!.publicKey, peerSpec(a), { owner: "kubespan.PeerSpecController", created: node.bootedAt }),
      );
    },
  },
  {
    type: "KubeSpanPeerStatuses.kubespan.talos.dev",
    namespace: "kubespan",
    singular: "kubespanpeerstatus",
    abbrev: "ksps",
    sensitive: false,
    list(node) {
      return peers(node).map((a) =>
        res(this, a.kubespan!.publicKey, peerStatus(node, a), {
          owner: "kubespan.ManagerController",
          created: node.bootedAt,
          updated: Date.now(),
          version: versionSince(node, node.bootedAt),
        }),
      );
    },
  },
  ...K8S_TYPES,
];

function aliases(d: TypeDef): string[] {
  const plural = d.type.split(".")[0].toLowerCase();
  const group = d.type.split(".").slice(1);
  const withGroup = group.map((_, i) => [plural, ...group.slice(0, i + 1)].join("."));
  return [d.type.toLowerCase(), plural, d.singular, d.abbrev, `${d.abbrev}s`, ...withGroup];
}

/** Resolves a user-typed resource type like cosi's `ResolveResourceKind`. */
export function resolveType(node: TalosNode, typed: string): TypeDef {
  const t = typed.toLowerCase();
  const found = TYPES.filter((d) => (!d.since || atLeast(node.version, ...d.since)) && aliases(d).includes(t));
  if (!found.length) throw new GrpcError("NotFound", `resource ${JSON.stringify(typed)} is not registered`);
  if (found.length > 1)
    throw new GrpcError(
      "InvalidArgument",
      `resource type ${JSON.stringify(typed)} is ambiguous: [${found.map((d) => d.type).join(" ")}]`,
    );
  return found[0];
}

/** Get payload. */
export interface GetPayload {
  type: string;
  id?: string;
  namespace?: string;
}

/** The handler: list, or one resource by id (NotFound when absent). */
export async function getResources(node: TalosNode, payload: unknown, auth: Auth): Promise<WireResource[]> {
  const p = payload as GetPayload;
  const def = resolveType(node, p.type);
  if (def.sensitive && (auth.insecure || !auth.roles.includes("os:admin")))
    throw new GrpcError("PermissionDenied", "not authorized");
  const ns = p.namespace || def.namespace;
  const all = ns === def.namespace ? def.list(node) : [];
  if (!p.id) return all;
  const one = all.filter((r) => r.metadata.id === p.id);
  if (!one.length) throw new GrpcError("NotFound", `resource ${def.type}(${ns}/${p.id}@undefined) doesn't exist`);
  return one;
}
