/**
 * When a Robot request may be sent again — a pure rule, table-tested like hcloud-go's.
 * A 403 RATE_LIMIT_EXCEEDED was refused before anything happened, so any method may wait it out.
 * A 5xx or a lost connection may already have acted, so only GET, the idempotent DELETE and the
 * POSTs that set a whole state (a server's name, a firewall's full rule set) are repeated: never a
 * POST /reset (a second power cycle), /boot/{n}/rescue (409 and a new password) or /key (409).
 * A 503 is Robot's maintenance answer (Robot doc "Errors"): the request was not processed, so any method
 * may be sent again.
 */

/** Robot error codes that say the request had no effect (Robot doc "Reset": RESET_FAILED, the server was not reset). */
const NOTHING_DONE = new Set(["RESET_FAILED"]);

/** What to do after a failed attempt. */
export type RobotRetryDecision = "retry" | "wait-rate-limit" | "fail";

const REPEATABLE_METHODS = new Set(["GET", "HEAD", "DELETE"]);
const REPEATABLE_POSTS = [/^\/server\/\d+$/, /^\/firewall\/\d+$/];

/** True when sending the request twice does what sending it once does. */
export function isRepeatable(method: string, path = ""): boolean {
  const m = method.toUpperCase();
  return REPEATABLE_METHODS.has(m) || (m === "POST" && REPEATABLE_POSTS.some((r) => r.test(path.split("?")[0])));
}

/**
 * What a failed request that was not repeated may have done, and what to do (for the error message);
 * undefined when the request cannot have acted (a repeatable one, an answer below 500, or an error
 * code in which Robot says it did nothing: RESET_FAILED means the server was not reset).
 */
export function effectNote(
  method: string,
  path: string,
  status: number | undefined,
  code?: string,
): string | undefined {
  if (
    isRepeatable(method, path) ||
    (status !== undefined && status < 500) ||
    (code !== undefined && NOTHING_DONE.has(code))
  )
    return undefined;
  const what = /^\/reset\//.test(path)
    ? "the server may be resetting now; wait a few minutes before running pulumi up again, which starts over with a fresh rescue boot"
    : /^\/boot\/\d+\/rescue$/.test(path)
      ? "the rescue system may be armed; the next run deletes the activation and arms it again"
      : /^\/key$/.test(path)
        ? "the key may have been registered; the next run of the server deletes leftover ephemeral keys"
        : "check its effect in Robot before running pulumi up again";
  return `not repeated (it is not safe to send twice) and it may have taken effect: ${what}`;
}

/**
 * The decision for a failure: `status` is undefined when no response arrived (network error),
 * `code` is Robot's error code when the body had one.
 */
export function robotRetryRule(
  method: string,
  status: number | undefined,
  code: string | undefined,
  path?: string,
): RobotRetryDecision {
  // Not every 403 is a rate limit: CAPH saw 403 for wrong credentials (CAPH#1262).
  if (status === 403 && code === "RATE_LIMIT_EXCEEDED") return "wait-rate-limit";
  if (status === 503) return "retry";
  const transient = status === undefined || status >= 500;
  return transient && isRepeatable(method, path) ? "retry" : "fail";
}

/**
 * How long to wait before asking again after RATE_LIMIT_EXCEEDED: Robot does not say when the
 * bucket frees, so poll every min(interval, pollMs) like community.hrobot (PR #140). Pure.
 */
export function rateLimitWaitMs(intervalSeconds: number | undefined, pollMs: number): number {
  if (intervalSeconds === undefined || !Number.isFinite(intervalSeconds) || intervalSeconds < 0) return pollMs;
  return Math.min(pollMs, Math.round(intervalSeconds * 1000));
}
