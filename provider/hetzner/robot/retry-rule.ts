/**
 * When a Robot request may be sent again — a pure rule, table-tested like hcloud-go's.
 * A 403 RATE_LIMIT_EXCEEDED was refused before anything happened, so any method may wait it out.
 * A 5xx or a lost connection may already have acted, so only GET and the idempotent DELETE are
 * repeated: never a POST /reset (a second power cycle) or POST /key (409 on the retry). A 503 is
 * Robot's maintenance answer (Robot doc "Errors"): the request was not processed, so any method may
 * be sent again.
 */

/** What to do after a failed attempt. */
export type RobotRetryDecision = "retry" | "wait-rate-limit" | "fail";

const REPEATABLE_METHODS = new Set(["GET", "HEAD", "DELETE"]);

/**
 * The decision for a failure: `status` is undefined when no response arrived (network error),
 * `code` is Robot's error code when the body had one.
 */
export function robotRetryRule(method: string, status: number | undefined, code: string | undefined): RobotRetryDecision {
  // Not every 403 is a rate limit: CAPH saw 403 for wrong credentials (CAPH#1262).
  if (status === 403 && code === "RATE_LIMIT_EXCEEDED") return "wait-rate-limit";
  if (status === 503) return "retry";
  const transient = status === undefined || status >= 500;
  return transient && REPEATABLE_METHODS.has(method.toUpperCase()) ? "retry" : "fail";
}

/**
 * How long to wait before asking again after RATE_LIMIT_EXCEEDED: Robot does not say when the
 * bucket frees, so poll every min(interval, pollMs) like community.hrobot (PR #140). Pure.
 */
export function rateLimitWaitMs(intervalSeconds: number | undefined, pollMs: number): number {
  if (intervalSeconds === undefined || !Number.isFinite(intervalSeconds) || intervalSeconds < 0) return pollMs;
  return Math.min(pollMs, Math.round(intervalSeconds * 1000));
}
