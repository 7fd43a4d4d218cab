/**
 * Per-project rate limit with gradual recovery (spec "Rate Limiting": 3600 requests/hour by default,
 * +1 per second, bursts allowed), scaled to simulated time.
 */

/** The headers every response carries. */
export interface RateLimitHeaders {
  "RateLimit-Limit": string;
  "RateLimit-Remaining": string;
  "RateLimit-Reset": string;
}

/** A token bucket: `limit` tokens, one recovered every `msPerToken` real milliseconds (0 = instant recovery). */
export class RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    readonly limit: number,
    readonly msPerToken: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = limit;
    this.last = now();
  }

  /** Limiter for a scenario: `perHour` requests, recovery scaled by the world's timeScale. */
  static scaled(perHour: number, timeScale: number, now?: () => number): RateLimiter {
    return new RateLimiter(perHour, (3_600_000 / perHour) * timeScale, now);
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Current headers; `exhausted` reports an empty bucket (a forced 429 from the fault knobs). */
  headers(exhausted = false): RateLimitHeaders {
    this.refill();
    const tokens = exhausted ? 0 : this.tokens;
    const resetMs = this.now() + (this.limit - tokens) * this.msPerToken;
    return {
      "RateLimit-Limit": String(this.limit),
      "RateLimit-Remaining": String(Math.floor(tokens)),
      "RateLimit-Reset": String(Math.ceil(resetMs / 1000)),
    };
  }

  private refill(): void {
    const t = this.now();
    this.tokens =
      this.msPerToken <= 0 ? this.limit : Math.min(this.limit, this.tokens + (t - this.last) / this.msPerToken);
    this.last = t;
  }
}
