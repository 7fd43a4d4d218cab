/**
 * An SSH session to a Hetzner rescue system (Robot dedicated server or Cloud server in rescue mode):
 * connect with retries until a deadline while the machine boots, check it really is the rescue
 * system, run scripts under `bash -c 'set -euo pipefail; …'` with streamed output, and start a
 * `reboot` whose dropped connection is the expected outcome.
 */
import { Client } from "ssh2";
import { DeadlineError, InputError } from "../internal/errors";
import { registerSecret } from "../internal/log";
import { pollUntil } from "../internal/poll";
import { BackoffOptions, Sleep } from "../internal/retry";
import { shellQuote } from "../internal/shell";
import { connectOnce, isTransientConnectError } from "./session-connect";
import { NotRescueError, RescueCommandError, RescueConnectionLostError, tailLines } from "./session-errors";
import { ExecOptions, ExecOutcome, execCommand } from "./session-exec";

export * from "./session-errors";

/** Options of `RescueSession.connect`. */
export interface RescueConnectOptions {
  /** The server's address. */
  host: string;
  /** @default 22 */
  port?: number;
  /** @default "root" (the only user of the rescue system) */
  username?: string;
  /** OpenSSH or PEM private key; tried before `password` when both are given. */
  privateKey?: string | Buffer;
  /** The rescue root password Robot/Cloud returned. */
  password?: string;
  /** How long to keep trying to connect, in ms (a rescue boot takes 3–5.5 min on Robot). */
  deadlineMs: number;
  /** Pin the host key ("SHA256:…"); without it the first key seen is recorded (trust on first use). */
  expectedHostKeyFingerprint?: string;
  /** Host keys the server may present ("SHA256:…" or MD5 colon hex, as Robot reports them); any one matches. */
  acceptedHostKeys?: string[];
  /** Time one attempt may take for TCP + handshake + authentication, in ms. @default 20000 */
  attemptTimeoutMs?: number;
  /** Waits between attempts. @default { initialMs: 1000, factor: 2, maxMs: 10000 } */
  backoff?: BackoffOptions;
  /** Pause before the first attempt: a rescue system that was just reset cannot answer sooner. @default 0 */
  firstWaitMs?: number;
  /** Injectable sleep for tests. */
  sleep?: Sleep;
  /** Injectable clock for tests. @default Date.now */
  now?: () => number;
}

/** Options of `run`: those of the underlying exec (lines, stdin, timeout — the script is always killed on timeout). */
export interface RunOptions extends Omit<ExecOptions, "killOnTimeout"> {
  /** What the script does, for errors ("writing image"). @default "command" */
  what?: string;
}

/** Output of a successful script. */
export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: 0;
}

/** The shell line that runs `script` with bash in strict mode (the login shell may be dash). */
export function bashCommand(script: string): string {
  return `bash -c ${shellQuote(`set -euo pipefail; ${script}`)}`;
}

/** An open SSH session to a rescue system. */
export class RescueSession {
  private lost = false;

  private constructor(
    private readonly client: Client,
    readonly target: string,
    readonly hostKeyFingerprint: string,
  ) {
    client.on("error", () => undefined); // surfaced through the running command's lost channel
    client.on("close", () => (this.lost = true));
  }

  /** Connects, retrying transient failures until `deadlineMs` has passed (then DeadlineError with the last failure). */
  static async connect(o: RescueConnectOptions): Promise<RescueSession> {
    if (!o.privateKey && !o.password)
      throw new InputError("privateKey", "a private key or a password is needed to log in to the rescue system");
    registerSecret(o.password, typeof o.privateKey === "string" ? o.privateKey : o.privateKey?.toString());
    const port = o.port ?? 22;
    const now = o.now ?? Date.now;
    const end = now() + o.deadlineMs;
    const attempt = () =>
      connectOnce({
        ...o,
        port,
        username: o.username ?? "root",
        timeoutMs: Math.max(1000, Math.min(o.attemptTimeoutMs ?? 20_000, end - now())),
      });
    const { client, hostKeyFingerprint } = await pollUntil(attempt, {
      what: `SSH to the rescue system on ${o.host}:${port}`,
      timeoutMs: o.deadlineMs,
      transient: isTransientConnectError,
      initialMs: 1000,
      factor: 2,
      maxMs: 10_000,
      ...o.backoff,
      sleep: o.sleep ?? o.backoff?.sleep,
      now,
      firstWaitMs: o.firstWaitMs,
    });
    return new RescueSession(client, `${o.host}:${port}`, hostKeyFingerprint);
  }

  /** Throws NotRescueError unless the hostname is `rescue` and /etc/motd or /etc/hetzner-build marks the Hetzner rescue system. */
  async verifyRescue(timeoutMs = 30_000): Promise<void> {
    const script =
      "hostname; if grep -qi 'hetzner rescue' /etc/motd 2>/dev/null || [ -e /etc/hetzner-build ]; then echo marker; else echo none; fi";
    const { stdout } = await this.run(script, { timeoutMs, what: "rescue check" });
    const [hostname = "", marker = ""] = stdout
      .trim()
      .split("\n")
      .map((l) => l.trim());
    if (hostname !== "rescue" || marker !== "marker") throw new NotRescueError(this.target, hostname);
  }

  /** Runs `script` under bash strict mode; throws RescueCommandError on a non-zero exit, RescueConnectionLostError when the connection drops. */
  async run(script: string, o: RunOptions): Promise<RunResult> {
    const what = o.what ?? "command";
    if (this.lost) throw new RescueConnectionLostError(this.target, what);
    const r = await execCommand(this.client, bashCommand(script), o);
    if (r.timedOut) throw new DeadlineError(`${what} on rescue ${this.target} to finish`, o.timeoutMs);
    if (r.lost) throw new RescueConnectionLostError(this.target, what);
    if (r.exitCode !== 0) throw this.failed(what, r);
    return { stdout: r.stdout, stderr: r.stderr, exitCode: 0 };
  }

  /**
   * Starts `script` (typically `reboot`) and returns once it has exited, the connection dropped (the
   * expected end of a reboot) or `waitMs` passed with it still running. A non-zero exit still throws.
   */
  async runDetached(script: string, o: { waitMs?: number; what?: string } = {}): Promise<void> {
    const what = o.what ?? "command";
    if (this.lost) throw new RescueConnectionLostError(this.target, what);
    const r = await execCommand(this.client, bashCommand(script), {
      timeoutMs: o.waitMs ?? 10_000,
      killOnTimeout: false,
    });
    if (!r.lost && !r.timedOut && r.exitCode !== 0) throw this.failed(what, r);
  }

  private failed(what: string, r: ExecOutcome): RescueCommandError {
    return new RescueCommandError({
      target: this.target,
      what,
      exitCode: r.exitCode,
      signal: r.signal,
      stderrTail: tailLines(r.stderr),
    });
  }

  /** Closes the connection (no-op when it is already gone). */
  async close(): Promise<void> {
    if (this.lost) return;
    const closed = new Promise<void>((resolve) => this.client.once("close", () => resolve()));
    this.client.end();
    await Promise.race([closed, new Promise<void>((resolve) => setTimeout(resolve, 5000).unref())]);
  }
}
