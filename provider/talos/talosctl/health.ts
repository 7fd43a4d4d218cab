/**
 * `talosctl health` with explicit node lists (contracts/talosctl.md §10): the progress lines on
 * stderr (`waiting for <check>: ...` / `: <last error>` / `: OK`) tell which check kept failing, which
 * the error alone would not, so a failed run is reported, not thrown, once any check ran.
 */
import type { RunOptions, Talosctl } from ".";
import { TalosApiError, errorFromRun, sanitize } from "./errors";
import type { RunOutput } from "./exec";
import { HealthOptions } from "./types";
import { seconds, target } from "./api";

/** One check as the progress lines show it. */
export interface CheckProgress {
  name: string;
  ok: boolean;
  /** The last error printed for it, or null. */
  lastError: string | null;
}

/** What the progress lines and the final error say. */
export interface HealthOutput {
  checks: CheckProgress[];
  /** Text after `healthcheck error: `, or null. */
  error: string | null;
}

/** Joins a multierror block (`N errors occurred:` + `\t* item` lines) into one line. */
export function flattenMultierror(text: string): string {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !/^\d+ errors? occurred:$/.test(l))
    .map((l) => l.replace(/^\* /, ""))
    .join("; ");
}

/** Parses the stderr of `talosctl health`; continuation lines belong to the line before them. */
export function parseHealthOutput(stderr: string): HealthOutput {
  const entries: string[] = [];
  for (const line of stderr.split("\n")) {
    if (/^(waiting for |discovered nodes: |healthcheck error: )/.test(line) || entries.length === 0) entries.push(line);
    else entries[entries.length - 1] += `\n${line}`;
  }
  const checks: CheckProgress[] = [];
  let error: string | null = null;
  for (const e of entries) {
    if (e.startsWith("healthcheck error: ")) {
      error = flattenMultierror(e.slice(19));
      continue;
    }
    const m = /^waiting for (.+?): ([\s\S]*)$/.exec(e);
    if (!m) continue;
    let c = checks.find((x) => x.name === m[1]);
    if (!c) checks.push((c = { name: m[1], ok: false, lastError: null }));
    const status = m[2].trim();
    if (status === "OK") c.ok = true;
    else if (status !== "...") c.lastError = flattenMultierror(status);
  }
  return { checks, error };
}

/** `health -n <node> [-e …] --wait-timeout <s> --control-plane-nodes … [--worker-nodes …]`. */
export function healthArgs(o: HealthOptions): string[] {
  const args = ["health", ...target(o), "--wait-timeout", seconds(o.waitTimeout)];
  if (o.controlPlanes.length) args.push("--control-plane-nodes", o.controlPlanes.join(","));
  if (o.workers.length) args.push("--worker-nodes", o.workers.join(","));
  return args;
}

/** One health run: talosctl's exit code, its progress lines and what they say. */
export interface HealthReport {
  exitCode: number | null;
  /** talosctl's stderr, where health prints its progress. */
  stderr: string;
  /** The stderr lines, unparsed. */
  lines: string[];
  output: HealthOutput;
}

/** What `healthReport` needs of talosctl (the Talosctl class; tests fake it). */
export interface HealthRunner {
  run(args: string[], o?: RunOptions): Promise<RunOutput>;
}

/**
 * Runs health; resolves with the report whether or not the checks passed, and throws (TalosApiError
 * or TalosctlError) only when no check ran at all. Only the final `healthcheck error:` names the
 * failure: progress lines may quote other nodes' errors.
 */
export async function healthReport(t: HealthRunner, o: HealthOptions): Promise<HealthReport> {
  const res = await t.run(healthArgs(o), {
    talosconfig: o.talosconfig,
    allowFailure: true,
    timeoutMs: o.waitTimeout + 60_000,
  });
  const output = parseHealthOutput(sanitize(res.stderr));
  if (res.exitCode !== 0 && output.checks.length === 0) throw healthFailure(o.node, res.exitCode, res.stderr);
  return { exitCode: res.exitCode, stderr: res.stderr, lines: res.stderr.split("\n").filter(Boolean), output };
}

/**
 * The real client prints a failed connection to the node it was asked about without naming it
 * (`rpc error: code = Unavailable …`, no `<node>: ` prefix): the error names that node itself.
 */
function healthFailure(node: string, exitCode: number | null, stderr: string): Error {
  const at = stderr.indexOf("healthcheck error: ");
  const e = errorFromRun("health", exitCode, at >= 0 ? stderr.slice(at) : stderr);
  if (e instanceof TalosApiError && e.node === null)
    return new TalosApiError("health", [{ ...e.failures[0], node }, ...e.failures.slice(1)]);
  return e;
}

/** Server-side `health` that must pass: its progress lines, or the error of the final `healthcheck error:`. */
export async function health(t: Talosctl, o: HealthOptions): Promise<string[]> {
  const r = await healthReport(t, o);
  if (r.exitCode !== 0) throw healthFailure(o.node, r.exitCode, r.stderr);
  return r.lines;
}
