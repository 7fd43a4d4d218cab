/**
 * Robot error bodies, exactly as the webservice sends them:
 * `{"error":{"status":404,"code":"BOOT_NOT_AVAILABLE","message":"…"}}` (contracts/hetzner-robot.md §1).
 */

/** Extra members some error codes carry (INVALID_INPUT, RATE_LIMIT_EXCEEDED). */
export interface RobotErrorExtra {
  missing?: string[] | null;
  invalid?: string[] | null;
  interval?: number;
  max_requests?: number;
}

/** Thrown by handlers; the router turns it into the error body and status. */
export class RobotSimError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: RobotErrorExtra = {},
  ) {
    super(message);
    this.name = "RobotSimError";
  }

  /** The wire body of this error. */
  body(): { error: Record<string, unknown> } {
    return { error: { status: this.status, code: this.code, message: this.message, ...this.extra } };
  }
}

/** 400 INVALID_INPUT naming missing and invalid fields; both are null when empty, like the real service. */
export function invalidInput(missing: string[], invalid: string[]): RobotSimError {
  return new RobotSimError(400, "INVALID_INPUT", "invalid input", {
    missing: missing.length ? missing : null,
    invalid: invalid.length ? invalid : null,
  });
}

/** 404 SERVER_NOT_FOUND. */
export function serverNotFound(): RobotSimError {
  return new RobotSimError(404, "SERVER_NOT_FOUND", "server not found");
}

/** 404 NOT_FOUND with a message saying what is missing. */
export function notFound(message: string): RobotSimError {
  return new RobotSimError(404, "NOT_FOUND", message);
}

/** 401 UNAUTHORIZED (fixtures/robot/error-unauthorized.json). */
export const UNAUTHORIZED = new RobotSimError(401, "UNAUTHORIZED", "Unauthorized");
