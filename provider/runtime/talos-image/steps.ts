/**
 * Numbered steps of a `TalosImage` build: each step is logged with the resource name
 * (`[talos] step 8/11: writing the image`) and a failure becomes a StepError naming the step.
 */
import { NumberedSteps } from "../shared/steps";
import { explainActionFailure, explainCloudUnavailable } from "../shared/failure-hints";
import { explainCloudError } from "./deps";

/** Steps of a create: look up, resolve the schematic, check the URL, take the lock, then the eight build steps. */
export const CREATE_STEPS = 12;

/** Runs the numbered steps of one operation. */
export class Steps extends NumberedSteps {
  constructor(resource: string, total: number) {
    super(resource, total, (e) => explainCloudUnavailable(explainActionFailure(explainCloudError(e))));
  }
}
