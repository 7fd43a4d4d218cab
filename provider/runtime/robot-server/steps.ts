/**
 * Numbered steps of a long `RobotServer` operation: each step is logged with the resource name
 * (`[web-1] step 9/12: writing the image`) and a failure is wrapped in a StepError that names it.
 */
import { TalosHetznerError, errorMessage } from "../../internal/errors";
import { explainRobotError } from "./deps";
import { NumberedSteps } from "../shared/steps";

/** Runs the numbered steps of one operation. */
export class Steps extends NumberedSteps {
  constructor(resource: string, total: number) {
    super(resource, total, (e) => unlabelled(resource, explainRobotError(e)));
  }
}

// Helpers label their errors with the server too ("[web-1] refusing …"); once is enough.
function unlabelled(resource: string, e: unknown): unknown {
  const prefix = `[${resource}] `;
  const text = errorMessage(e);
  return text.startsWith(prefix) ? new TalosHetznerError(text.slice(prefix.length), { cause: e }) : e;
}
