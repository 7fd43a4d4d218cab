/**
 * Typed Robot errors. Match them by name: `isError(e, "RobotApiError") && e.code === "BOOT_NOT_AVAILABLE"`.
 * Messages carry method, path, code and status, never credentials.
 */
import { TalosHetznerError, errorMessage, isError } from "../../internal/errors";

/** The fields of a Robot error body (`{"error":{…}}`). */
export interface RobotErrorBody {
  status: number;
  code: string;
  message: string;
  missing?: string[] | null;
  invalid?: string[] | null;
  interval?: number;
  /** The doc's spelling. */
  max_request?: number;
  /** The live API's spelling per hrobot-rs errata. */
  max_requests?: number;
}

/** The webservice answered with an error body (or a non-JSON error page). */
export class RobotApiError extends TalosHetznerError {
  readonly status: number;
  readonly code: string;
  /** Robot's own message text. */
  readonly apiMessage: string;
  readonly missing: string[];
  readonly invalid: string[];
  /** RATE_LIMIT_EXCEEDED: the bucket window in seconds. */
  readonly interval?: number;
  /** RATE_LIMIT_EXCEEDED: requests allowed per window (read from `max_request` or `max_requests`). */
  readonly maxRequests?: number;

  constructor(
    readonly method: string,
    readonly path: string,
    body: RobotErrorBody,
    options: { note?: string; cause?: unknown } = {},
  ) {
    const note = options.note ? `; ${options.note}` : "";
    super(`Robot ${method} ${path} failed: ${body.code} (${body.status}): ${body.message}${fieldList(body)}${note}`, {
      cause: options.cause,
    });
    this.name = "RobotApiError";
    this.status = body.status;
    this.code = body.code;
    this.apiMessage = body.message;
    this.missing = body.missing ?? [];
    this.invalid = body.invalid ?? [];
    this.interval = body.interval;
    this.maxRequests = body.max_requests ?? body.max_request;
  }
}

/** The request never got an answer (connection refused, reset, timeout). */
export class RobotNetworkError extends TalosHetznerError {
  constructor(
    readonly method: string,
    readonly path: string,
    cause: unknown,
    note?: string,
  ) {
    super(`Robot ${method} ${path} failed: no response: ${describeCause(cause)}${note ? `; ${note}` : ""}`, { cause });
    this.name = "RobotNetworkError";
  }
}

/** Reads an error response into a RobotApiError; a body that is not Robot's JSON keeps its status as `HTTP_<status>`. */
export function robotErrorFromResponse(method: string, path: string, status: number, text: string): RobotApiError {
  let error: Partial<RobotErrorBody> | undefined;
  try {
    error = (JSON.parse(text) as { error?: Partial<RobotErrorBody> }).error;
  } catch {
    error = undefined;
  }
  if (!error || typeof error.code !== "string") {
    return new RobotApiError(
      method,
      path,
      { status, code: `HTTP_${status}`, message: text.trim().slice(0, 200) || "(empty body)" },
      { note: noteFor(status, undefined) },
    );
  }
  return new RobotApiError(
    method,
    path,
    { ...error, status, code: error.code, message: String(error.message ?? "") },
    { note: noteFor(status, error.code) },
  );
}

/** What to do about the answers a user cannot act on from Robot's text alone. */
function noteFor(status: number, code: string | undefined): string | undefined {
  // A 403 without Robot's JSON body is the login block, not RATE_LIMIT_EXCEEDED (contracts/hetzner-robot.md §1).
  if (status === 403 && code === undefined)
    return "Robot blocks an IP for 10 minutes after 3 failed logins: check the webservice user and password (talos-hetzner:robotUser/robotPassword or HETZNER_ROBOT_USER/HETZNER_ROBOT_PASSWORD), wait 10 minutes, then run again";
  if (status === 503)
    return "the Robot webservice is in maintenance and processed nothing; run again once it is over (https://status.hetzner.com)";
  return undefined;
}

/** The Robot error code of `e`, if it is a RobotApiError. */
export function robotErrorCode(e: unknown): string | undefined {
  return isError(e, "RobotApiError") ? (e as RobotApiError).code : undefined;
}

/** Resolves to undefined instead of rejecting when the error is a RobotApiError with one of `codes`. */
export async function absentOn<T>(request: Promise<T>, ...codes: string[]): Promise<T | undefined> {
  try {
    return await request;
  } catch (e) {
    if (codes.includes(robotErrorCode(e) ?? "")) return undefined;
    throw e;
  }
}

function fieldList(body: RobotErrorBody): string {
  const parts = [
    body.missing?.length ? `missing: ${body.missing.join(", ")}` : "",
    body.invalid?.length ? `invalid: ${body.invalid.join(", ")}` : "",
  ];
  const text = parts.filter(Boolean).join("; ");
  return text ? ` (${text})` : "";
}

function describeCause(cause: unknown): string {
  // undici reports "fetch failed" and hides the reason (ECONNREFUSED, …) in its own cause.
  const inner = (cause as { cause?: unknown })?.cause;
  return inner === undefined ? errorMessage(cause) : `${errorMessage(cause)}: ${errorMessage(inner)}`;
}

/** Robot answered, but the state is not what the operation needs (a firewall that settled as disabled). */
export class RobotStateError extends TalosHetznerError {
  constructor(message: string) {
    super(message);
    this.name = "RobotStateError";
  }
}
