/** Building API clients from flags/talosconfig (`WithClient`, `WithClientMaintenance`) and reading replies like talosctl. */
import { ApiResponse, GrpcError, NodeReply } from "../api";
import { unb64 } from "../pki/cert";
import { multierror } from "../multierror";
import { ApiClient } from "./client";
import { RunContext } from "./command";
import { readTalosconfig, resolveContext, resolveEndpoints, resolveNodes, withPort } from "./global";

/** A secure client plus the resolved target nodes. */
export interface Session {
  client: ApiClient;
  nodes: string[];
}

/** `WithClient`: talosconfig context, endpoints, mTLS credentials, nodes. */
export function secureSession(ctx: RunContext, needNodes = true): Session {
  const c = resolveContext(ctx, readTalosconfig(ctx));
  const endpoints = resolveEndpoints(ctx, c);
  const nodes = needNodes
    ? resolveNodes(ctx, c)
    : (ctx.flags.values.nodes as string[]).length
      ? (ctx.flags.values.nodes as string[])
      : (c.nodes ?? []);
  const creds = c.ca && c.crt && c.key ? { ca: unb64(c.ca), crt: unb64(c.crt), key: unb64(c.key) } : undefined;
  return { client: new ApiClient({ endpoints, insecure: false, creds }), nodes };
}

/** `WithClientMaintenance`: no talosconfig; the `--nodes` are the dial endpoints. */
export function maintenanceClient(ctx: RunContext, fingerprints: string[] = []): ApiClient {
  const nodes = ctx.flags.values.nodes as string[];
  if (!nodes.length) throw new Error("error constructing client: failed to determine endpoints");
  return new ApiClient({ endpoints: nodes.map(withPort), insecure: true, fingerprints });
}

/** Text of a wire status. */
export function statusText(s: { code: string; message: string }): string {
  return new GrpcError(s.code, s.message).message;
}

/** Splits a reply into successes and the multierror text of the failures (`FilterMessages`). */
export function filterReplies(resp: ApiResponse): { ok: NodeReply[]; error: string | null } {
  if (resp.error) throw new Error(statusText(resp.error));
  const replies = resp.replies ?? [];
  const failed = replies.filter((r) => r.error);
  const items = failed.map((r) => (r.node !== undefined ? `${r.node}: ${statusText(r.error!)}` : statusText(r.error!)));
  return { ok: replies.filter((r) => !r.error), error: items.length ? multierror(items) : null };
}

/** A call whose any failure is fatal: returns the successful replies or throws `<prefix><error>`. */
export async function callAll(
  client: ApiClient,
  method: string,
  payload: unknown,
  nodes: string[] | undefined,
  prefix: string,
  timeoutMs?: number,
): Promise<NodeReply[]> {
  let resp: ApiResponse;
  try {
    resp = await client.call(method, payload, nodes ? { nodes } : {}, timeoutMs);
  } catch (e) {
    throw new Error(prefix + (e as Error).message);
  }
  if (resp.error) throw new Error(prefix + statusText(resp.error));
  const { ok, error } = filterReplies(resp);
  if (error) throw new Error(prefix + error);
  return ok;
}

/** A one-to-one call (`{ node }` metadata): the node's reply data, or throws the status text. */
export async function callNode(client: ApiClient, method: string, payload: unknown, node: string): Promise<unknown> {
  const resp = await client.call(method, payload, { node });
  if (resp.error) throw new Error(statusText(resp.error));
  return resp.replies?.[0]?.data;
}

/** Rejects more than one node for single-node commands (the text also triggers the usage dump). */
export function singleNode(name: string, nodes: string[]): void {
  if (nodes.length > 1) throw new Error(`command ${JSON.stringify(name)} is not supported with multiple nodes`);
}
