/**
 * Talking to one node through talosctl: is it in maintenance mode or configured (and with what),
 * apply-config with retries while it is busy, and waiting until it runs the config we applied.
 */
import { DeadlineError, errorMessage, isError } from "../../internal/errors";
import { StepLogger } from "../../internal/log";
import { pollUntil } from "../../internal/poll";
import { retry } from "../../internal/retry";
import { configHash } from "../../talos/config";
import type { ApplyResult, TalosApiError } from "../../talos/talosctl";
import { RuntimeDeps, TalosClient } from "./deps";
import { ConfigRejectedError, ForeignNodeError, NodeUnreachableError, RebootRequiredError } from "./errors";
import { ApplyMode } from "./types";

/** One node and how to reach it. */
export interface NodeContext {
  client: TalosClient;
  node: string;
  /** apid endpoints the secure client dials (control planes for workers behind a firewall). */
  endpoints: string[];
  /** talosconfig content with this cluster's admin credentials. */
  talosconfig: string;
  deps: RuntimeDeps;
  log: StepLogger;
}

/** The node's configs: `active` (running) and `persistent` (on STATE; differs after `staged`/`try`). */
export interface LiveConfigs {
  active: string;
  persistent: string | null;
}

/** What a probe found. */
export type NodeState = { kind: "maintenance" } | { kind: "configured"; live: LiveConfigs };

function apiError(e: unknown, ...codes: string[]): e is TalosApiError {
  return isError(e, "TalosApiError") && codes.includes((e as TalosApiError).grpcCode);
}

/**
 * TLS refused: the client rejects a maintenance node's self-signed certificate (`authentication
 * handshake failed`), or a configured node refuses a client without a certificate of its CA. Under
 * TLS 1.3 the server's refusal arrives after the client's handshake, as an alert while grpc-go reads the
 * server preface: `error reading server preface: remote error: tls: certificate required` (or `bad certificate`).
 */
export function isTlsRefusal(e: unknown): boolean {
  return (
    apiError(e, "Unavailable") &&
    /authentication handshake failed|error reading server preface: remote error: tls: /.test(e.detail)
  );
}

/** The node did not answer (dial failure, timeout); a node's own answer that its etcd (:2379) does not is no such failure. */
export function isUnreachable(e: unknown): boolean {
  return (
    (apiError(e, "Unavailable", "DeadlineExceeded") &&
      !isTlsRefusal(e) &&
      !(e.node !== null && /:2379\b/.test(e.detail))) ||
    isError(e, "DeadlineError", "NodeUnreachableError")
  );
}

function unreachable(ctx: NodeContext, e: unknown): unknown {
  if (!isUnreachable(e) || isError(e, "NodeUnreachableError")) return e;
  const detail = isError(e, "TalosApiError")
    ? `${(e as TalosApiError).grpcCode}: ${(e as TalosApiError).detail}`
    : errorMessage(e);
  return new NodeUnreachableError(ctx.node, ctx.endpoints, detail, { cause: e });
}

/** The node's active and persistent configs over mTLS (`get machineconfig`, contract §12.2). */
export async function readLive(ctx: NodeContext): Promise<LiveConfigs> {
  const found = await ctx.client.getResources("machineconfig", {
    node: ctx.node,
    endpoints: ctx.endpoints,
    talosconfig: ctx.talosconfig,
  });
  // talosctl ≤ v1.7 printed the spec as an object (first document only); v1.8+ prints the YAML string.
  const text = (id: string) => {
    const spec = found.find((r) => r.metadata.id === id)?.spec;
    return spec === undefined || spec === null ? null : typeof spec === "string" ? spec : JSON.stringify(spec);
  };
  const active = text("v1alpha1");
  if (active === null)
    throw new NodeUnreachableError(ctx.node, ctx.endpoints, "the node answered but reported no active machine config");
  return { active, persistent: text("persistent") };
}

/** Configured (with its configs), maintenance, or an error: unreachable, or configured by another cluster. */
export async function probeNode(ctx: NodeContext): Promise<NodeState> {
  try {
    return { kind: "configured", live: await readLive(ctx) };
  } catch (e) {
    if (!isTlsRefusal(e)) throw unreachable(ctx, e);
  }
  try {
    await ctx.client.getResources("disks", { node: ctx.node, insecure: true });
    return { kind: "maintenance" };
  } catch (e) {
    throw isTlsRefusal(e) ? new ForeignNodeError(ctx.node, { cause: e }) : unreachable(ctx, e);
  }
}

/** How one apply-config call is made. */
export interface ApplyCall {
  config: string;
  mode: ApplyMode;
  insecure: boolean;
  dryRun: boolean;
  tryTimeoutMs?: number;
  /** Redacted paths that change, named when a no-reboot mode is refused. */
  changedPaths: string[];
}

/** apply-config, retrying FailedPrecondition (another apply running, node rebooting) until `deadline` (epoch ms). */
export async function applyToNode(ctx: NodeContext, call: ApplyCall, deadline: number): Promise<ApplyResult> {
  const start = ctx.deps.now();
  try {
    return await retry(
      () =>
        ctx.client.applyConfig({
          node: ctx.node,
          ...(call.insecure ? {} : { endpoints: ctx.endpoints, talosconfig: ctx.talosconfig }),
          config: call.config,
          mode: call.mode,
          insecure: call.insecure,
          dryRun: call.dryRun,
          tryTimeout: call.tryTimeoutMs,
        }),
      {
        attempts: 1000,
        deadline,
        initialMs: 500,
        maxMs: 5000,
        sleep: ctx.deps.sleep,
        retryable: (e) => apiError(e, "FailedPrecondition"),
        onRetry: (e, n, ms) => ctx.log.info(`node busy (${(e as TalosApiError).detail}); retry ${n} in ${ms} ms`),
      },
    );
  } catch (e) {
    throw applyError(ctx, call, e, ctx.deps.now() - start);
  }
}

function applyError(ctx: NodeContext, call: ApplyCall, e: unknown, waitedMs: number): unknown {
  if (apiError(e, "InvalidArgument")) {
    if (/can't be applied in immediate mode/.test(e.detail))
      return new RebootRequiredError(ctx.node, call.mode, call.changedPaths, { cause: e });
    return new ConfigRejectedError(ctx.node, e.detail.trim(), { cause: e });
  }
  if (apiError(e, "FailedPrecondition"))
    return new DeadlineError(
      `node ${ctx.node} to accept the config (last error: FailedPrecondition: ${e.detail})`,
      waitedMs,
      { cause: e },
    );
  return unreachable(ctx, e);
}

/**
 * Polls `get machineconfig` until the `which` config has hash `hash` (through reboots: unreachable and
 * TLS refusals are "not yet"); throws DeadlineError naming the hash the node still runs.
 */
export async function waitForConfig(
  ctx: NodeContext,
  hash: string,
  which: "active" | "persistent",
  timeoutMs: number,
): Promise<LiveConfigs> {
  let seen = "nothing (no answer)";
  try {
    return await pollUntil(
      async () => {
        const live = await readLive(ctx);
        const h = configHash(which === "persistent" ? (live.persistent ?? live.active) : live.active);
        seen = `config ${h.slice(0, 12)}`;
        return h === hash ? live : undefined;
      },
      {
        what: `node ${ctx.node} to run the applied config`,
        timeoutMs,
        initialMs: 250,
        maxMs: 5000,
        sleep: ctx.deps.sleep,
        now: ctx.deps.now,
        transient: (e) => isTlsRefusal(e) || isUnreachable(e) || apiError(e, "FailedPrecondition"),
      },
    );
  } catch (e) {
    if (!isError(e, "DeadlineError")) throw e;
    throw new DeadlineError(
      `node ${ctx.node} to run the applied config ${hash.slice(0, 12)} as its ${which} config (last seen: ${seen})`,
      timeoutMs,
      { cause: e },
    );
  }
}
