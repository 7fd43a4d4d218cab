/**
 * Estimates what applying a config change will do to a node. This is an estimate from the paths
 * alone; the node's own dry-run (`apply-config --dry-run`) decides.
 */
import type { ConfigChange } from "./diff";

/** What a config change needs: nothing, a live apply, a reboot, or an upgrade (new installer image). */
export type ChangeImpact = "none" | "live" | "reboot" | "upgrade";

// CanApplyImmediate (contract §7, v1alpha1_runtime.go): these v1alpha1 paths apply without a reboot.
const IMMEDIATE_PREFIXES = [
  "cluster",
  "debug",
  ...[
    "ca",
    "acceptedCAs",
    "time",
    "certSANs",
    "install",
    "network",
    "sysfs",
    "sysctls",
    "logging",
    "controlPlane",
    "kubelet",
    "kernel",
    "registries",
    "pods",
    "seccompProfiles",
    "nodeAnnotations",
    "nodeLabels",
    "nodeTaints",
  ].map((k) => `machine.${k}`),
  ...["kubernetesTalosAPIAccess", "kubePrism", "hostDNS", "imageCache", "nodeAddressSortAlgorithm"].map(
    (k) => `machine.features.${k}`,
  ),
];

// Kernel arguments only take effect on the next boot, although Talos stores them without a reboot.
const REBOOT_PREFIXES = ["machine.install.extraKernelArgs"];

function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

/** Paths whose change has a stronger impact than their CanApplyImmediate parent. */
const SPECIAL: Array<[string, ChangeImpact]> = [
  ["machine.install.image", "upgrade"],
  ...REBOOT_PREFIXES.map((p): [string, ChangeImpact] => [p, "reboot"]),
];

function valueAt(v: unknown, rel: string): unknown {
  return rel
    .split(".")
    .reduce<unknown>((x, k) => (x && typeof x === "object" ? (x as Record<string, unknown>)[k] : undefined), v);
}

function impactOf(c: ConfigChange): ChangeImpact {
  if (c.document !== undefined) return "live"; // CanApplyImmediate compares v1alpha1 only
  for (const [special, impact] of SPECIAL) {
    if (under(c.path, special)) return impact;
    // A whole ancestor (`machine.install`) changed: look inside it.
    if (special.startsWith(`${c.path}.`)) {
      const rel = special.slice(c.path.length + 1);
      if (JSON.stringify(valueAt(c.before, rel)) !== JSON.stringify(valueAt(c.after, rel))) return impact;
    }
  }
  return IMMEDIATE_PREFIXES.some((p) => under(c.path, p)) ? "live" : "reboot";
}

const ORDER: ChangeImpact[] = ["none", "live", "reboot", "upgrade"];

/**
 * The strongest impact of `changes`: `upgrade` when the installer image changes, `reboot` when a
 * v1alpha1 path outside CanApplyImmediate (or kernel arguments) changes, else `live`; `none` without changes.
 * `role` is accepted for callers' convenience; Talos's rule does not depend on it.
 */
export function changeImpact(changes: ConfigChange[], role?: "controlplane" | "worker"): ChangeImpact {
  void role;
  return changes.reduce<ChangeImpact>((worst, c) => {
    const i = impactOf(c);
    return ORDER.indexOf(i) > ORDER.indexOf(worst) ? i : worst;
  }, "none");
}
