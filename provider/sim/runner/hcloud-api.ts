/**
 * A small Hetzner Cloud API adapter for the runner's `@pulumi/hcloud` stand-in: plain fetch,
 * the hcloud-go retry rule (409 conflict, 429, 502, 504 only) and actions awaited with a deadline.
 */
import { TalosHetznerError } from "../../internal/errors";
import { pollUntil } from "../../internal/poll";
import { retry, Sleep } from "../../internal/retry";

/** An error answer of the Cloud API, with its code and HTTP status. */
export class HcloudApiError extends TalosHetznerError {
  constructor(readonly method: string, readonly path: string, readonly status: number, readonly code: string, detail: string) {
    super(`hcloud ${method} ${path} failed: ${code} (${status}): ${detail}`);
    this.name = "HcloudApiError";
  }
}

/** A Cloud API action as returned by the API. */
export interface HcloudAction {
  id: number;
  status: "running" | "success" | "error";
  command: string;
  error?: { code: string; message: string } | null;
}

/** Options of `HcloudApi`. */
export interface HcloudApiOptions {
  /** Deadline for one action in ms. @default 600000 */
  actionTimeoutMs?: number;
  sleep?: Sleep;
}

const RETRYABLE = new Set(["conflict", "rate_limit_exceeded", "bad_gateway", "timeout"]);

/** Calls of the Cloud API under one endpoint and token. */
export class HcloudApi {
  constructor(private readonly endpoint: string, private readonly token: string, private readonly o: HcloudApiOptions = {}) {}

  /** One request; a JSON body in and out (204 → undefined); error envelopes become HcloudApiError. */
  request<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    return retry(() => this.once<T>(method, path, body), {
      attempts: 5, initialMs: 1000, maxMs: 60000, sleep: this.o.sleep,
      retryable: (e) => e instanceof HcloudApiError && (RETRYABLE.has(e.code) || e.status === 502 || e.status === 504),
    });
  }

  /** GET that answers undefined for 404 (absence, not an error). */
  async find<T = any>(path: string): Promise<T | undefined> {
    try {
      return await this.request<T>("GET", path);
    } catch (e) {
      if (e instanceof HcloudApiError && e.status === 404) return undefined;
      throw e;
    }
  }

  /** Waits until every action has finished; an action in status `error` fails with its message. */
  async waitActions(actions: (HcloudAction | null | undefined)[]): Promise<void> {
    for (const a of actions) {
      if (!a) continue;
      const done = await pollUntil(async () => {
        const cur = a.status === "running" ? (await this.request<{ action: HcloudAction }>("GET", `/actions/${a.id}`)).action : a;
        return cur.status === "running" ? undefined : cur;
      }, { what: `hcloud action ${a.id} (${a.command})`, timeoutMs: this.o.actionTimeoutMs ?? 600000, initialMs: 100, factor: 1.5, maxMs: 2000, sleep: this.o.sleep });
      if (done.status === "error") throw new TalosHetznerError(`hcloud action ${a.id} (${a.command}) failed: ${done.error?.code}: ${done.error?.message}`);
    }
  }

  private async once<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.endpoint.replace(/\/$/, "")}${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const json = text ? JSON.parse(text) : undefined;
    if (!res.ok) {
      const err = json?.error ?? {};
      throw new HcloudApiError(method, path.split("?")[0], res.status, err.code ?? "unknown", err.message ?? text.slice(0, 200));
    }
    return json as T;
  }
}
