/**
 * Talos's support matrix, so that previews refuse what nodes would refuse: the Kubernetes versions a
 * Talos minor runs (enforced at apply from v1.11, `ValidateKubernetesImageTag`) and the host versions
 * its installer upgrades from (`UpgradeableFrom`, pre-flight of every upgrade). Bounds as in
 * pkg/machinery/compatibility/talos1NN/talos1NN.go of the Talos source; the Kubernetes maximum is
 * exclusive (`1.36.99` admits every 1.36 patch).
 */
import { compareTalosVersions, parseTalosVersion } from "./versions";

interface Bounds {
  minHost: string;
  maxHostExclusive: string;
  minK8s: string;
  maxK8sExclusive: string;
}

const BOUNDS: Record<number, Bounds> = {
  6: { minHost: "v1.3.0", maxHostExclusive: "v1.8.0", minK8s: "1.24.0", maxK8sExclusive: "1.29.99" },
  7: { minHost: "v1.4.0", maxHostExclusive: "v1.9.0", minK8s: "1.25.0", maxK8sExclusive: "1.30.99" },
  8: { minHost: "v1.5.0", maxHostExclusive: "v1.10.0", minK8s: "1.26.0", maxK8sExclusive: "1.31.99" },
  9: { minHost: "v1.8.0", maxHostExclusive: "v1.11.0", minK8s: "1.27.0", maxK8sExclusive: "1.32.99" },
  10: { minHost: "v1.8.0", maxHostExclusive: "v1.12.0", minK8s: "1.28.0", maxK8sExclusive: "1.33.99" },
  11: { minHost: "v1.9.0", maxHostExclusive: "v1.13.0", minK8s: "1.29.0", maxK8sExclusive: "1.34.99" },
  12: { minHost: "v1.10.0", maxHostExclusive: "v1.14.0", minK8s: "1.30.0", maxK8sExclusive: "1.35.99" },
  13: { minHost: "v1.11.0", maxHostExclusive: "v1.15.0", minK8s: "1.31.0", maxK8sExclusive: "1.36.99" },
};

function boundsOf(talosVersion: string): Bounds | undefined {
  const v = parseTalosVersion(talosVersion);
  return v.major === 1 ? BOUNDS[v.minor] : undefined;
}

const k8sCore = (v: string) => `v${v.replace(/^v/, "").split(/[-+]/)[0]}`;
const minorOf = (v: string) => k8sCore(v).slice(1).split(".").slice(0, 2).join(".");

/**
 * Why Talos `talosVersion` refuses Kubernetes `kubernetesVersion`, or undefined: nodes from v1.11 on
 * reject component images outside their range at apply; older minors and unknown versions pass.
 */
export function kubernetesSupportProblem(talosVersion: string, kubernetesVersion: string): string | undefined {
  const b = boundsOf(talosVersion);
  const t = parseTalosVersion(talosVersion);
  if (!b || t.minor < 11) return undefined;
  const k = k8sCore(kubernetesVersion);
  const inside = compareTalosVersions(k, `v${b.minK8s}`) >= 0 && compareTalosVersions(k, `v${b.maxK8sExclusive}`) < 0;
  if (inside) return undefined;
  const range = `Kubernetes ${minorOf(b.minK8s)} to ${minorOf(b.maxK8sExclusive)}`;
  return `Kubernetes ${kubernetesVersion.replace(/^v/, "")} is not supported by Talos ${talosVersion}: Talos v1.${t.minor} runs ${range} (its nodes reject other kubelet and control-plane images at apply)`;
}

/** The newest Talos minor below `to`'s whose installer accepts `from` as host, if any (the hop to take first). */
function intermediateMinor(from: string, to: string): number | undefined {
  const target = parseTalosVersion(to).minor;
  for (let m = target - 1; m > parseTalosVersion(from).minor; m--) {
    const b = BOUNDS[m];
    if (b && compareTalosVersions(from, b.minHost) >= 0) return m;
  }
  return undefined;
}

/**
 * Why upgrading a node from Talos `from` to `to` is refused by `to`'s installer, or undefined: the
 * host must be at least the target minor's minimum and below its downgrade limit.
 */
export function upgradePathProblem(from: string, to: string): string | undefined {
  const b = boundsOf(to);
  if (!b || compareTalosVersions(from, to) === 0) return undefined;
  const t = parseTalosVersion(to);
  if (compareTalosVersions(from, b.minHost) < 0) {
    const hop = intermediateMinor(from, to);
    const next =
      hop !== undefined
        ? `upgrade to a v1.${hop} release first, then to ${to}`
        : `upgrade through the releases in between first`;
    return `Talos ${to} cannot be installed over ${from}: Talos v1.${t.minor} upgrades only from ${b.minHost} or later; ${next}`;
  }
  if (compareTalosVersions(from, b.maxHostExclusive) >= 0) {
    return `Talos ${to} cannot be installed over ${from}: Talos v1.${t.minor} downgrades only from versions before ${b.maxHostExclusive}`;
  }
  return undefined;
}
