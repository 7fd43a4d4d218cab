/**
 * Runs one command on an SSH connection: streams stdout/stderr (whole lines to a callback, bounded
 * copies kept), feeds stdin (text, bytes or a stream such as a local image file), and reports how it
 * ended — exit code, signal, or a connection that went away first.
 */
import { Readable } from "stream";
import { StringDecoder } from "string_decoder";
import { Client, ClientChannel } from "ssh2";

/** Which stream a line came from. */
export type StreamName = "stdout" | "stderr";

/** Options of `execCommand`. */
export interface ExecOptions {
  onLine?: (line: string, stream: StreamName) => void;
  stdin?: string | Buffer | Readable;
  /** How long to wait for the command, in ms. */
  timeoutMs: number;
  /** Kill the command when the wait times out. @default true */
  killOnTimeout?: boolean;
}

/** How a command ended. */
export interface ExecOutcome {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: string | null;
  /** True when the channel closed without an exit status (connection lost or server gone). */
  lost: boolean;
  /** True when `timeoutMs` passed first (the rest of the fields are what arrived until then). */
  timedOut: boolean;
}

/** Largest amount of each stream kept in the outcome; the rest still reaches `onLine`. */
export const MAX_CAPTURE = 16 * 2 ** 20;

/** Starts `command` and resolves when its channel closes or `timeoutMs` passes; never rejects. */
export function execCommand(client: Client, command: string, o: ExecOptions): Promise<ExecOutcome> {
  return new Promise((resolve) => {
    client.exec(command, (err, ch) => {
      if (err)
        return resolve({ stdout: "", stderr: err.message, exitCode: null, signal: null, lost: true, timedOut: false });
      const out = collector("stdout", o.onLine);
      const errs = collector("stderr", o.onLine);
      let status: { code: number | null; signal: string | null } | null = null;
      const finish = (lost: boolean, timedOut: boolean) => {
        clearTimeout(timer);
        const s = status as { code: number | null; signal: string | null } | null;
        resolve({
          stdout: out.end(),
          stderr: errs.end(),
          exitCode: s?.code ?? null,
          signal: s?.signal ?? null,
          lost,
          timedOut,
        });
      };
      const timer = setTimeout(() => {
        finish(false, true);
        if (o.killOnTimeout === false) return;
        ch.signal("KILL");
        ch.close();
      }, o.timeoutMs);
      ch.on("data", (c: Buffer) => out.push(c));
      ch.stderr.on("data", (c: Buffer) => errs.push(c));
      ch.on(
        "exit",
        (code: number | null, signal?: string) => (status = { code: code ?? null, signal: signal ?? null }),
      );
      ch.on("close", () => finish(status === null, false));
      feed(ch, o.stdin);
    });
  });
}

function feed(ch: ClientChannel, stdin: ExecOptions["stdin"]): void {
  ch.on("error", () => undefined); // a command that exits early closes its stdin under us
  if (stdin instanceof Readable) stdin.pipe(ch);
  else ch.end(stdin);
}

function collector(stream: StreamName, onLine?: (line: string, s: StreamName) => void) {
  let kept = "";
  let partial = "";
  const decoder = new StringDecoder("utf8"); // a chunk may end inside a multi-byte character
  return {
    push(chunk: Buffer) {
      const text = decoder.write(chunk);
      if (kept.length < MAX_CAPTURE) kept += text.slice(0, MAX_CAPTURE - kept.length);
      if (!onLine) return;
      const lines = (partial + text).split("\n");
      partial = lines.pop() ?? "";
      for (const l of lines) onLine(l.replace(/\r$/, ""), stream);
    },
    end(): string {
      partial += decoder.end();
      if (onLine && partial) onLine(partial, stream);
      partial = "";
      return kept;
    },
  };
}
