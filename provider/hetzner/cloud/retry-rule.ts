/**
 * Which failed requests are retried and how long to wait: hcloud-go's rule (contract §1 "Client retries"):
 * only `conflict` (409), `rate_limit_exceeded` (429), `bad_gateway` (502) and `timeout` (504); `locked` is not.
 */
import { RateLimitInfo } from "./errors";

/** Whether a failed request with this HTTP status and error code is retried. */
export function isRetryable(status: number, code: string): boolean {
  if (status === 409) return code === "conflict";
  if (status === 429 || status === 502 || status === 504) return true;
  return code === "rate_limit_exceeded" || code === "bad_gateway" || code === "timeout";
}

/**
 * Wait after a 429: the time until one request is available again. Recovery is gradual (spec), so with
 * the bucket empty that is (reset − now) / limit; undefined when the headers give nothing to go on.
 */
export function rateLimitDelay(rl: RateLimitInfo | undefined, nowMs: number, maxMs: number): number | undefined {
  if (!rl || rl.limit <= 0) return undefined;
  const untilFull = rl.reset * 1000 - nowMs;
  if (untilFull <= 0) return undefined;
  const missing = Math.max(1, rl.limit - rl.remaining);
  return Math.min(maxMs, Math.ceil(untilFull / missing));
}
