/**
 * The Kubernetes/Talos support matrix a node enforces (v1.11+, v1alpha1 `RuntimeValidate` →
 * `ValidateKubernetesImageTag` → compatibility.KubernetesVersion.SupportedWith), and the host-version
 * limit an installer enforces on upgrade (cmd/installer preflight → TalosVersion.UpgradeableFrom).
 * Bounds come from releases.ts (Talos's own tables), never from the library.
 */
import { MachineConfig, at } from "../config-docs";
import { TalosVersion, atLeast, parseVersion } from "../versions";
import { minorBounds } from "../releases";

type Triple = [number, number, number];

function triple(v: string): Triple | null {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

function cmp(a: Triple, b: Triple): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

const plain = (v: TalosVersion) => `${v.major}.${v.minor}.${v.patch}`;

/** SupportedWith's texts for one image reference (the tag after the last `:v`), null when supported. */
function imageProblem(ref: string, talos: TalosVersion): string | null {
  const idx = ref.lastIndexOf(":v");
  if (idx < 0)
    return `failed to parse Kubernetes version from image reference ${JSON.stringify(ref)}: invalid image reference: ${JSON.stringify(ref)}`;
  const text = ref.slice(idx + 2).split("@")[0];
  const k = triple(text);
  const b = minorBounds(talos.minor);
  if (!k)
    return `failed to parse Kubernetes version from image reference ${JSON.stringify(ref)}: Invalid character(s) found in major number ${JSON.stringify(text)}`;
  if (!b || talos.major !== 1) return `compatibility with version ${plain(talos)} is not supported`;
  const shown = `${k[0]}.${k[1]}.${k[2]}`;
  if (cmp(k, triple(b.minKubernetes)!) < 0)
    return `version of Kubernetes ${shown} is too old to be used with Talos ${plain(talos)}`;
  if (cmp(k, triple(b.maxKubernetes)!) >= 0)
    return `version of Kubernetes ${shown} is too new to be used with Talos ${plain(talos)}`;
  return null;
}

/**
 * The runtime-validation errors of the config's explicit Kubernetes images on a node running `talos`
 * (unset images default to the node's own version, always supported); none before v1.11.
 */
export function kubernetesImageProblems(cfg: MachineConfig, talos: TalosVersion): string[] {
  if (!atLeast(talos, 1, 11) || !cfg.v1alpha1) return [];
  const images: [string, string][] = [["kubelet", "machine.kubelet.image"]];
  const type = at(cfg.v1alpha1, "machine.type");
  if ((type === "controlplane" || type === "init") && at(cfg.v1alpha1, "cluster") !== undefined) {
    images.push(
      ["kube-apiserver", "cluster.apiServer.image"],
      ["kube-controller-manager", "cluster.controllerManager.image"],
      ["kube-scheduler", "cluster.scheduler.image"],
    );
  }
  const out: string[] = [];
  for (const [name, path] of images) {
    const ref = at(cfg.v1alpha1, path);
    const problem = typeof ref === "string" && ref !== "" ? imageProblem(ref, talos) : null;
    if (problem) out.push(`${name} image is not valid: ${problem}`);
  }
  return out;
}

/** UpgradeableFrom's refusal of installing `target` over a node running `host`, null when allowed. */
export function upgradeProblem(host: TalosVersion, targetTag: string): string | null {
  const target = parseVersion(targetTag);
  const b = target && target.major === 1 ? minorBounds(target.minor) : undefined;
  if (!target || !b) return `upgrades to version ${targetTag.replace(/^v/, "")} are not supported`;
  const h: Triple = [host.major, host.minor, host.patch];
  if (cmp(h, triple(b.minHostUpgrade)!) < 0)
    return `host version ${plain(host)} is too old to upgrade to Talos ${plain(target)}`;
  if (cmp(h, triple(b.maxHostDowngrade)!) >= 0)
    return `host version ${plain(host)} is too new to downgrade to Talos ${plain(target)}`;
  return null;
}
