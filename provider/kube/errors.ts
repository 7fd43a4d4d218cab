/** Error classes of the Kubernetes client; match them by `name` with `isError`. */
import { TalosHetznerError, isError } from "../internal/errors";

/** The Kubernetes API answered with an error Status (401, 403, 404, 409, 429, 5xx…); `detail` is the Status message. */
export class KubeApiError extends TalosHetznerError {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly reason: string,
    readonly detail: string,
  ) {
    super(`Kubernetes API ${method} ${path} failed: ${detail} (${status} ${reason})`);
    this.name = "KubeApiError";
  }
}

/** The HTTP status of a KubeApiError, undefined for any other error (one place for the 404/429/5xx decisions). */
export function kubeStatus(e: unknown): number | undefined {
  return isError(e, "KubeApiError") ? (e as KubeApiError).status : undefined;
}

/** The Kubernetes API server could not be reached (refused, reset, timed out); names the server URL. */
export class KubeUnreachableError extends TalosHetznerError {
  constructor(
    readonly server: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`Kubernetes API ${server} is unreachable: ${detail}`, options);
    this.name = "KubeUnreachableError";
  }
}

/** A drain did not finish before its deadline; names the node and each remaining pod with why it remains. */
export class DrainTimeoutError extends TalosHetznerError {
  constructor(
    readonly node: string,
    readonly timeoutMs: number,
    readonly remaining: string[],
    reasons: Map<string, string>,
  ) {
    const list = remaining.map((p) => (reasons.get(p) ? `${p} (${reasons.get(p)})` : p)).join(", ");
    super(
      `drain of node ${node} did not finish within ${Math.round(timeoutMs / 1000)}s: ${remaining.length} pod(s) remain: ${list}`,
    );
    this.name = "DrainTimeoutError";
  }
}

/** A kubeconfig lacks a field the client needs; names the field, never prints values. */
export class KubeconfigError extends TalosHetznerError {
  constructor(
    readonly field: string,
    detail = "is missing",
  ) {
    super(`kubeconfig: ${field} ${detail}`);
    this.name = "KubeconfigError";
  }
}
