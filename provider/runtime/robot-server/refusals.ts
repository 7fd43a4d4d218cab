/**
 * Robot refusals on the way into rescue that need their own handling (docs/contracts/robot-failures.md):
 * RESET_FAILED says Robot's reset service failed internally and the server was not reset, so the
 * same reset is sent again after a pause (at worst a server that is about to boot rescue anyway
 * restarts once more); BOOT_BLOCKED needs a person in Robot, so it becomes an error that says where.
 */
import { RobotClient, RobotResetType, robotErrorCode } from "../../hetzner/robot";
import { TalosHetznerError } from "../../internal/errors";
import { StepLogger } from "../../internal/log";

/** Attempts of one reset that Robot answers RESET_FAILED. */
export const RESET_ATTEMPTS = 3;

/** Robot could not reset the server (RESET_FAILED every time). */
export class ResetFailedError extends TalosHetznerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ResetFailedError";
  }
}

/** Robot refuses to arm rescue because another boot configuration holds the server. */
export class BootBlockedError extends TalosHetznerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "BootBlockedError";
  }
}

/** Sends one reset, sending it again after `pauseMs` while Robot answers RESET_FAILED. */
export async function resetWithRetry(
  robot: RobotClient,
  serverNumber: number,
  type: RobotResetType,
  o: { pauseMs: number; sleep: (ms: number) => Promise<void>; log: StepLogger },
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return void (await robot.reset.reset(serverNumber, type));
    } catch (e) {
      if (robotErrorCode(e) !== "RESET_FAILED") throw e;
      if (attempt >= RESET_ATTEMPTS) {
        throw new ResetFailedError(
          `Robot could not send reset ${type} to server ${serverNumber}: it answered RESET_FAILED (an internal error; the server was not reset) ${attempt} times; ` +
            "try again later, or reset the server from the Robot web interface and run again",
          { cause: e },
        );
      }
      o.log.warn(
        `Robot answered RESET_FAILED to reset ${type} (the server was not reset); sending it again in ${Math.round(o.pauseMs / 1000)}s (attempt ${attempt + 1} of ${RESET_ATTEMPTS})`,
      );
      await o.sleep(o.pauseMs);
    }
  }
}

/** Turns 409 BOOT_BLOCKED from arming rescue into an error that names the server and the fix. */
export function explainBootBlocked(e: unknown, serverNumber: number): unknown {
  if (robotErrorCode(e) !== "BOOT_BLOCKED") return e;
  return new BootBlockedError(
    `Robot refuses to arm the rescue system of server ${serverNumber} (BOOT_BLOCKED): another boot configuration ` +
      `(an installimage/Linux, VNC or Windows installation ordered in Robot) holds the server; cancel it under Servers → ${serverNumber} → Boot in Robot, then run again`,
    { cause: e },
  );
}
