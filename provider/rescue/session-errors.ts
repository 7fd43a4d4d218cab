/** Errors of the rescue SSH session; match them with `isError(e, "RescueCommandError")`. None carries a password or key. */
import { TalosHetznerError } from "../internal/errors";
import { maskSecrets } from "../internal/log";

/** One SSH connection attempt failed (refused, timed out, authentication, handshake); `transient` says whether retrying may help. */
export class RescueConnectError extends TalosHetznerError {
  constructor(
    readonly target: string,
    readonly reason: string,
    readonly transient: boolean,
    options?: { cause?: unknown },
  ) {
    super(`SSH to rescue ${target} failed: ${reason}`, options);
    this.name = "RescueConnectError";
  }
}

/** The server's host key is not the pinned one (the old OS still answering, or someone else). */
export class HostKeyMismatchError extends TalosHetznerError {
  constructor(
    readonly target: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`SSH host key of ${target} is ${actual}, expected ${expected}`);
    this.name = "HostKeyMismatchError";
  }
}

/** The host answered SSH but is not running the Hetzner rescue system. */
export class NotRescueError extends TalosHetznerError {
  constructor(
    readonly target: string,
    readonly hostname: string,
  ) {
    super(
      `${target} is not in the Hetzner rescue system: hostname is "${hostname}" and neither /etc/motd nor /etc/hetzner-build marks a rescue system`,
    );
    this.name = "NotRescueError";
  }
}

/** How a rescue command ended when it failed. */
export interface CommandFailure {
  target: string;
  /** What the command was for ("writing image"), never the command text (it may hold URLs with tokens). */
  what: string;
  /** Exit code, or null when a signal ended it. */
  exitCode: number | null;
  signal: string | null;
  /** The last lines of its stderr (at most 20), registered secrets masked. */
  stderrTail: string[];
}

/** A rescue command exited non-zero or was killed by a signal; carries the exit code and the end of its stderr. */
export class RescueCommandError extends TalosHetznerError {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stderrTail: string[];
  readonly target: string;

  constructor(f: CommandFailure) {
    const how = f.signal ? `was killed by signal ${f.signal}` : `exited with code ${f.exitCode}`;
    const tail = f.stderrTail.length ? `:\n${f.stderrTail.join("\n")}` : " (no stderr)";
    super(`${f.what} on rescue ${f.target} ${how}${tail}`);
    this.name = "RescueCommandError";
    this.exitCode = f.exitCode;
    this.signal = f.signal;
    this.stderrTail = f.stderrTail;
    this.target = f.target;
  }
}

/** The SSH connection ended while a command ran, before it reported an exit status (e.g. a network drop during dd). */
export class RescueConnectionLostError extends TalosHetznerError {
  constructor(
    readonly target: string,
    readonly what: string,
  ) {
    super(`SSH connection to rescue ${target} was lost during ${what} (no exit status received)`);
    this.name = "RescueConnectionLostError";
  }
}

/** The last `n` non-empty lines of `text`, with registered secrets masked. */
export function tailLines(text: string, n = 20): string[] {
  return maskSecrets(text)
    .split("\n")
    .map((l) => l.replace(/\r$/, ""))
    .filter((l) => l.trim() !== "")
    .slice(-n);
}
