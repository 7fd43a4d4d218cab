/** Progress logging: numbered steps with the resource name, never a secret. */

/** Where log lines go; Pulumi's `log.info` in a provider, a collector in tests. */
export type LogSink = (line: string) => void;

let sink: LogSink = (line) => process.stderr.write(line + "\n");
const secrets = new Set<string>();

/** Replaces the global sink (tests collect lines; providers route to Pulumi). Returns the previous one. */
export function setLogSink(next: LogSink): LogSink {
  const prev = sink;
  sink = next;
  return prev;
}

/** Registers values that must never be printed; any line containing one is masked. */
export function registerSecret(...values: (string | undefined | null)[]): void {
  for (const v of values) if (v && v.length >= 4) secrets.add(v);
}

/** Masks every registered secret in a text. */
export function maskSecrets(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join("[secret]");
  return out;
}

/** Writes one line through the sink, masking secrets. */
export function logLine(line: string): void {
  sink(maskSecrets(line));
}

/** Logger for one long operation of one resource: `[cp-1] step 4/9: writing image`. */
export class StepLogger {
  private current = 0;
  constructor(
    readonly resource: string,
    readonly totalSteps: number,
  ) {}

  /** Starts the next numbered step; returns its title for error messages. */
  step(title: string): string {
    this.current++;
    logLine(`[${this.resource}] step ${this.current}/${this.totalSteps}: ${title}`);
    return title;
  }

  /** A detail line under the current step. */
  info(text: string): void {
    logLine(`[${this.resource}]   ${text}`);
  }

  /** A cleanup line (temporary resources removed or left behind). */
  cleanup(text: string): void {
    logLine(`[${this.resource}] Cleanup: ${text}`);
  }

  /** A warning line. */
  warn(text: string): void {
    logLine(`[${this.resource}] WARNING: ${text}`);
  }
}
