/**
 * Numbered steps of a `TalosImage` build: each step is logged with the resource name
 * (`[talos] step 8/11: writing the image`) and a failure becomes a StepError naming the step.
 */
import { StepError } from "../internal/errors";
import { StepLogger } from "../internal/log";
import { explainCloudError } from "./talos-image-deps";

/** Steps of a create: look up, resolve the schematic, check the URL, take the lock, then the eight build steps. */
export const CREATE_STEPS = 12;

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
      throw new StepError(this.resource, `step ${this.n}/${this.total} (${title})`, explainCloudError(e));
    }
  }
}
