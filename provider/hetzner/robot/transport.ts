/**
 * The Robot HTTP transport: Basic auth, form bodies, JSON answers, typed errors, and the retry
 * plan of request-policy.ts. Credentials live only in a private header value and are registered
 * with the log masker; messages name method and path, never the URL's credentials or the header.
 */
import { InputError } from "../../internal/errors";
import { logLine, registerSecret } from "../../internal/log";
import { Sleep, realSleep, retry } from "../../internal/retry";
import { RobotBudget, sharedRobotBudget } from "./budget";
import { RobotApiError, RobotNetworkError, robotErrorFromResponse } from "./errors";
import { FormFields, encodeForm } from "./form";
import { RequestPolicy, RequestPolicyOptions } from "./request-policy";

/** Options of a Robot client. */
export interface RobotClientOptions {
  /** Webservice base URL, e.g. "https://robot-ws.your-server.de" or a simulator's URL. */
  url: string;
  /** Webservice user (not the Robot login). */
  user: string;
  password: string;
  /** Sleep, injectable for tests. @default real timers */
  sleep?: Sleep;
  /** Clock for deadlines, injectable for tests. @default Date.now */
  now?: () => number;
  /** Longest one request waits out RATE_LIMIT_EXCEEDED before failing, ms. @default 600000 */
  rateLimitDeadlineMs?: number;
  /** Longest pause between polls of a rate-limited endpoint, ms. @default 5000 */
  rateLimitPollMs?: number;
  /** Retries of GET/DELETE after 5xx or network errors: attempts include the first. @default { attempts: 4, initialMs: 1000, maxMs: 30000 } */
  retry?: { attempts?: number; initialMs?: number; maxMs?: number; random?: () => number };
  /** Timeout of one HTTP attempt, ms. @default 30000 */
  requestTimeoutMs?: number;
  /** Where notices about waits go. @default the library log */
  log?: (line: string) => void;
  /** Length of Robot's rate-limit hour, ms (shorter only against a simulator with a short hour). @default 3600000 */
  budgetWindowMs?: number;
  /** Wait for a free slot of Robot's hourly budgets before sending (budget.ts). @default true */
  paceToBudgets?: boolean;
}

/** Sends Robot requests; the API-area clients build on it. */
export class RobotTransport {
  readonly #authorization: string;
  private readonly base: string;
  /** Sleep and clock for the area clients' own waits (firewall). */
  readonly sleep: Sleep;
  readonly now: () => number;
  private readonly policy: RequestPolicyOptions;
  private readonly timeoutMs: number;
  private readonly budget: RobotBudget | undefined;

  // The options are not kept: they hold the password, and a kept copy would show in util.inspect.
  constructor(o: RobotClientOptions) {
    registerSecret(o.password);
    this.#authorization = `Basic ${Buffer.from(`${o.user}:${o.password}`).toString("base64")}`;
    registerSecret(this.#authorization);
    this.base = robotBaseUrl(o.url);
    this.sleep = o.sleep ?? realSleep;
    this.now = o.now ?? Date.now;
    this.timeoutMs = o.requestTimeoutMs ?? 30_000;
    // Keyed by URL and user only: the shared budget must never hold the password.
    this.budget =
      o.paceToBudgets === false
        ? undefined
        : sharedRobotBudget(`${this.base} ${o.user}`, o.budgetWindowMs ?? 3_600_000, this.now, this.sleep);
    this.policy = {
      now: this.now,
      rateLimitDeadlineMs: o.rateLimitDeadlineMs ?? 600_000,
      rateLimitPollMs: o.rateLimitPollMs ?? 5_000,
      attempts: o.retry?.attempts ?? 4,
      backoff: { initialMs: o.retry?.initialMs ?? 1000, maxMs: o.retry?.maxMs ?? 30_000, random: o.retry?.random },
      log: o.log ?? logLine,
    };
  }

  /** GET `path` with optional query parameters (undefined ones are left out). */
  get<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T> {
    const defined = Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined);
    const qs = new URLSearchParams(defined).toString();
    return this.request<T>("GET", qs ? `${path}?${qs}` : path);
  }

  /** POST a form body. */
  post<T>(path: string, form: FormFields): Promise<T> {
    return this.request<T>("POST", path, encodeForm(form));
  }

  /** DELETE `path`. */
  delete<T>(path: string): Promise<T> {
    return this.request<T>("DELETE", path);
  }

  /** Sends one request with the retry plan; the parsed JSON answer, or undefined for an empty body. */
  async request<T>(method: string, path: string, body?: string): Promise<T> {
    const policy = new RequestPolicy(method, path, this.policy);
    try {
      return (await retry(() => this.once(method, path, body), { ...policy.options(), sleep: this.sleep })) as T;
    } catch (e) {
      throw policy.final(e);
    }
  }

  private async once(method: string, path: string, body: string | undefined): Promise<unknown> {
    await this.budget?.take(method, path, this.policy.log);
    let status: number;
    let text: string;
    try {
      const res = await fetch(this.base + path, {
        method,
        headers: {
          authorization: this.#authorization,
          accept: "application/json",
          ...(body !== undefined && { "content-type": "application/x-www-form-urlencoded" }),
        },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = res.status;
      text = await res.text();
    } catch (e) {
      throw new RobotNetworkError(method, path, e);
    }
    if (status >= 400) throw robotErrorFromResponse(method, path, status, text);
    return text ? parseJson(method, path, status, text) : undefined;
  }
}

/** The base URL without a trailing slash; never echoes the input, which might embed credentials. */
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * The base URL of a Robot webservice, or an InputError naming `field`: https only, since every
 * request carries the webservice password in its Basic auth header; plain http only to a loopback
 * address (a local simulator, which never leaves the machine).
 */
export function robotBaseUrl(url: string, field = "url"): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError(field, "must be an absolute http(s) URL such as https://robot-ws.your-server.de");
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:")
    throw new InputError(field, `must use http or https, not ${parsed.protocol}`);
  // fetch refuses such URLs with a message that contains them, credentials included.
  if (parsed.username || parsed.password)
    throw new InputError(field, "must not contain credentials; pass user and password separately");
  if (parsed.protocol === "http:" && !LOOPBACK.test(parsed.hostname)) {
    throw new InputError(
      field,
      `must use https: the Robot password travels in every request's Basic auth header, which plain http sends in clear text (http is accepted only for a loopback simulator), got http://${parsed.host}`,
    );
  }
  return url.replace(/\/+$/, "");
}

function parseJson(method: string, path: string, status: number, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new RobotApiError(
      method,
      path,
      { status, code: "INVALID_RESPONSE", message: "the answer is not JSON" },
      { cause: e },
    );
  }
}
