/**
 * Facts of each Talos release the simulated nodes and the stand-in check, read from the Talos source
 * at each tag (never from the library, so that a wrong library table shows up as a disagreement):
 * the release tags that exist, `constants.DefaultKubernetesVersion` per tag
 * (pkg/machinery/constants/constants.go), and the compatibility bounds per minor
 * (pkg/machinery/compatibility/talos1NN/talos1NN.go).
 */

/** Newest patch of each v1.N minor that was released (git tags of siderolabs/talos; no v1.11.7+). */
const NEWEST_PATCH: Record<number, number> = { 6: 8, 7: 7, 8: 4, 9: 6, 10: 9, 11: 6, 12: 11, 13: 9 };

/** True when `tag` (`v1.12.11`) is a released Talos version between v1.6.0 and v1.13.9 (no pre-releases). */
export function isRelease(tag: string): boolean {
  const m = /^v1\.(\d+)\.(\d+)$/.exec(tag);
  return m !== null && Number(m[2]) <= (NEWEST_PATCH[Number(m[1])] ?? -1);
}

// DefaultKubernetesVersion per minor, indexed by patch (v1.6.0 … v1.6.8 → 1.29.0 … 1.29.7).
const DEFAULT_K8S: Record<number, string[]> = {
  6: ["1.29.0", "1.29.0", "1.29.0", "1.29.1", "1.29.1", "1.29.2", "1.29.2", "1.29.3", "1.29.7"],
  7: ["1.30.0", "1.30.0", "1.30.1", "1.30.1", "1.30.1", "1.30.1", "1.30.3", "1.30.5"],
  8: ["1.31.1", "1.31.1", "1.31.2", "1.31.2", "1.31.4"],
  9: ["1.32.0", "1.32.0", "1.32.0", "1.32.1", "1.32.2", "1.32.3", "1.32.4"],
  10: ["1.33.0", "1.33.0", "1.33.0", "1.33.1", "1.33.1", "1.33.2", "1.33.3", "1.33.4", "1.33.6", "1.33.6"],
  11: ["1.34.0", "1.34.0", "1.34.1", "1.34.1", "1.34.1", "1.34.1", "1.34.1"],
  12: [
    "1.35.0",
    "1.35.0",
    "1.35.0",
    "1.35.0",
    "1.35.0",
    "1.35.2",
    "1.35.2",
    "1.35.4",
    "1.35.4",
    "1.35.4",
    "1.35.4",
    "1.35.4",
  ],
  13: ["1.36.0", "1.36.0", "1.36.0", "1.36.1", "1.36.1", "1.36.2", "1.36.2", "1.36.2", "1.36.2", "1.36.3"],
};

/** `DefaultKubernetesVersion` of talosctl/Talos `v1.<minor>.<patch>`; undefined for a tag that does not exist. */
export function releaseDefaultKubernetes(minor: number, patch: number): string | undefined {
  return DEFAULT_K8S[minor]?.[patch];
}

/** Compatibility bounds of one Talos minor (talos1NN.go); the Kubernetes maximum is exclusive (`x.y.99`). */
export interface MinorBounds {
  minHostUpgrade: string;
  maxHostDowngrade: string;
  minKubernetes: string;
  maxKubernetes: string;
}

const BOUNDS: Record<number, MinorBounds> = {
  6: { minHostUpgrade: "1.3.0", maxHostDowngrade: "1.8.0", minKubernetes: "1.24.0", maxKubernetes: "1.29.99" },
  7: { minHostUpgrade: "1.4.0", maxHostDowngrade: "1.9.0", minKubernetes: "1.25.0", maxKubernetes: "1.30.99" },
  8: { minHostUpgrade: "1.5.0", maxHostDowngrade: "1.10.0", minKubernetes: "1.26.0", maxKubernetes: "1.31.99" },
  9: { minHostUpgrade: "1.8.0", maxHostDowngrade: "1.11.0", minKubernetes: "1.27.0", maxKubernetes: "1.32.99" },
  10: { minHostUpgrade: "1.8.0", maxHostDowngrade: "1.12.0", minKubernetes: "1.28.0", maxKubernetes: "1.33.99" },
  11: { minHostUpgrade: "1.9.0", maxHostDowngrade: "1.13.0", minKubernetes: "1.29.0", maxKubernetes: "1.34.99" },
  12: { minHostUpgrade: "1.10.0", maxHostDowngrade: "1.14.0", minKubernetes: "1.30.0", maxKubernetes: "1.35.99" },
  13: { minHostUpgrade: "1.11.0", maxHostDowngrade: "1.15.0", minKubernetes: "1.31.0", maxKubernetes: "1.36.99" },
};

/** The bounds of Talos `v1.<minor>`, undefined outside v1.6–v1.13. */
export function minorBounds(minor: number): MinorBounds | undefined {
  return BOUNDS[minor];
}
