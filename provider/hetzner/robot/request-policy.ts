/**
 * The retry plan of one Robot request: waits out RATE_LIMIT_EXCEEDED until a deadline, repeats
 * repeatable requests after 5xx/network errors a few times with backoff, and says clearly why it
 * stopped. It feeds the shared `retry` helper; it has no loop of its own.
 */
import { isError } from "../../internal/errors";
import { BackoffOptions, RetryOptions, backoffDelay } from "../../internal/retry";
import { RobotApiError, RobotNetworkError } from "./errors";
import { effectNote, rateLimitWaitMs, robotRetryRule } from "./retry-rule";

/** Limits of one request's retries. */
export interface RequestPolicyOptions {
  /** Clock for the rate-limit deadline. */
  now: () => number;
  /** Longest total wait for rate limits, ms. */
  rateLimitDeadlineMs: number;
  /** Longest pause between polls of a rate-limited endpoint, ms. */
  rateLimitPollMs: number;
  /** Attempts (including the first) for repeatable requests after 5xx/network errors. */
  attempts: number;
  /** Backoff between those attempts. */
  backoff: BackoffOptions;
  /** Where wait notices go. */
  log: (line: string) => void;
}

/** One request's retry state; `options()` plugs it into `retry`, `final()` words the error that ends it. */
export class RequestPolicy {
  private transientRetries = 0;
  private nextDelay = 0;
  private gaveUpOnRateLimit = false;
  private readonly started: number;

  constructor(
    private readonly method: string,
    private readonly path: string,
    private readonly o: RequestPolicyOptions,
  ) {
    this.started = o.now();
  }

  /** Options for the shared `retry` helper (sleep is added by the caller). */
  options(): RetryOptions {
    return {
      attempts: Number.POSITIVE_INFINITY, // bounded below: per kind of failure, and by the deadline
      retryable: (e) => this.plan(e),
      delayFor: () => this.nextDelay,
      onRetry: (e, _attempt, delayMs) =>
        this.o.log(`Robot ${this.method} ${this.path}: ${this.reason(e)}; asking again in ${seconds(delayMs)}`),
    };
  }

  /** The error to throw once `retry` gives up with `e`. */
  final(e: unknown): unknown {
    if (!this.gaveUpOnRateLimit) return withEffectNote(this.method, this.path, e);
    const err = e as RobotApiError;
    const note = `not waiting past the rate-limit deadline of ${seconds(this.o.rateLimitDeadlineMs)} (waited ${seconds(this.o.now() - this.started)}${limitText(err)})`;
    return new RobotApiError(
      this.method,
      this.path,
      {
        status: err.status,
        code: err.code,
        message: err.apiMessage,
        interval: err.interval,
        max_requests: err.maxRequests,
      },
      { note, cause: e },
    );
  }

  private plan(e: unknown): boolean {
    const api = isError(e, "RobotApiError") ? (e as RobotApiError) : undefined;
    if (!api && !isError(e, "RobotNetworkError")) return false;
    const decision = robotRetryRule(this.method, api?.status, api?.code, this.path);
    if (decision === "wait-rate-limit") return this.planRateLimitWait(api!);
    if (decision === "retry" && this.transientRetries + 1 < this.o.attempts) {
      this.nextDelay = backoffDelay(this.transientRetries++, this.o.backoff);
      return true;
    }
    return false;
  }

  private planRateLimitWait(e: RobotApiError): boolean {
    const wait = rateLimitWaitMs(e.interval, this.o.rateLimitPollMs);
    if (this.o.now() - this.started + wait > this.o.rateLimitDeadlineMs) {
      this.gaveUpOnRateLimit = true;
      return false;
    }
    this.nextDelay = wait;
    return true;
  }

  private reason(e: unknown): string {
    const api = isError(e, "RobotApiError") ? (e as RobotApiError) : undefined;
    if (api?.code === "RATE_LIMIT_EXCEEDED") return `rate limited${limitText(api)}`;
    return `${(e as Error).message} (retry ${this.transientRetries} of ${this.o.attempts - 1})`;
  }
}

/** A 5xx or lost answer to a request that was not repeated, with what it may have done. */
function withEffectNote(method: string, path: string, e: unknown): unknown {
  const api = isError(e, "RobotApiError") ? (e as RobotApiError) : undefined;
  if (!api && !isError(e, "RobotNetworkError")) return e;
  const note = effectNote(method, path, api?.status, api?.code);
  if (!note) return e;
  if (!api) return new RobotNetworkError(method, path, (e as { cause?: unknown }).cause, note);
  return new RobotApiError(
    method,
    path,
    { status: api.status, code: api.code, message: api.apiMessage, missing: api.missing, invalid: api.invalid },
    { note, cause: e },
  );
}

function limitText(e: RobotApiError): string {
  return e.maxRequests !== undefined && e.interval !== undefined
    ? `; Robot allows ${e.maxRequests} requests per ${e.interval}s`
    : "";
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${Math.round(ms / 100) / 10}s`;
}
