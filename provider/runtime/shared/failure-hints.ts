/**
 * What to do after the failures that used to surface raw (issue 16, item 7): a rescue SSH session
 * lost during a write, a download that ended early, a Cloud action that failed, Robot refusing a
 * rescue key it no longer knows. Each hint is appended to the error's own message (its class and
 * code stay, so callers still match them by name); the step wrapper adds the node and the step.
 */
import { errorMessage, isError } from "../../internal/errors";

const TRUNCATED = /premature end|unexpected end of (file|input)|curl: \((18|56)\)|Read error/i;

function withHint<E>(e: E, hint: string): E {
  if (e instanceof Error && !e.message.includes(hint)) e.message = `${e.message}\n${hint}`;
  return e;
}

/** Hints for a failed image write to `target` from `url`. */
export function explainWriteFailure(e: unknown, url: string, target: string): unknown {
  if (isError(e, "RescueConnectionLostError")) {
    return withHint(
      e,
      `what to do: ${target} now holds a partial image and the server is left in the rescue system (or off, if it lost power); run pulumi up again, which boots a fresh rescue system and writes the whole image again`,
    );
  }
  if (isError(e, "RescueCommandError") && TRUNCATED.test(errorMessage(e))) {
    return withHint(
      e,
      `what to do: the download of ${url} ended before the image was complete (a network or server problem; only ${target} was written); run pulumi up again to download it again, and if it keeps failing check that the URL serves the whole file`,
    );
  }
  return e;
}

/** Hints for Robot refusing to arm rescue with a key it does not know (two runs on one server sweep each other's keys). */
export function explainArmFailure(e: unknown, serverNumber: number): unknown {
  const err = e as { code?: string; invalid?: string[] };
  if (!isError(e, "RobotApiError") || err.code !== "INVALID_INPUT" || !err.invalid?.includes("authorized_key"))
    return e;
  return withHint(
    e,
    `what to do: Robot no longer knows the rescue key this run registered: another run for server ${serverNumber} (a second resource or stack on the same server) deleted it while cleaning up; make sure only one resource manages server ${serverNumber}, then run pulumi up again`,
  );
}

/** Hints for a Cloud request answered 5xx that the client does not retry (503 unavailable, 500). */
export function explainCloudUnavailable(e: unknown): unknown {
  if (!isError(e, "CloudApiError") || (e as { status?: number }).status! < 500) return e;
  return withHint(
    e,
    "what to do: Hetzner Cloud could not answer this request (a server-side error, not retried since it may not be safe to repeat); the run cleaned up what it created, so run pulumi up again, and check https://status.hetzner.com if it repeats",
  );
}

/** Hints for a Cloud action that ended in error (`action_failed` and friends). */
export function explainActionFailure(e: unknown): unknown {
  if (!isError(e, "ActionFailedError")) return e;
  return withHint(
    e,
    "what to do: Hetzner Cloud could not carry the action out (often capacity or a temporary platform problem); the run cleaned up what it created, so run pulumi up again, or pick another location or server type if it repeats",
  );
}
