/**
 * cosi.resource.State as machined serves it through apid (what `talosctl get` and the client's
 * `c.COSI` read): read-only access filtered by machined's AccessPolicy (an unknown type or
 * namespace is PermissionDenied, a sensitive type needs os:admin), resource definitions from Talos's
 * machinery module, and the node model's resources (node/resources.ts). Specs travel as YAML (what
 * talosctl decodes with SkipProtobufUnmarshal); definitions also carry their protobuf spec, which
 * the client decodes to resolve aliases. apid proxies COSI one-to-one only.
 */
import * as grpc from "@grpc/grpc-js";
import { GrpcError } from "../api";
import { Auth } from "../node/auth";
import { TalosNode } from "../node/node";
import { WireResource, getResources, resolveType } from "../node/resources";
import { encodeYaml } from "../yaml";
import { META_NAMESPACE, RD_TYPE, ResourceDefinition, definitionOf, resourceDefinitions } from "./cosi-definitions";
import { callerOf } from "./peer";
import { watch } from "./cosi-watch";
import { Message, route, routeLive } from "./router";
import { encodeSpec } from "./cosi-proto";
import { asGrpcError, toServiceError } from "./status";

type Req = Record<string, unknown>;

function timestamp(rfc3339: string): Message {
  const ms = Date.parse(rfc3339);
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 };
}

/**
 * The spec as the server marshals it. A string spec (the machine config) is one top-level scalar, in
 * block style as go-yaml writes multi-line strings, when the resource carries the yaml-spec
 * annotation (v1.12+); older servers send the config's own bytes (RawYAML), which talosctl prints
 * as the spec string only for resources without the annotation.
 */
function yamlSpec(r: WireResource): string {
  if (typeof r.spec !== "string") return encodeYaml(r.spec);
  if (!r.metadata.annotations?.["talos.dev/yaml-spec"]) return r.spec;
  return encodeYaml({ s: r.spec }).slice("s: ".length);
}

/** A resource as cosi's protobuf.Resource marshals it. */
function wire(r: WireResource, protoSpec?: Buffer): Message {
  const m = r.metadata;
  return {
    metadata: {
      namespace: m.namespace,
      type: m.type,
      id: m.id,
      version: String(m.version),
      owner: m.owner,
      phase: m.phase,
      created: timestamp(m.created),
      updated: timestamp(m.updated),
      finalizers: [],
      // Map fields as their wire form (entries): proto-loader's descriptor conversion marks
      // Metadata itself as a map entry, so it only accepts entry lists here.
      annotations: Object.entries(m.annotations ?? {}).map(([key, value]) => ({ key, value })),
      labels: [],
    },
    spec: {
      proto_spec: protoSpec ?? Buffer.alloc(0),
      yaml_spec: yamlSpec(r),
    },
  };
}

/** True when the node's Talos version has this resource type (its RD is registered there). */
function registeredOn(node: TalosNode, def: ResourceDefinition): boolean {
  if (def.type === RD_TYPE) return true;
  try {
    resolveType(node, def.type);
    return true;
  } catch {
    return false;
  }
}

function definitions(node: TalosNode): Message[] {
  const created = new Date(node.bootedAt).toISOString().replace(/\.\d+Z$/, "Z");
  return resourceDefinitions()
    .filter((d) => registeredOn(node, d))
    .map((d) => {
      const md = { namespace: META_NAMESPACE, type: RD_TYPE, id: d.id, version: 1, owner: "", phase: "running" };
      const r: WireResource = { metadata: { ...md, created, updated: created }, spec: null };
      const out = wire(r, Buffer.from(d.protoSpec, "base64"));
      return { ...out, spec: { ...(out.spec as Message), yaml_spec: d.yamlSpec } };
    });
}

/** machined's AccessPolicy: the type's RD must exist, sensitive types need os:admin, the namespace must exist. */
function access(node: TalosNode, auth: Auth, type: string, namespace: string): ResourceDefinition {
  const def = definitionOf(type);
  if (!def || !registeredOn(node, def))
    throw new GrpcError("PermissionDenied", `resource type ${JSON.stringify(type)} is not supported`);
  if (def.sensitive && !auth.roles.includes("os:admin")) throw new GrpcError("PermissionDenied", "not authorized");
  const namespaces = new Set([META_NAMESPACE, ...resourceDefinitions().map((d) => d.defaultNamespace)]);
  if (!namespaces.has(namespace))
    throw new GrpcError("PermissionDenied", `namespace ${JSON.stringify(namespace)} is not supported`);
  return def;
}

/** The resources of one kind on one node, on the wire (empty for another namespace or a differently-cased type). */
async function list(node: TalosNode, auth: Auth, req: Req): Promise<Message[]> {
  const [type, namespace] = [String(req.type ?? ""), String(req.namespace ?? "")];
  const def = access(node, auth, type, namespace);
  if (def.type !== type || def.defaultNamespace !== namespace) return [];
  if (type === RD_TYPE) return definitions(node);
  const all = await getResources(node, { type, namespace }, { ...auth, insecure: false });
  return all.map((r) => wire(r, r.proto && encodeSpec(r.proto.message, r.proto.value)));
}

/** One resource; NotFound as cosi's state reports a missing pointer. */
async function get(node: TalosNode, auth: Auth, req: Req): Promise<Message> {
  const id = String(req.id ?? "");
  const found = (await list(node, auth, req)).find((r) => (r.metadata as Message).id === id);
  if (!found) throw new GrpcError("NotFound", `resource ${req.type}(${req.namespace}/${id}@undefined) doesn't exist`);
  return found;
}

/** apid refuses `nodes` (one-to-many) for anything but the Talos services. */
function oneToOne(node: TalosNode, md: grpc.Metadata, method: string): void {
  if (!node.maintenance && md.get("nodes").length)
    throw new GrpcError(
      "InvalidArgument",
      `one-2-many proxying is not supported for method /cosi.resource.State/${method}`,
    );
}

/** The State service's implementation for one node's gRPC server. */
export function cosiState(node: TalosNode): grpc.UntypedServiceImplementation {
  const denied = (_call: unknown, callback: grpc.sendUnaryData<Req>) =>
    callback(toServiceError(new GrpcError("PermissionDenied", "write access is not allowed")));
  return {
    Get: (call: grpc.ServerUnaryCall<Req, Req>, callback: grpc.sendUnaryData<Req>) => {
      Promise.resolve()
        .then(() => oneToOne(node, call.metadata, "Get"))
        .then(() => route(node, call.metadata, callerOf(call), "Get", async (n, a) => [await get(n, a, call.request)]))
        .then(
          ([resource]) => callback(null, { resource }),
          (e) => callback(toServiceError(asGrpcError(e))),
        );
    },
    List: (call: grpc.ServerWritableStream<Req, Req>) => {
      Promise.resolve()
        .then(() => oneToOne(node, call.metadata, "List"))
        .then(() => route(node, call.metadata, callerOf(call), "Get", (n, a) => list(n, a, call.request)))
        .then(
          (items) => {
            for (const resource of items) call.write({ resource });
            call.end();
          },
          (e) => call.emit("error", toServiceError(asGrpcError(e))),
        );
    },
    Watch: (call: grpc.ServerWritableStream<Req, Req>) => {
      const cancelled = new Promise<void>((resolve) => {
        call.once("cancelled", () => resolve());
        call.once("close", () => resolve());
      });
      const open = watch(call.request, cancelled, list);
      Promise.resolve()
        .then(() => oneToOne(node, call.metadata, "Watch"))
        .then(() => routeLive(node, call.metadata, callerOf(call), "Get", open, (m) => call.write(m)))
        .then(
          () => call.end(),
          (e) => call.emit("error", toServiceError(asGrpcError(e))),
        );
    },
    Create: denied,
    Update: denied,
    Destroy: denied,
  };
}
