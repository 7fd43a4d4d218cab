/**
 * TalosBootstrap's cluster health: talos/talosctl/health.ts runs `talosctl health` and parses its
 * progress lines; this turns the report into the resource's HealthSummary and its error.
 */
import type { NodeTarget } from "../../talos/talosctl";
import { healthReport } from "../../talos/talosctl";
import { ClusterClient } from "../shared/cluster-deps";
import { HealthCheckError, HealthSummary } from "./types";

/** Options of one health run. */
export interface HealthRun extends NodeTarget {
  controlPlaneNodes: string[];
  workerNodes: string[];
  waitMs: number;
}

/** Runs health; resolves with the summary (healthy or not); throws only when talosctl could not run the check at all. */
export async function runHealth(t: ClusterClient, o: HealthRun): Promise<HealthSummary> {
  const r = await healthReport(t, {
    node: o.node,
    endpoints: o.endpoints,
    talosconfig: o.talosconfig,
    controlPlanes: o.controlPlaneNodes,
    workers: o.workerNodes,
    waitTimeout: o.waitMs,
  });
  const base = {
    controlPlaneNodes: [...o.controlPlaneNodes],
    workerNodes: [...o.workerNodes],
    passed: r.output.checks.filter((c) => c.ok).map((c) => c.name),
  };
  if (r.exitCode === 0) return { ...base, healthy: true, failing: null, detail: null };
  const failing = r.output.checks.find((c) => !c.ok) ?? null;
  return { ...base, healthy: false, failing: failing?.name ?? null, detail: failing?.lastError ?? r.output.error };
}

/** The error for an unhealthy summary: names the failing check, its last error and what passed. */
export function healthError(cluster: string, s: HealthSummary, waitMs: number): HealthCheckError {
  const check = s.failing ? `check "${s.failing}" did not pass` : "the checks did not pass";
  const last = s.detail ? ` (last error: ${s.detail})` : " (no error was reported before the deadline)";
  const passed = s.passed.length ? `; passed: ${s.passed.join(", ")}` : "; no check passed";
  return new HealthCheckError(
    s.failing,
    s.detail,
    `[${cluster}] cluster health not reached within ${Math.round(waitMs / 1000)}s: ${check}${last}${passed}`,
  );
}
