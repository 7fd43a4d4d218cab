/**
 * TalosBootstrap create/update as numbered steps: admin talosconfig → bootstrap etcd once (waiting
 * until the node accepts; AlreadyExists is success) → (update with a new `kubernetesVersion`:
 * talosctl upgrade-k8s) → cluster health with the explicit node lists → kubeconfig → etcd members
 * and the Kubernetes version. Once etcd is bootstrapped, a later failure is reported as a partial
 * resource so the engine keeps it and the next `pulumi up` resumes (bootstrap is then a no-op).
 */
import { StepLogger } from "../../internal/log";
import type { EtcdMember, NodeTarget } from "../../talos/talosctl";
import { PartialResourceError } from "../dispatch/errors";
import { ClusterClient, ClusterDeps } from "../shared/cluster-deps";
import { registerTalosconfigSecrets } from "../shared/talosconfig";
import { adminTalosconfig, expiresWithin, kubeconfigFacts } from "./credentials";
import { bootstrapEtcd } from "./etcd";
import { healthError, runHealth } from "./health";
import { k8sChange, runningK8sVersion, upgradeKubernetes } from "./k8s";
import {
  BootstrapInputs,
  BootstrapOutputs,
  EtcdMemberRow,
  deadlinesMs,
  endpointsOf,
  k8sUpgradeTimeoutMs,
} from "./types";

/** The resource id: one bootstrap per cluster. */
export function bootstrapId(i: BootstrapInputs): string {
  return `talos-bootstrap/${i.clusterName}`;
}

/** etcd members without the node column (the same for every node asked). */
export function memberRows(ms: EtcdMember[]): EtcdMemberRow[] {
  return ms.map((m) => ({
    id: m.id,
    hostname: m.hostname,
    peerUrls: m.peerUrls,
    clientUrls: m.clientUrls,
    learner: m.learner,
  }));
}

// An update keeps credentials that were issued for the same material and endpoints.
function reusableTalosconfig(i: BootstrapInputs, prev?: BootstrapOutputs): string | undefined {
  if (!prev?.talosconfig) return undefined;
  const same =
    prev.clusterName === i.clusterName &&
    prev.secretsYaml === i.secretsYaml &&
    prev.baseTalosconfig === i.baseTalosconfig &&
    JSON.stringify(endpointsOf(prev)) === JSON.stringify(endpointsOf(i));
  return same ? prev.talosconfig : undefined;
}

function reusableKubeconfig(i: BootstrapInputs, deps: ClusterDeps, prev?: BootstrapOutputs): string | undefined {
  if (!prev?.kubeconfig || !prev.kubeconfigExpiry || reusableTalosconfig(i, prev) === undefined) return undefined;
  return expiresWithin(prev.kubeconfigExpiry, i.kubeconfigRenewBeforeDays ?? 30, deps.now())
    ? undefined
    : prev.kubeconfig;
}

// Recorded version: the input; else the one recorded before; else the bootstrap node's kubelet image (left unset when that fails).
async function recordedK8sVersion(
  i: BootstrapInputs,
  t: ClusterClient,
  target: NodeTarget,
  log: StepLogger,
  prev?: BootstrapOutputs,
): Promise<string | undefined> {
  const known = i.kubernetesVersion ?? prev?.kubernetesVersion;
  if (known) return known;
  const v = await runningK8sVersion(t, target, (why) =>
    log.info(`Kubernetes version not recorded: cannot read it from ${target.node}'s kubelet image (${why})`),
  );
  if (v) log.info(`Kubernetes ${v} (kubelet image of ${target.node})`);
  return v;
}

/** Runs the steps; `prev` (update) lets still-valid credentials be kept and a changed `kubernetesVersion` run upgrade-k8s. */
export async function runBootstrap(
  i: BootstrapInputs,
  deps: ClusterDeps,
  prev?: BootstrapOutputs,
): Promise<Partial<BootstrapOutputs>> {
  const k8s = k8sChange(i, prev);
  registerTalosconfigSecrets(prev?.talosconfig);
  const log = new StepLogger(bootstrapId(i), k8s ? 6 : 5);
  const t = deps.talosctl();
  const ms = deadlinesMs(i);
  const endpoints = endpointsOf(i);
  log.step(`writing the admin talosconfig for endpoints ${endpoints.join(", ")}`);
  const talosconfig = reusableTalosconfig(i, prev) ?? (await adminTalosconfig(i, endpoints, t));
  const target = { node: i.bootstrapNode, endpoints, talosconfig };
  log.step(`bootstrapping etcd on ${i.bootstrapNode}`);
  const done = await bootstrapEtcd(target, ms.bootstrap, deps, (why) => log.info(`not yet: ${why}`));
  // Reported as it was at creation: an update (or a resumed partial create) always finds etcd bootstrapped.
  const alreadyBootstrapped = prev?.alreadyBootstrapped ?? done.alreadyBootstrapped;
  if (done.alreadyBootstrapped)
    log.info("etcd was already bootstrapped (AlreadyExists: etcd data directory is not empty); nothing to do");
  // A failed upgrade-k8s throws a plain error: the engine keeps the old state, so the next up retries it.
  if (k8s) await upgradeKubernetes(t, target, k8s, k8sUpgradeTimeoutMs(i), log, bootstrapId(i));
  const partial = (e: unknown, done: Partial<BootstrapOutputs>) =>
    new PartialResourceError(bootstrapId(i), { alreadyBootstrapped, ...done, drift: [(e as Error).message] }, e);
  const workers = i.workerNodes ?? [];
  log.step(
    `waiting for cluster health (${i.controlPlaneNodes.length} control-plane and ${workers.length} worker nodes, up to ${Math.round(ms.health / 1000)}s)`,
  );
  const health = await runHealth(t, {
    ...target,
    controlPlaneNodes: i.controlPlaneNodes,
    workerNodes: workers,
    waitMs: ms.health,
  }).catch((e) => {
    throw partial(e, {});
  });
  if (!health.healthy) throw partial(healthError(i.clusterName, health, ms.health), { health });
  log.step("fetching the admin kubeconfig");
  const kubeconfig =
    reusableKubeconfig(i, deps, prev) ??
    (await t.kubeconfig(target).catch((e) => {
      throw partial(e, { health });
    }));
  const facts = kubeconfigFacts(kubeconfig);
  log.step("reading etcd members and the Kubernetes version");
  const members = await t.etcdMembers(target).catch((e) => {
    throw partial(e, { health });
  });
  log.info(`etcd members: ${members.map((m) => m.hostname).join(", ")}; Kubernetes API ${facts.server}`);
  const kubernetesVersion = await recordedK8sVersion(i, t, target, log, prev);
  return {
    kubeconfig,
    talosconfig,
    etcdMembers: memberRows(members),
    kubernetesEndpoint: facts.server,
    health,
    alreadyBootstrapped,
    kubeconfigExpiry: facts.expiry,
    drift: [],
    ...(kubernetesVersion ? { kubernetesVersion } : {}),
  };
}
