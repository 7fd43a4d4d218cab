/** Errors of the Hetzner Cloud client; match them by name with `isError(e, "CloudApiError")`. */
import { TalosHetznerError, isError } from "../../internal/errors";
import { Action } from "./types";

/** RateLimit-* headers of a response, when present. */
export interface RateLimitInfo {
  limit: number;
  remaining: number;
  /** UNIX timestamp (seconds) of full recovery. */
  reset: number;
}

/** The API answered with an error envelope (or a non-JSON error page). */
export class CloudApiError extends TalosHetznerError {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly code: string,
    /** The API's own message, without the request context. */
    readonly apiMessage: string,
    readonly details: Record<string, unknown> | null,
    readonly rateLimit?: RateLimitInfo,
  ) {
    super(`Cloud ${method} ${path} failed: ${code} (${status}): ${apiMessage}`);
    this.name = "CloudApiError";
  }
}

/** The request never got an HTTP answer (connection refused, reset, per-request timeout). */
export class CloudRequestError extends TalosHetznerError {
  constructor(
    readonly method: string,
    readonly path: string,
    cause: unknown,
  ) {
    super(`Cloud ${method} ${path} failed: ${describeCause(cause)}`, { cause });
    this.name = "CloudRequestError";
  }
}

/** An action ended in status "error"; names the command and the API's error. */
export class ActionFailedError extends TalosHetznerError {
  readonly command: string;
  readonly code: string;
  constructor(readonly action: Action) {
    const code = action.error?.code ?? "unknown";
    super(
      `Cloud action ${action.id} (${action.command}) failed: ${code}: ${action.error?.message ?? "no error details"}`,
    );
    this.name = "ActionFailedError";
    this.command = action.command;
    this.code = code;
  }
}

/** True for a CloudApiError with status 404 (what `get` turns into undefined, and deletes may ignore). */
export function isCloudNotFound(e: unknown): boolean {
  return isError(e, "CloudApiError") && (e as CloudApiError).status === 404;
}

function describeCause(cause: unknown): string {
  const c = cause as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (c?.name === "TimeoutError" || c?.name === "AbortError") return "no answer before the request timeout";
  const inner = c?.cause?.code ?? c?.cause?.message;
  return inner ? `${c.message ?? "request failed"} (${inner})` : (c?.message ?? String(cause));
}
