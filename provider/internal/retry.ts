/** One retry helper and one backoff rule for the whole codebase. */

/** Sleep function, injectable so tests take milliseconds. */
export type Sleep = (ms: number) => Promise<void>;

/** Real sleep. */
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Backoff settings shared by `retry` and `pollUntil`. */
export interface BackoffOptions {
  /** First delay in ms. @default 1000 */
  initialMs?: number;
  /** Multiplier per attempt. @default 2 */
  factor?: number;
  /** Largest delay in ms. @default 30000 */
  maxMs?: number;
  /** Fraction of the delay randomised (0..1). @default 0.2 */
  jitter?: number;
  /** Sleep implementation. @default real timers */
  sleep?: Sleep;
  /** Random source in [0,1), injectable for tests. @default Math.random */
  random?: () => number;
}

/** Capped exponential delay for attempt `n` (0-based), with jitter; pure. */
export function backoffDelay(n: number, o: BackoffOptions = {}): number {
  const base = Math.min((o.initialMs ?? 1000) * Math.pow(o.factor ?? 2, n), o.maxMs ?? 30000);
  const jitter = o.jitter ?? 0.2;
  const r = (o.random ?? Math.random)();
  return Math.max(0, Math.round(base * (1 - jitter + 2 * jitter * r)));
}

/** Options of `retry`. */
export interface RetryOptions extends BackoffOptions {
  /** Maximum attempts including the first. @default 5 */
  attempts?: number;
  /** Absolute deadline (epoch ms); no attempt starts after it. */
  deadline?: number;
  /** Whether an error may be retried. @default () => true */
  retryable?: (e: unknown) => boolean;
  /** A delay the error itself asks for (e.g. Retry-After), in ms; overrides backoff when given. */
  delayFor?: (e: unknown) => number | undefined;
  /** Called before each wait (for logging). */
  onRetry?: (e: unknown, attempt: number, delayMs: number) => void;
}

/** Runs `fn` until it succeeds, the error is not retryable, attempts run out or the deadline passes. */
export async function retry<T>(fn: (attempt: number) => Promise<T>, o: RetryOptions = {}): Promise<T> {
  const attempts = o.attempts ?? 5;
  const sleep = o.sleep ?? realSleep;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt + 1 >= attempts || !(o.retryable ?? (() => true))(e)) throw e;
      const delay = o.delayFor?.(e) ?? backoffDelay(attempt, o);
      if (o.deadline !== undefined && Date.now() + delay > o.deadline) throw e;
      o.onRetry?.(e, attempt + 1, delay);
      await sleep(delay);
    }
  }
}
