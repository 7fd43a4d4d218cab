/**
 * Error classes for every failure kind the library reports. Match them by `name`
 * (`isError(e, "RobotApiError")`), never with `instanceof`: Pulumi may load a module twice.
 */

/** Base class: every library error has a stable `name`, a message and an optional cause. */
export class TalosHetznerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message);
    this.name = "TalosHetznerError";
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

/** A function argument or resource input is invalid; `field` names it. */
export class InputError extends TalosHetznerError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`[${field}] ${message}`);
    this.name = "InputError";
  }
}

/** A wait ran past its deadline; `what` says what was awaited. */
export class DeadlineError extends TalosHetznerError {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}`, options);
    this.name = "DeadlineError";
  }
}

/** A named step of a long operation failed; wraps the underlying error. */
export class StepError extends TalosHetznerError {
  constructor(
    readonly resource: string,
    readonly step: string,
    cause: unknown,
  ) {
    super(`[${resource}] ${step} failed: ${errorMessage(cause)}`, { cause });
    this.name = "StepError";
  }
}

/** A safety guard refused a destructive action (wrong disk, live node...). */
export class SafetyError extends TalosHetznerError {
  constructor(message: string) {
    super(message);
    this.name = "SafetyError";
  }
}

/** True when `e` is an Error whose `name` is one of `names`. */
export function isError(e: unknown, ...names: string[]): e is Error {
  return e instanceof Object && typeof (e as Error).name === "string" && names.includes((e as Error).name);
}

/** The message of anything thrown. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
