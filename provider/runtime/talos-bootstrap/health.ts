/**
 * `talosctl health` with explicit node lists (contracts/talosctl.md §10): the progress lines on
 * stderr (`waiting for <check>: ...` / `: <last error>` / `: OK`) tell which check kept failing, which
 * the wrapper's error alone would not, so the run keeps them even when talosctl exits 1.
 */
import type { NodeTarget } from "../../talos/talosctl";
import { errorFromRun, sanitize } from "../../talos/talosctl";
import { ClusterClient } from "../shared/cluster-deps";
import { HealthCheckError, HealthSummary } from "./types";

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
  return text.split("\n").map((l) => l.trim()).filter((l) => l && !/^\d+ errors? occurred:$/.test(l)).map((l) => l.replace(/^\* /, "")).join("; ");
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
    if (e.startsWith("healthcheck error: ")) { error = flattenMultierror(e.slice(19)); continue; }
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

/** Options of one health run. */
export interface HealthRun extends NodeTarget {
  controlPlaneNodes: string[];
  workerNodes: string[];
  waitMs: number;
}

function args(o: HealthRun): string[] {
  const a = ["health", "-n", o.node, ...(o.endpoints?.length ? ["-e", o.endpoints.join(",")] : []), "--wait-timeout", `${Math.max(1, Math.ceil(o.waitMs / 1000))}s`];
  a.push("--control-plane-nodes", o.controlPlaneNodes.join(","));
  if (o.workerNodes.length) a.push("--worker-nodes", o.workerNodes.join(","));
  return a;
}

/** Runs health; resolves with the summary (healthy or not); throws only when talosctl could not run the check at all. */
export async function runHealth(t: ClusterClient, o: HealthRun): Promise<HealthSummary> {
  const res = await t.run(args(o), { talosconfig: o.talosconfig, allowFailure: true, timeoutMs: o.waitMs + 60_000 });
  const out = parseHealthOutput(sanitize(res.stderr));
  const base = { controlPlaneNodes: [...o.controlPlaneNodes], workerNodes: [...o.workerNodes], passed: out.checks.filter((c) => c.ok).map((c) => c.name) };
  if (res.exitCode === 0) return { ...base, healthy: true, failing: null, detail: null };
  if (out.checks.length === 0) throw errorFromRun("health", res.exitCode, res.stderr);
  const failing = out.checks.find((c) => !c.ok) ?? null;
  return { ...base, healthy: false, failing: failing?.name ?? null, detail: failing?.lastError ?? out.error };
}

/** The error for an unhealthy summary: names the failing check, its last error and what passed. */
export function healthError(cluster: string, s: HealthSummary, waitMs: number): HealthCheckError {
  const check = s.failing ? `check "${s.failing}" did not pass` : "the checks did not pass";
  const last = s.detail ? ` (last error: ${s.detail})` : " (no error was reported before the deadline)";
  const passed = s.passed.length ? `; passed: ${s.passed.join(", ")}` : "; no check passed";
  return new HealthCheckError(s.failing, s.detail, `[${cluster}] cluster health not reached within ${Math.round(waitMs / 1000)}s: ${check}${last}${passed}`);
}
