/**
 * TalosBootstrap refresh: a bounded health re-check, fresh etcd members, and a new kubeconfig when
 * the client certificate is about to expire. A node that cannot be reached never fails the refresh:
 * the last known values stay and `drift` says what could not be checked.
 */
import { errorMessage } from "../../internal/errors";
import { logLine } from "../../internal/log";
import { ClusterDeps } from "../shared/cluster-deps";
import { registerTalosconfigSecrets } from "../shared/talosconfig";
import { expiresWithin, kubeconfigFacts } from "./credentials";
import { runHealth } from "./health";
import { bootstrapId, memberRows } from "./run";
import { BootstrapOutputs, HealthSummary, deadlinesMs, endpointsOf } from "./types";

type Target = { node: string; endpoints: string[]; talosconfig: string };

async function refreshHealth(
  p: BootstrapOutputs,
  target: Target,
  deps: ClusterDeps,
  drift: string[],
): Promise<HealthSummary> {
  const workers = p.workerNodes ?? [];
  try {
    const h = await runHealth(deps.talosctl(), {
      ...target,
      controlPlaneNodes: p.controlPlaneNodes,
      workerNodes: workers,
      waitMs: deadlinesMs(p).refreshHealth,
    });
    if (!h.healthy) drift.push(`health: check "${h.failing}" is failing: ${h.detail ?? "no error reported"}`);
    return h;
  } catch (e) {
    drift.push(`health could not be checked: ${errorMessage(e)}`);
    return {
      healthy: false,
      passed: [],
      failing: null,
      detail: errorMessage(e),
      controlPlaneNodes: [...p.controlPlaneNodes],
      workerNodes: [...workers],
    };
  }
}

async function refreshKubeconfig(
  p: BootstrapOutputs,
  target: Target,
  deps: ClusterDeps,
  drift: string[],
): Promise<Partial<BootstrapOutputs>> {
  const days = p.kubeconfigRenewBeforeDays ?? 30;
  if (p.kubeconfig) kubeconfigFacts(p.kubeconfig);
  if (p.kubeconfigExpiry && !expiresWithin(p.kubeconfigExpiry, days, deps.now())) return {};
  try {
    const kubeconfig = await deps.talosctl().kubeconfig(target);
    const facts = kubeconfigFacts(kubeconfig);
    logLine(
      `[${bootstrapId(p)}] renewed the kubeconfig: its client certificate expired ${p.kubeconfigExpiry ?? "(unknown)"}, within ${days} days; the new one expires ${facts.expiry}`,
    );
    return { kubeconfig, kubeconfigExpiry: facts.expiry, kubernetesEndpoint: facts.server };
  } catch (e) {
    drift.push(
      `kubeconfig expires ${p.kubeconfigExpiry} (within ${days} days) and could not be renewed: ${errorMessage(e)}`,
    );
    return {};
  }
}

/** The refreshed outputs; never throws for an unreachable or unhealthy cluster. */
export async function readBootstrap(p: BootstrapOutputs, deps: ClusterDeps): Promise<BootstrapOutputs> {
  registerTalosconfigSecrets(p.talosconfig);
  const drift: string[] = [];
  const target = { node: p.bootstrapNode, endpoints: endpointsOf(p), talosconfig: p.talosconfig };
  const health = await refreshHealth(p, target, deps, drift);
  let etcdMembers = p.etcdMembers;
  try {
    etcdMembers = memberRows(await deps.talosctl().etcdMembers(target));
  } catch (e) {
    drift.push(`etcd members could not be read: ${errorMessage(e)}`);
  }
  const renewed = await refreshKubeconfig(p, target, deps, drift);
  for (const d of drift) logLine(`[${bootstrapId(p)}] drift: ${d}`);
  return { ...p, health, etcdMembers, ...renewed, drift };
}
