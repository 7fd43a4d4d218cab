/**
 * Numbered steps of a long operation: each step is logged with the resource name
 * (`[web-1] step 9/12: writing the image`) and a failure is wrapped in a StepError that names it.
 */
import { StepError } from "../../internal/errors";
import { StepLogger } from "../../internal/log";

/** Runs the numbered steps of one operation; `explain` turns a step's failure into the StepError's cause. */
export class NumberedSteps {
  readonly log: StepLogger;
  private n = 0;

  constructor(
    readonly resource: string,
    readonly total: number,
    private readonly explain: (e: unknown) => unknown,
  ) {
    this.log = new StepLogger(resource, total);
  }

  /** Runs step `title`; its failure becomes `[resource] step k/total (title) failed: <cause>`. */
  async run<T>(title: string, fn: () => Promise<T>): Promise<T> {
    this.n++;
    this.log.step(title);
    try {
      return await fn();
    } catch (e) {
      throw new StepError(this.resource, `step ${this.n}/${this.total} (${title})`, this.explain(e));
    }
  }
}
