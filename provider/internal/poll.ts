/** The one polling helper: wait until a check returns a value, with a deadline. */
import { DeadlineError, errorMessage } from "./errors";
import { BackoffOptions, backoffDelay, realSleep } from "./retry";

/** Options of `pollUntil`. */
export interface PollOptions extends BackoffOptions {
  /** What is awaited, for the deadline error ("server 42 to be off"). */
  what: string;
  /** Total time allowed in ms. */
  timeoutMs: number;
  /** Errors thrown by the check that mean "not yet" rather than failure. @default none */
  transient?: (e: unknown) => boolean;
  /** Clock, injectable for tests. @default Date.now */
  now?: () => number;
  /** Pause before the first check, for something that cannot be done sooner (see `pollPace`). @default 0 */
  firstWaitMs?: number;
}

/**
 * Calls `check` until it returns something other than `undefined`, sleeping with capped
 * exponential backoff between calls. Throws DeadlineError (with the last transient error
 * as cause and in the message) when `timeoutMs` passes.
 */
export async function pollUntil<T>(check: () => Promise<T | undefined>, o: PollOptions): Promise<T> {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? realSleep;
  const deadline = now() + o.timeoutMs;
  let last: unknown;
  if (o.firstWaitMs) await sleep(Math.min(o.firstWaitMs, o.timeoutMs));
  for (let n = 0; ; n++) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (e) {
      if (!o.transient?.(e)) throw e;
      last = e;
    }
    const remaining = deadline - now();
    if (remaining <= 0) {
      const what = last === undefined ? o.what : `${o.what} (last error: ${errorMessage(last)})`;
      throw new DeadlineError(what, o.timeoutMs, { cause: last });
    }
    await sleep(Math.min(backoffDelay(n, o), remaining));
  }
}
