/**
 * KubeSpanMesh create/update (wait until every node sees every other node `up` with traffic, or fail
 * with the table of down links) and refresh (one look; an unreachable node keeps its last known row).
 */
import { DeadlineError, isError } from "../../internal/errors";
import { StepLogger, logLine } from "../../internal/log";
import { pollUntil } from "../../internal/poll";
import { MeshReport, analyzeMesh } from "./analyze";
import { meshProblem, reportText } from "./format";
import { observeMesh } from "./observe";
import { KubeSpanMeshError, MeshInputs, MeshOutputs } from "./types";
import { registerTalosconfigSecrets } from "../shared/talosconfig";
import { ClusterDeps } from "../shared/cluster-deps";

/** The resource id and log tag. */
export function meshId(i: MeshInputs): string {
  return `kubespan-mesh/${i.nodes.map((n) => n.name).join(",")}`;
}

const expected = (i: MeshInputs) => i.expectedPeers ?? i.nodes.length - 1;

async function look(i: MeshInputs, deps: ClusterDeps): Promise<MeshReport> {
  registerTalosconfigSecrets(i.talosconfig);
  const target = {
    endpoints: i.endpoints?.length ? i.endpoints : i.nodes.map((n) => n.address),
    talosconfig: i.talosconfig,
  };
  return analyzeMesh(await observeMesh(deps.talosctl(), i.nodes, target, expected(i)), expected(i));
}

function outputs(r: MeshReport, drift: string[]): Partial<MeshOutputs> {
  return { mesh: r.rows, downLinks: r.downLinks, healthy: r.healthy, table: reportText(r), drift };
}

/** Waits up to the deadline for the whole mesh; a config that disables KubeSpan or discovery fails at once. */
export async function verifyMesh(i: MeshInputs, deps: ClusterDeps): Promise<Partial<MeshOutputs>> {
  const log = new StepLogger(meshId(i), 2);
  const timeoutMs = (i.deadlineSeconds ?? 300) * 1000;
  log.step(`asking ${i.nodes.length} nodes for their KubeSpan identity, peer specs and peer statuses`);
  let report: MeshReport;
  try {
    report = await pollUntil(
      async () => {
        const r = await look(i, deps);
        if (r.healthy) return r;
        throw new KubeSpanMeshError(meshProblem(r), r.downLinks, r.permanent);
      },
      {
        what: "every KubeSpan peer to be up",
        timeoutMs,
        transient: (e) => isError(e, "KubeSpanMeshError") && !(e as KubeSpanMeshError).permanent,
        initialMs: 1000,
        factor: 1.5,
        maxMs: 10_000,
        sleep: deps.sleep,
        now: deps.now,
      },
    );
  } catch (e) {
    if (!isError(e, "DeadlineError") || !isError((e as DeadlineError).cause, "KubeSpanMeshError")) throw e;
    const last = (e as DeadlineError).cause as KubeSpanMeshError;
    throw new KubeSpanMeshError(
      `${last.message}\n(still not up after ${Math.round(timeoutMs / 1000)}s)`,
      last.downLinks,
      false,
    );
  }
  log.step(`mesh up: ${report.rows.length} nodes, each with ${expected(i)} peers up`);
  for (const line of reportText(report).split("\n")) log.info(line);
  return outputs(report, []);
}

/** One look; unreachable nodes keep the row they had, and every problem is listed as drift. */
export async function readMesh(p: MeshOutputs, deps: ClusterDeps): Promise<MeshOutputs> {
  const r = await look(p, deps);
  const unreachable = new Set(r.downLinks.filter((d) => d.state === "unreachable").map((d) => d.node));
  const rows = r.rows.map((row) =>
    unreachable.has(row.node) ? (p.mesh?.find((old) => old.node === row.node) ?? row) : row,
  );
  const drift = r.healthy ? [] : meshProblem(r).split("\n");
  for (const d of drift) logLine(`[${meshId(p)}] drift: ${d}`);
  return { ...p, ...outputs({ ...r, rows }, drift) } as MeshOutputs;
}
