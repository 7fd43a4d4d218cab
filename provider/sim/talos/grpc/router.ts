/**
 * apid's routing (internal/app/apid/pkg/director): no `node`/`nodes` metadata runs the call on the
 * endpoint itself; `node` proxies one-to-one (errors come back as the call's status); `nodes`
 * proxies one-to-many and answers per node, each message tagged with `metadata.hostname` (the
 * node as the client named it) and a failed node carried as `metadata.error`/`metadata.status`.
 * Maintenance mode disables routing (APIServiceConfig.NodeRoutingDisabled).
 */
import * as grpc from "@grpc/grpc-js";
import { APID_PORT, GrpcError, dialError } from "../api";
import { Auth, authorize } from "../node/auth";
import { TalosNode } from "../node/node";
import { Caller, authOn } from "./peer";
import { asGrpcError, errorMetadata } from "./status";

/** A response message (unary reply item or stream item) before apid adds metadata. */
export type Message = Record<string, unknown>;

/** Runs a method on one node for an authorised caller, giving its messages. */
export type Local = (node: TalosNode, auth: Auth) => Promise<Message[]>;

/** The target as the endpoint reaches it over the network, or the dial error apid would get. */
function reach(endpoint: TalosNode, target: string): TalosNode {
  const node = target === endpoint.ip ? endpoint : endpoint.host.nodeByAddress(target);
  const open =
    node &&
    !node.stopped &&
    !node.hung &&
    (node === endpoint || node.machine.inboundAllowed("tcp", APID_PORT, endpoint.ip ?? ""));
  if (!node || !open) throw dialError(`${target}:${APID_PORT}`);
  return node;
}

async function runOn<T>(
  node: TalosNode,
  caller: Caller,
  method: string,
  local: (node: TalosNode, auth: Auth) => Promise<T>,
): Promise<T> {
  const auth = authOn(node, caller);
  authorize(node, auth, method);
  return local(node, auth);
}

/** One node of a one-to-many call: its messages tagged with the target, or its error as a message. */
async function fanOut(
  endpoint: TalosNode,
  target: string,
  caller: Caller,
  method: string,
  local: Local,
  streaming: boolean,
): Promise<Message[]> {
  try {
    const messages = await runOn(reach(endpoint, target), caller, method, local);
    // apid's AppendInfo tags every streamed message but only the first item of a unary reply.
    return messages.map((m, i) => (streaming || i === 0 ? { ...m, metadata: { hostname: target } } : m));
  } catch (e) {
    return [{ metadata: errorMetadata(target, asGrpcError(e)) }];
  }
}

/**
 * A metadata key's values. grpc-go sends each value as its own header field; Node's HTTP/2 layer
 * joins repeated fields with ", " before grpc-js sees them, so they are split again here.
 */
function values(md: grpc.Metadata, key: string): string[] {
  return md
    .get(key)
    .flatMap((v) => String(v).split(","))
    .map((v) => v.trim())
    .filter((v) => v !== "");
}

/** Routes a call that arrived at `endpoint`; throws a GrpcError for the call's own status. */
export async function route(
  endpoint: TalosNode,
  md: grpc.Metadata,
  caller: Caller,
  method: string,
  local: Local,
  streaming = false,
): Promise<Message[]> {
  if (endpoint.maintenance) return runOn(endpoint, caller, method, local);
  const nodes = values(md, "nodes");
  const node = values(md, "node");
  if (node.length > 1) throw new GrpcError("InvalidArgument", "node metadata must be single-valued");
  if (nodes.length)
    return (await Promise.all(nodes.map((t) => fanOut(endpoint, t, caller, method, local, streaming)))).flat();
  if (node.length) return runOn(reach(endpoint, node[0]), caller, method, local);
  return runOn(endpoint, caller, method, local);
}

/** Opens a long-lived stream on one node: sends through `emit` until the stream ends. */
export type Open = (node: TalosNode, auth: Auth, emit: (m: Message) => void) => Promise<void>;

/** Routes a long-lived server stream (Events): like `route`, but messages flow as they come. */
export async function routeLive(
  endpoint: TalosNode,
  md: grpc.Metadata,
  caller: Caller,
  method: string,
  open: Open,
  emit: (m: Message) => void,
): Promise<void> {
  if (endpoint.maintenance) return runOn(endpoint, caller, method, (n, a) => open(n, a, emit));
  const nodes = values(md, "nodes");
  const node = values(md, "node");
  if (node.length > 1) throw new GrpcError("InvalidArgument", "node metadata must be single-valued");
  if (node.length) return runOn(reach(endpoint, node[0]), caller, method, (n, a) => open(n, a, emit));
  if (!nodes.length) return runOn(endpoint, caller, method, (n, a) => open(n, a, emit));
  await Promise.all(
    nodes.map(async (t) => {
      try {
        await runOn(reach(endpoint, t), caller, method, (n, a) =>
          open(n, a, (m) => emit({ ...m, metadata: { hostname: t } })),
        );
      } catch (e) {
        emit({ metadata: errorMetadata(t, asGrpcError(e)) });
      }
    }),
  );
}
