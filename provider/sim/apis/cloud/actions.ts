/** Actions: asynchronous tasks that progress over simulated time and end in success or error. */
import { ActionRecord, CloudState, ServerRecord, isoNow } from "./state";
import { Router } from "./router";
import { locked, notFound } from "./errors";
import { listResponse, sortItems } from "./pagination";

/** An error that ends an action with status "error" and this code/message. */
export class ActionFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ActionFailure";
  }
}

/** How to run one action. */
export interface ActionPlan {
  command: string;
  resources: { id: number; type: string }[];
  /** Realistic duration in ms (scaled by world.timeScale and faults.slowActions). */
  realisticMs: number;
  /** The effect, applied when the time has passed (skipped when the action is made to fail). */
  work?: () => void | Promise<void>;
  /** Wait for this before starting (the action before it in `next_actions`). */
  after?: Promise<ActionRecord>;
  /** Server locked while the action runs. */
  server?: ServerRecord;
  /** Undo for an action that ends in error (e.g. drop the image a failed create_image announced). */
  onError?: () => void;
}

/** Starts actions and keeps their records in the state. */
export class ActionRunner {
  constructor(private readonly state: CloudState) {}

  /** Records a running action and runs it in the background; `done` settles when it has finished. */
  start(plan: ActionPlan): { action: ActionRecord; done: Promise<ActionRecord> } {
    const action: ActionRecord = {
      id: this.state.nextId("action"),
      command: plan.command,
      status: "running",
      progress: 0,
      started: isoNow(),
      finished: null,
      resources: plan.resources,
      error: null,
    };
    this.state.actions.set(action.id, action);
    plan.server?.running.add(action);
    const done = this.run(action, plan).then(() => action);
    return { action, done };
  }

  private async run(action: ActionRecord, plan: ActionPlan): Promise<void> {
    try {
      const before = plan.after ? await plan.after : undefined;
      if (before?.status === "error")
        throw new ActionFailure("action_failed", `${before.command} failed before this action started`);
      await this.progress(action, plan.realisticMs * (this.state.faults.slowActions ?? 1));
      if (this.state.stopped) return;
      if (this.state.faults.failActions?.includes(action.command))
        throw new ActionFailure("action_failed", "Action failed");
      await plan.work?.();
      this.finish(action, null);
    } catch (e) {
      const code = e instanceof ActionFailure ? e.code : "action_failed";
      this.finish(action, { code, message: (e as Error).message });
      plan.onError?.();
    } finally {
      plan.server?.running.delete(action);
    }
  }

  /** Advances `progress` in four steps over the scaled duration. */
  private async progress(action: ActionRecord, ms: number): Promise<void> {
    for (const pct of [25, 50, 75, 90]) {
      await this.state.world.delay(ms / 4);
      if (this.state.stopped) return;
      action.progress = pct;
    }
  }

  private finish(action: ActionRecord, error: ActionRecord["error"]): void {
    action.status = error ? "error" : "success";
    action.progress = 100;
    action.finished = isoNow();
    action.error = error;
  }
}

/** Throws 423 locked when an action is running on the server (spec: "there is already an Action running"). */
export function assertUnlocked(server: ServerRecord): void {
  if (server.running.size > 0) throw locked("server", server.id, [...server.running][0].command);
}

/** Registers GET /actions?id=…, GET /actions/{id} and GET /servers/{id}/actions. */
export function registerActionRoutes(router: Router, state: CloudState): void {
  router.add("GET", "/actions", (req) => {
    // Listing every action was removed on 2025-01-30: `id` is required (the spec marks it so) and there is no meta.
    const ids = req.query.getAll("id").map(Number);
    const found = ids.map((id) => state.actions.get(id)).filter((a): a is ActionRecord => a !== undefined);
    return { status: 200, body: { actions: sortItems(found, req.query.getAll("sort"), ACTION_SORT) } };
  });
  router.add("GET", "/actions/{id}", (req) => {
    const action = state.actions.get(Number(req.params.id));
    if (!action) throw notFound("action", req.params.id);
    return { status: 200, body: { action } };
  });
  router.add("GET", "/servers/{id}/actions", (req) => {
    const id = Number(req.params.id);
    if (!state.servers.has(id)) throw notFound("server", req.params.id);
    const statuses = req.query.getAll("status");
    const mine = [...state.actions.values()].filter(
      (a) =>
        a.resources.some((r) => r.type === "server" && r.id === id) &&
        (statuses.length === 0 || statuses.includes(a.status)),
    );
    return listResponse("actions", sortItems(mine, req.query.getAll("sort"), ACTION_SORT), req, (a) => a);
  });
}

const ACTION_SORT = {
  id: (a: ActionRecord) => a.id,
  command: (a: ActionRecord) => a.command,
  status: (a: ActionRecord) => a.status,
  progress: (a: ActionRecord) => a.progress,
  started: (a: ActionRecord) => a.started,
  finished: (a: ActionRecord) => a.finished ?? "",
};
