/**
 * What the day-2 steps of one node share: the node context, the inputs, a step logger whose total
 * grows when the plan does (a dry run asking for a reboot adds the graceful-reboot steps), and the
 * label that prefixes every error.
 */
import { TalosHetznerError, errorMessage } from "../../../internal/errors";
import { StepLogger, logLine } from "../../../internal/log";
import { NodeContext } from "../node";
import { MachineConfigInputs } from "../types";

/** Numbered steps whose total can grow once the plan is known (`[cp-1] step 5/9: …`). */
export class PlanLogger extends StepLogger {
  private n = 0;
  private total: number;
  constructor(resource: string, total: number) {
    super(resource, total);
    this.total = total;
  }

  /** Starts the next numbered step; returns its title. */
  override step(title: string): string {
    this.n++;
    logLine(`[${this.resource}] step ${this.n}/${Math.max(this.total, this.n)}: ${title}`);
    return title;
  }

  /** Adds `more` steps to the total (the plan grew). */
  extend(more: number): void {
    this.total += more;
  }
}

/** One node's day-2 context. */
export interface RollContext extends NodeContext {
  inputs: MachineConfigInputs;
  /** Hostname, else node address: the `[label]` of errors. */
  label: string;
  log: PlanLogger;
}

/** An error naming the node and the step: `[cp-1] upgrade to v1.13.9: <detail>`; the cause is kept. */
export function stepFailed(label: string, step: string, e: unknown): TalosHetznerError {
  return new TalosHetznerError(`[${label}] ${step}: ${errorMessage(e)}`, { cause: e });
}

/** Runs one step's work, wrapping any failure with the node label and the step name. */
export async function inStep<T>(ctx: RollContext, step: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw e instanceof Error && e.message.startsWith(`[${ctx.label}] `) ? e : stepFailed(ctx.label, step, e);
  }
}

/** The talosctl target of the context's node. */
export function targetOf(ctx: NodeContext): { node: string; endpoints: string[]; talosconfig: string } {
  return { node: ctx.node, endpoints: ctx.endpoints, talosconfig: ctx.talosconfig };
}
