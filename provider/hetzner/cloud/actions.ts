/** Actions client: get, list by ids, and wait for several actions at once. */
import { pollUntil } from "../../internal/poll";
import { TalosHetznerError } from "../../internal/errors";
import { ActionFailedError } from "./errors";
import { getOrUndefined } from "./get-or-undefined";
import { Transport } from "./transport";
import { PollSettings, pollOptions } from "./poll-options";
import { Action } from "./types";

/** Options of `waitFor`. */
export interface WaitForOptions {
  /** Total time allowed in ms. */
  timeoutMs: number;
  /** Called after every poll with the latest state of every awaited action. */
  onProgress?: (actions: Action[]) => void;
}

/** hcloud-go asks for at most 25 ids per GET /actions request. */
const CHUNK = 25;

/** Client for /actions. */
export class ActionsClient {
  constructor(
    private readonly t: Transport,
    private readonly o: PollSettings,
  ) {}

  /** One action; undefined when it does not exist. */
  get(id: number): Promise<Action | undefined> {
    return getOrUndefined(this.t, `/actions/${id}`, "action");
  }

  /** Actions by id via GET /actions?id=…&id=… (the API has required ids since 2025-01-30). */
  async list(ids: number[]): Promise<Action[]> {
    const out: Action[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      out.push(
        ...(
          await this.t.request<{ actions: Action[] }>("GET", "/actions", {
            query: { id: chunk, sort: ["status", "id"] },
          })
        ).actions,
      );
    }
    return out;
  }

  /**
   * Waits until every action succeeded; throws ActionFailedError for the first that ends in error,
   * and DeadlineError after `timeoutMs`. Actions already finished in the objects given are not polled.
   */
  async waitFor(actions: (Action | number)[], o: WaitForOptions): Promise<Action[]> {
    const latest = new Map<number, Action | undefined>();
    for (const a of actions) latest.set(typeof a === "number" ? a : a.id, typeof a === "number" ? undefined : a);
    const labels = [...latest.entries()].map(([id, a]) => (a ? `${id} (${a.command})` : String(id)));
    return pollUntil(
      async () => {
        const pending = [...latest.entries()]
          .filter(([, a]) => a?.status !== "success" && a?.status !== "error")
          .map(([id]) => id);
        if (pending.length) await this.refresh(pending, latest);
        const all = [...latest.values()] as Action[];
        o.onProgress?.(all);
        const failed = all.find((a) => a.status === "error");
        if (failed) throw new ActionFailedError(failed);
        return all.every((a) => a.status === "success") ? all : undefined;
      },
      pollOptions(this.t, this.o, `Cloud actions ${labels.join(", ")}`, o.timeoutMs),
    );
  }

  private async refresh(ids: number[], latest: Map<number, Action | undefined>): Promise<void> {
    const found = await this.list(ids);
    for (const a of found) latest.set(a.id, a);
    const missing = ids.filter((id) => !found.some((a) => a.id === id));
    if (missing.length) throw new TalosHetznerError(`Cloud actions not found: ${missing.join(", ")}`);
  }
}
