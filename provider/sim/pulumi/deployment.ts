/**
 * One run's bookkeeping, playing the engine: executes each registration in the order the program
 * resolves them, records the plan and the new state, and deletes what the program no longer declares.
 */
import { errorMessage } from "../../internal/errors";
import { createLines, fieldLines, planLine } from "./display";
import { Driver, PartialStepError } from "./driver";
import { StackState } from "./state";
import { partialState, runStep, StepResult } from "./steps";
import { PlanEntry, Registration, ResourceState, StepOp } from "./types";
import { Props, splitSecrets } from "./values";

/** Finds the driver of a resource type. */
export type DriverFor = (type: string) => Driver;

/** A failed resource step. */
export interface StepFailure {
  urn: string;
  message: string;
}

/** The engine side of one preview/up/destroy. */
export class Deployment {
  /** Plan entries in registration order (the order the engine shows). */
  readonly plan: PlanEntry[] = [];
  readonly failures: StepFailure[] = [];
  private readonly slots: (ResourceState | undefined)[] = [];
  private readonly carried: ResourceState[] = [];
  private readonly old: Map<string, ResourceState>;
  private readonly registered = new Set<string>();
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly prev: StackState,
    private readonly preview: boolean,
    private readonly driverFor: DriverFor,
    private readonly log: (l: string) => void,
  ) {
    this.old = new Map(prev.resources.map((r) => [r.urn, r]));
  }

  /** The new state, in registration order (dependencies before dependents), then carried-over resources. */
  get next(): ResourceState[] {
    return [...this.slots.filter((s): s is ResourceState => s !== undefined), ...this.carried];
  }

  /** The monitor's RegisterResource handler. */
  onRegister = (reg: Registration): Promise<{ id: string; outputs: Props }> => {
    const p = this.register(reg);
    this.pending.add(p);
    p.finally(() => this.pending.delete(p)).catch(() => undefined);
    return p;
  };

  /** Waits until no registration is in flight. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private async register(reg: Registration): Promise<{ id: string; outputs: Props }> {
    this.registered.add(reg.urn);
    const old = this.old.get(reg.urn);
    const slot = this.slots.push(undefined) - 1;
    const entry: PlanEntry = { urn: reg.urn, op: "same", diffKeys: [] };
    this.plan.push(entry);
    if (!reg.custom) return this.component(reg, old, slot, entry);
    try {
      const r = await runStep(reg, old, this.driverFor(reg.type), this.preview);
      Object.assign(entry, { op: r.op, diffKeys: r.diffKeys });
      this.report(r, old);
      this.slots[slot] = r.state;
      return { id: r.state.id, outputs: r.wireOutputs };
    } catch (e) {
      this.slots[slot] = this.failedState(reg, old, e);
      // The plan lists what happened; a failure without a partial object changed nothing.
      if (e instanceof PartialStepError) entry.op = old ? "update" : "create";
      else this.plan.splice(this.plan.indexOf(entry), 1);
      throw new Error(`${reg.urn}: ${errorMessage(e)}`);
    }
  }

  private component(
    reg: Registration,
    old: ResourceState | undefined,
    slot: number,
    entry: PlanEntry,
  ): { id: string; outputs: Props } {
    const { plain, secretKeys } = splitSecrets(reg.inputs);
    const op: StepOp = old ? "same" : "create";
    entry.op = op;
    this.slots[slot] = {
      urn: reg.urn,
      type: reg.type,
      custom: false,
      id: "",
      inputs: plain,
      outputs: plain,
      secretKeys,
      dependencies: reg.dependencies,
      parent: reg.parent,
    };
    if (op !== "same") this.log(planLine({ urn: reg.urn, op, diffKeys: [] }));
    return { id: "", outputs: reg.inputs };
  }

  private report(r: StepResult, old: ResourceState | undefined): void {
    const entry = { urn: r.state.urn, op: r.op, diffKeys: r.diffKeys };
    if (r.op === "same") return;
    this.log(planLine(entry));
    const secretKeys = [...new Set([...r.state.secretKeys, ...(old?.secretKeys ?? [])])];
    const lines =
      r.op === "create" ? createLines(r.inputs, secretKeys) : fieldLines(r.diffKeys, old!.inputs, r.inputs, secretKeys);
    if (this.preview) lines.forEach((l) => this.log(l));
  }

  // A failed step keeps what exists: the partial object, else the old state unchanged.
  private failedState(reg: Registration, old: ResourceState | undefined, e: unknown): ResourceState | undefined {
    this.failures.push({ urn: reg.urn, message: errorMessage(e) });
    this.log(`  error: ${reg.urn}: ${errorMessage(e)}`);
    if (!(e instanceof PartialStepError)) return old;
    const { plain, secretKeys } = splitSecrets(reg.inputs);
    const base: ResourceState = {
      urn: reg.urn,
      type: reg.type,
      custom: true,
      id: e.id,
      inputs: plain,
      outputs: {},
      dependencies: reg.dependencies,
      parent: reg.parent,
      secretKeys: [...new Set([...secretKeys, ...reg.additionalSecretOutputs])],
    };
    return partialState(base, e);
  }

  /**
   * Deletes (or in preview plans deleting) old resources the program did not register. Like the
   * engine, independent deletes run in parallel and a resource goes only after everything that
   * depends on it (dependencies or parent) is gone; nothing new starts after a failed delete, so a
   * refused node removal keeps its server. The plan lists deletes dependents first (state order reversed).
   */
  async deleteUnregistered(all = false): Promise<void> {
    const gone = this.prev.resources.filter((r) => all || !this.registered.has(r.urn)).reverse();
    const started = new Set<string>();
    const done = new Map<string, Promise<boolean>>();
    let stopped = false;
    gone.forEach((r, i) => {
      // Dependents come earlier in `gone`: the state lists dependencies before dependents.
      const dependents = gone.slice(0, i).filter((d) => d.dependencies?.includes(r.urn) || d.parent === r.urn);
      done.set(
        r.urn,
        (async () => {
          const clear = (await Promise.all(dependents.map((d) => done.get(d.urn)!))).every(Boolean);
          if (!clear || stopped) return false;
          started.add(r.urn);
          const ok = await this.deleteOne(r);
          if (!ok) stopped = true;
          return ok;
        })(),
      );
    });
    const deleted = await Promise.all(gone.map((r) => done.get(r.urn)!));
    this.plan.push(
      ...gone.filter((r) => started.has(r.urn)).map((r): PlanEntry => ({ urn: r.urn, op: "delete", diffKeys: [] })),
    );
    // Kept in state order (dependencies first), so the next run deletes them dependents first again.
    this.carried.push(...gone.filter((_, i) => !deleted[i]).reverse());
  }

  /** Carries old resources the program did not register into the new state unchanged. */
  keepUnregistered(): void {
    this.carried.push(...this.prev.resources.filter((r) => !this.registered.has(r.urn)));
  }

  private async deleteOne(r: ResourceState): Promise<boolean> {
    this.log(planLine({ urn: r.urn, op: "delete", diffKeys: [] }));
    if (this.preview || !r.custom || r.retainOnDelete) return true;
    try {
      if (r.protect) throw new Error("resource is protected; unprotect it before deleting");
      await this.driverFor(r.type).delete(r.urn, r);
      return true;
    } catch (e) {
      this.failures.push({ urn: r.urn, message: errorMessage(e) });
      this.log(`  error: ${r.urn}: ${errorMessage(e)}`);
      return false;
    }
  }
}
