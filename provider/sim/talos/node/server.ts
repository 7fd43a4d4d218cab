/** The node's API server ("apid") on <ipv4>:50000: handshake, authentication, one-to-many proxying, dispatch. */
import * as http from "http";
import { APID_PORT, ApiRequest, ApiResponse, GrpcError, Handshake, NodeReply, dialError } from "../api";
import { str } from "../config-docs";
import { unb64 } from "../pki/cert";
import { Auth, authenticate, authorize } from "./auth";
import { HANDLERS } from "./handlers";
import { TalosNode } from "./node";
import { ApiListener, listenApi } from "../grpc/mux";

type Headers = http.IncomingHttpHeaders;

function handshake(node: TalosNode): Handshake {
  const ca = node.active ? str(node.active, "machine.ca.crt") : "";
  return {
    mode: node.maintenance ? "maintenance" : "configured",
    ca: ca ? unb64(ca) : undefined,
    cert: node.serverCert,
    bootId: node.bootId,
  };
}

async function invoke(node: TalosNode, method: string, payload: unknown, auth: Auth): Promise<unknown> {
  const handler = HANDLERS[method];
  if (!handler) throw new GrpcError("Unimplemented", `unknown method ${method}`);
  authorize(node, auth, method);
  return handler(node, payload, auth);
}

/** Runs a call on `target` as seen from `endpoint` (the apid proxy): dial check, auth on the target, handler. */
async function forward(
  endpoint: TalosNode,
  target: string,
  method: string,
  req: ApiRequest,
  headers: Headers,
  body: string,
): Promise<NodeReply> {
  const node = target === endpoint.ip ? endpoint : endpoint.host.nodeByAddress(target);
  const reachable =
    node &&
    !node.stopped &&
    !node.hung &&
    (node === endpoint || node.machine.inboundAllowed("tcp", APID_PORT, endpoint.ip ?? ""));
  if (!node || !reachable) return { node: target, error: dialError(`${target}:${APID_PORT}`).status() };
  try {
    return { node: target, data: await invoke(node, method, req.payload, authenticate(node, headers, method, body)) };
  } catch (e) {
    if (e instanceof GrpcError) return { node: target, error: e.status() };
    return { node: target, error: { code: "Internal", message: (e as Error).message } };
  }
}

async function rpc(node: TalosNode, method: string, headers: Headers, body: string): Promise<ApiResponse> {
  const req = JSON.parse(body) as ApiRequest;
  try {
    const auth = authenticate(node, headers, method, body);
    if (req.nodes?.length)
      return { replies: await Promise.all(req.nodes.map((n) => forward(node, n, method, req, headers, body))) };
    if (req.node) {
      const r = await forward(node, req.node, method, req, headers, body);
      return r.error ? { error: r.error } : { replies: [{ data: r.data }] };
    }
    return { replies: [{ data: await invoke(node, method, req.payload, auth) }] };
  } catch (e) {
    if (e instanceof GrpcError) return { error: e.status() };
    return { error: { code: "Internal", message: (e as Error).message } };
  }
}

/** Starts the API server of a node (stand-in protocol and, when built, the real gRPC API); resolves once listening. */
export function startApiServer(node: TalosNode): Promise<ApiListener> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const send = (v: unknown) => {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify(v));
      };
      if (req.method === "GET" && req.url === "/handshake") return send(handshake(node));
      const m = /^\/rpc\/(\w+)$/.exec(req.url ?? "");
      if (req.method !== "POST" || !m) {
        res.statusCode = 404;
        return res.end();
      }
      rpc(node, m[1], req.headers, body).then(send, (e) => send({ error: { code: "Internal", message: String(e) } }));
    });
  });
  return listenApi(node, server);
}
