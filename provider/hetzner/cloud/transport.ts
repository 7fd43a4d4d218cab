/**
 * HTTP transport of the Cloud client: bearer auth and JSON, then error envelope → CloudApiError,
 * then the retry rule (retry-rule.ts) with capped backoff through the shared `retry` helper.
 */
import { Sleep, retry } from "../../internal/retry";
import { isError } from "../../internal/errors";
import { logLine, registerSecret } from "../../internal/log";
import { CloudApiError, CloudRequestError, RateLimitInfo } from "./errors";
import { isRetryable, rateLimitDelay } from "./retry-rule";

/** Query values; arrays are sent as repeated parameters (`?id=1&id=2`). */
export type Query = Record<string, string | number | boolean | (string | number)[] | undefined>;

/** Options of the transport (and of CloudClient). */
export interface TransportOptions {
  /** API base URL including the version, e.g. "https://api.hetzner.cloud/v1". */
  endpoint: string;
  /** API token; sent only in the Authorization header, never logged. */
  token: string;
  /** Sleep between retries and polls. @default real timers */
  sleep?: Sleep;
  /** Clock for deadlines and RateLimit-Reset. @default Date.now */
  now?: () => number;
  /** Attempts per request including the first (hcloud-go: 1 + 5 retries). @default 6 */
  attempts?: number;
  /** First retry delay in ms, doubled per retry. @default 1000 */
  retryInitialMs?: number;
  /** Largest retry delay in ms. @default 60000 */
  retryMaxMs?: number;
  /** Time allowed for one HTTP exchange in ms. @default 60000 */
  requestTimeoutMs?: number;
  /** Random source for backoff jitter, injectable so tests see exact delays. @default Math.random */
  random?: () => number;
}

/** Sends requests to the Cloud API. */
export class Transport {
  readonly now: () => number;
  readonly random?: () => number;
  private readonly base: string;

  constructor(private readonly o: TransportOptions) {
    this.base = o.endpoint.replace(/\/+$/, "");
    this.now = o.now ?? Date.now;
    this.random = o.random;
    registerSecret(o.token);
  }

  /** Sends one request (with retries) and returns the parsed body; undefined for 204. */
  async request<T>(method: string, path: string, opts: { query?: Query; body?: unknown } = {}): Promise<T> {
    const maxMs = this.o.retryMaxMs ?? 60_000;
    return retry(() => this.once<T>(method, path, opts), {
      attempts: this.o.attempts ?? 6,
      initialMs: this.o.retryInitialMs ?? 1000,
      maxMs,
      sleep: this.o.sleep,
      random: this.random,
      retryable: (e) =>
        isError(e, "CloudApiError") && isRetryable((e as CloudApiError).status, (e as CloudApiError).code),
      delayFor: (e) =>
        (e as CloudApiError).status === 429
          ? rateLimitDelay((e as CloudApiError).rateLimit, this.now(), maxMs)
          : undefined,
      onRetry: (e, attempt, delay) => logLine(`${(e as Error).message}; retry ${attempt} in ${Math.round(delay)} ms`),
    });
  }

  private async once<T>(method: string, path: string, opts: { query?: Query; body?: unknown }): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.url(path, opts.query), {
        method,
        headers: {
          Authorization: `Bearer ${this.o.token}`,
          Accept: "application/json",
          ...(opts.body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: AbortSignal.timeout(this.o.requestTimeoutMs ?? 60_000),
      });
    } catch (e) {
      throw new CloudRequestError(method, path, e);
    }
    const text = await res.text();
    const body = parseBody(text);
    if (res.ok && (res.status === 204 || body !== undefined)) return body as T;
    if (res.ok)
      throw new CloudApiError(
        method,
        path,
        res.status,
        "invalid_response",
        `expected a JSON body, got: ${text.slice(0, 200)}`,
        null,
      );
    const envelope = (
      body as { error?: { code?: string; message?: string; details?: Record<string, unknown> | null } } | undefined
    )?.error;
    throw new CloudApiError(
      method,
      path,
      res.status,
      envelope?.code ?? `http_${res.status}`,
      envelope?.message ?? (text.trim().slice(0, 200) || res.statusText),
      envelope?.details ?? null,
      rateLimitOf(res.headers),
    );
  }

  private url(path: string, query: Query = {}): string {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined) continue;
      for (const item of Array.isArray(v) ? v : [v]) params.append(k, String(item));
    }
    const qs = params.toString();
    return `${this.base}${path}${qs ? `?${qs}` : ""}`;
  }
}

function parseBody(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function rateLimitOf(h: Headers): RateLimitInfo | undefined {
  const [limit, remaining, reset] = ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"].map((n) =>
    Number(h.get(n)),
  );
  return h.get("RateLimit-Reset") === null || [limit, remaining, reset].some(Number.isNaN)
    ? undefined
    : { limit, remaining, reset };
}
