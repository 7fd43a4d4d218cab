/**
 * Errors of the talosctl wrapper and the pure mapping from talosctl's stderr to them. talosctl
 * prints gRPC statuses as `rpc error: code = <Code> desc = <text>`, per node inside go-multierror
 * lists (`\t* <node>: rpc error: ...`) — contracts/talosctl.md §1.3.
 */
import { TalosHetznerError } from "../../internal/errors";
import { maskSecrets } from "../../internal/log";

/** No talosctl binary could be found. */
export class TalosctlNotFoundError extends TalosHetznerError {
  constructor(detail: string) {
    super(
      `talosctl not found (${detail}): pass its path explicitly (the provider's talosctl stack config option), set the TALOSCTL environment variable, or put talosctl on PATH`,
    );
    this.name = "TalosctlNotFoundError";
  }
}

/** talosctl exited non-zero without a recognisable gRPC status; `node` and `detail` are set when the failing node is known (upgrade trackers). */
export class TalosctlError extends TalosHetznerError {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly stderr: string,
    readonly node: string | null = null,
    detail?: string,
  ) {
    super(
      `talosctl ${command} failed${node ? ` on node ${node}` : ""} (exit ${exitCode ?? "signal"}): ${detail !== undefined ? sanitize(detail) : firstLines(stderr)}`,
    );
    this.name = "TalosctlError";
  }
}

/** One node's gRPC failure. */
export interface NodeFailure {
  node: string | null;
  grpcCode: string;
  detail: string;
}

/** A Talos API call failed with a gRPC status; `node` is null when the endpoint itself failed. */
export class TalosApiError extends TalosHetznerError {
  readonly grpcCode: string;
  readonly node: string | null;
  readonly detail: string;
  constructor(
    readonly command: string,
    readonly failures: NodeFailure[],
  ) {
    const f = failures[0];
    super(
      `talosctl ${command} failed${f.node ? ` on node ${f.node}` : ""}: ${f.grpcCode}: ${sanitize(f.detail)}${failures.length > 1 ? ` (and ${failures.length - 1} more node error(s))` : ""}`,
    );
    this.name = "TalosApiError";
    this.grpcCode = f.grpcCode;
    this.node = f.node;
    this.detail = sanitize(f.detail);
  }
}

/** A machine config failed `talosctl validate`; `problems` lists Talos's messages. */
export class TalosConfigInvalidError extends TalosHetznerError {
  constructor(
    readonly mode: string,
    readonly problems: string[],
  ) {
    super(`machine config is not valid for ${mode} mode: ${problems.join("; ")}`);
    this.name = "TalosConfigInvalidError";
  }
}

/** The gRPC codes the wrapper recognises (grpc-go names). */
export const GRPC_CODES = [
  "AlreadyExists",
  "Unavailable",
  "FailedPrecondition",
  "InvalidArgument",
  "Unimplemented",
  "NotFound",
  "DeadlineExceeded",
  "PermissionDenied",
  "Canceled",
  "Unknown",
  "Internal",
  "ResourceExhausted",
  "Aborted",
  "Unauthenticated",
];

/**
 * Removes anything that may carry config or key material: config diffs (Talos quotes both configs
 * in "can't be applied in immediate mode" errors), PEM blocks, long base64 runs, bootstrap/trustd
 * tokens, registered secrets.
 */
export function sanitize(text: string): string {
  return (
    maskSecrets(text)
      .replace(/\n(Config )?diff:\n[\s\S]*$/, "\n$1diff: [omitted]")
      .replace(/-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(-----END [A-Z0-9 ]+-----|$)/g, "[redacted PEM]")
      // A run ending in a 64-hex id under lowercase path segments is an image/schematic reference (no secret is lowercase hex).
      .replace(/[A-Za-z0-9+/_-]{40,}={0,2}/g, (m) => (/^([a-z0-9_-]+\/)*[0-9a-f]{64}$/.test(m) ? m : "[redacted]"))
      .replace(/\b[a-z0-9]{6}\.[a-z0-9]{16}\b/g, "[redacted token]")
  );
}

function firstLines(stderr: string): string {
  const lines = sanitize(stderr)
    .split("\n")
    .filter((l) => l.trim() && !l.startsWith("WARNING: "));
  const usage = lines.findIndex((l) => l === "Usage:");
  return (usage >= 0 ? lines.slice(0, usage) : lines).slice(0, 6).join(" | ") || "(no output)";
}

/** Every `rpc error` in stderr with the node it belongs to (multierror items carry `<node>: `); nested list items extend the detail. */
export function parseGrpcFailures(stderr: string): NodeFailure[] {
  const out: NodeFailure[] = [];
  for (const line of stderr.split("\n")) {
    const m = /rpc error: code = (\w+) desc = (.*)$/.exec(line);
    if (!m) {
      if (out.length && /^\t\* /.test(line)) out[out.length - 1].detail += `\n${line}`;
      continue;
    }
    if (!GRPC_CODES.includes(m[1])) continue;
    const n = /^\t\* (.+?): rpc error: /.exec(line);
    out.push({ node: n ? n[1] : null, grpcCode: m[1], detail: m[2] });
  }
  return out;
}

/** The error for a failed run: TalosApiError when stderr carries gRPC statuses, else TalosctlError. */
export function errorFromRun(command: string, exitCode: number | null, stderr: string): Error {
  const failures = parseGrpcFailures(stderr);
  return failures.length ? new TalosApiError(command, failures) : new TalosctlError(command, exitCode, stderr);
}
