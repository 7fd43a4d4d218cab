/**
 * Numbered steps of a long `RobotServer` operation: each step is logged with the resource name
 * (`[web-1] step 9/12: writing the image`) and a failure is wrapped in a StepError that names it.
 */
import { StepError, TalosHetznerError, errorMessage } from "../internal/errors";
import { StepLogger } from "../internal/log";
import { explainRobotError } from "./robot-server-deps";

/** Runs the numbered steps of one operation. */
export class Steps {
  readonly log: StepLogger;
  private n = 0;

  constructor(readonly resource: string, readonly total: number) {
    this.log = new StepLogger(resource, total);
  }

  /** Runs step `title`; its failure becomes `[resource] step k/total (title) failed: <cause>`. */
  async run<T>(title: string, fn: () => Promise<T>): Promise<T> {
    this.n++;
    this.log.step(title);
    try {
      return await fn();
    } catch (e) {
      throw new StepError(this.resource, `step ${this.n}/${this.total} (${title})`, this.unlabelled(explainRobotError(e)));
    }
  }

  // Helpers label their errors with the server too ("[web-1] refusing …"); once is enough.
  private unlabelled(e: unknown): unknown {
    const prefix = `[${this.resource}] `;
    const text = errorMessage(e);
    return text.startsWith(prefix) ? new TalosHetznerError(text.slice(prefix.length), { cause: e }) : e;
  }
}
