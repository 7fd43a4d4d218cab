/**
 * Per-endpoint hourly request buckets of the Robot webservice (contracts/hetzner-robot.md §1):
 * "N requests per 1 hour"; router.ts names each route's bucket and limit. The hour is scaled by
 * world.timeScale so tests can wait a limit out in milliseconds.
 */
import { RobotSimError } from "./errors";

const HOUR_MS = 3600_000;

/** Sliding one-hour windows (scaled) of accepted requests per bucket. */
export class RobotRateLimiter {
  private readonly accepted = new Map<string, number[]>();

  constructor(
    private readonly timeScale: number,
    private readonly now: () => number,
  ) {}

  /** The scaled window length in ms. */
  windowMs(): number {
    return HOUR_MS * this.timeScale;
  }

  /** Counts a request against its bucket, or throws 403 RATE_LIMIT_EXCEEDED when `limit` requests fell in the window. */
  take(bucket: string, limit: number): void {
    const since = this.now() - this.windowMs();
    const recent = (this.accepted.get(bucket) ?? []).filter((t) => t > since);
    this.accepted.set(bucket, recent);
    if (recent.length >= limit) throw this.exceeded(limit);
    recent.push(this.now());
  }

  /** The error for a bucket of `limit`; `interval` is the scaled window in seconds (fractional when scaled). */
  exceeded(limit: number): RobotSimError {
    // The doc and the community.hrobot mock spell it `max_request`; hrobot-rs (tested against the
    // live API) reads `max_requests`. We send the live spelling; clients must read both.
    return new RobotSimError(403, "RATE_LIMIT_EXCEEDED", "Rate limit exceeded", {
      interval: this.windowMs() / 1000,
      max_requests: limit,
    });
  }
}
