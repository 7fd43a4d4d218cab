/**
 * Kubernetes upgrades of `TalosBootstrap` (issue #9 item 3): `talosctl upgrade-k8s --from --to` once
 * on the bootstrap node (contracts/talosctl.md §14: single node; progress on stdout; components
 * already at the target are skipped, so a re-run after a failure simply retries), and reading the
 * version the cluster runs from the bootstrap node's kubelet image.
 */
import { StepError, TalosHetznerError, errorMessage } from "../../internal/errors";
import { StepLogger } from "../../internal/log";
import type { NodeTarget } from "../../talos/talosctl";
import { ClusterClient } from "../shared/cluster-deps";
import { kubeletVersionOf } from "./k8s-version";
import { BootstrapInputs, BootstrapOutputs } from "./types";

/** The talosctl in use lacks a method the Kubernetes upgrade needs (a wrapper older than issue #9). */
export class TalosctlMissingMethodError extends TalosHetznerError {
  constructor(readonly method: string) {
    super(
      `the talosctl wrapper in use has no ${method}(): Kubernetes upgrades need the issue #9 wrapper (Talosctl.${method})`,
    );
    this.name = "TalosctlMissingMethodError";
  }
}

/** `t.upgradeK8s`, or a TalosctlMissingMethodError. */
export function upgradeK8sOf(t: ClusterClient): NonNullable<ClusterClient["upgradeK8s"]> {
  if (!t.upgradeK8s) throw new TalosctlMissingMethodError("upgradeK8s");
  return t.upgradeK8s.bind(t);
}

/** The Kubernetes upgrade an update has to run: `from` is the recorded version (undefined: talosctl detects it). */
export interface K8sChange {
  from?: string;
  to: string;
}

/** The upgrade when the input sets a version other than the recorded one; undefined otherwise (an unset input keeps the cluster as it is). */
export function k8sChange(
  i: Pick<BootstrapInputs, "kubernetesVersion">,
  prev?: Pick<BootstrapOutputs, "kubernetesVersion">,
): K8sChange | undefined {
  const to = i.kubernetesVersion;
  if (!to || !prev || prev.kubernetesVersion === to) return undefined;
  return { from: prev.kubernetesVersion, to };
}

/** Human text of a change: `1.35.0 → 1.36.0` (`the running version → 1.36.0` when the old one is unknown). */
export function describeChange(c: K8sChange): string {
  return `${c.from ?? "the running version"} → ${c.to}`;
}

/** Runs `upgrade-k8s` on the bootstrap node with a deadline; re-logs its progress lines; failure → StepError naming the step. */
export async function upgradeKubernetes(
  t: ClusterClient,
  target: NodeTarget,
  c: K8sChange,
  timeoutMs: number,
  log: StepLogger,
  resource: string,
): Promise<void> {
  const title = log.step(
    `upgrading Kubernetes ${describeChange(c)} with talosctl upgrade-k8s on ${target.node} (up to ${Math.round(timeoutMs / 1000)}s)`,
  );
  let lines: string[];
  try {
    lines = await upgradeK8sOf(t)({ ...target, ...(c.from ? { from: c.from } : {}), to: c.to, timeoutMs });
  } catch (e) {
    throw new StepError(resource, title, e);
  }
  for (const l of lines) if (l.trim()) log.info(l.replace(/\s+$/, ""));
}

/** The Kubernetes version the node's active config runs (kubelet image tag); undefined when it cannot be learned. */
export async function runningK8sVersion(
  t: ClusterClient,
  target: NodeTarget,
  onMiss?: (why: string) => void,
): Promise<string | undefined> {
  if (!t.getResources) return void onMiss?.("the talosctl client cannot read resources");
  try {
    const found = await t.getResources("machineconfig", { ...target, id: "v1alpha1" });
    const v = found.length ? kubeletVersionOf(found[0].spec) : undefined;
    if (!v)
      onMiss?.(
        found.length ? "its machine config has no versioned machine.kubelet.image" : "it has no active machine config",
      );
    return v;
  } catch (e) {
    return void onMiss?.(errorMessage(e));
  }
}
