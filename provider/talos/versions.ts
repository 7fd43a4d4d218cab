/** Talos version parsing and the facts that change between Talos releases (contracts/talosctl.md §0, §20). */
import { InputError } from "../internal/errors";

/** A parsed Talos version (`v1.13.9` → 1, 13, 9; a pre-release keeps its suffix). */
export interface TalosVersion {
  major: number;
  minor: number;
  patch: number;
  /** Pre-release suffix without the dash (`rc.1`), if any. */
  prerelease?: string;
}

const VERSION_RE = /^v(\d+)\.(\d+)(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?$/;

/** Parses `v1.13.9` (also `v1.12` and `v1.14.0-rc.1`); throws InputError naming `field` otherwise. */
export function parseTalosVersion(version: string, field = "talosVersion"): TalosVersion {
  const m = VERSION_RE.exec(version);
  if (!m) throw new InputError(field, `must look like "v1.13.9", got ${JSON.stringify(version)}`);
  const v: TalosVersion = { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0) };
  if (m[4] !== undefined) v.prerelease = m[4];
  return v;
}

/** Orders two versions: negative when a < b, 0 when equal, positive when a > b (a pre-release sorts before its release). */
export function compareTalosVersions(a: string, b: string): number {
  const x = parseTalosVersion(a);
  const y = parseTalosVersion(b);
  const d = x.major - y.major || x.minor - y.minor || x.patch - y.patch;
  if (d !== 0) return d;
  if (x.prerelease === y.prerelease) return 0;
  if (x.prerelease === undefined) return 1;
  if (y.prerelease === undefined) return -1;
  return x.prerelease < y.prerelease ? -1 : 1;
}

/** True when `version`'s config contract (major.minor) is at least `contract` (`"v1.12"`); patch levels are ignored. */
export function contractAtLeast(version: string, contract: string): boolean {
  const v = parseTalosVersion(version);
  const c = parseTalosVersion(contract, "contract");
  return v.major !== c.major ? v.major > c.major : v.minor >= c.minor;
}

/** The `major.minor` contract of a version: `v1.13.9` → `v1.13`. */
export function talosContract(version: string): string {
  const v = parseTalosVersion(version);
  return `v${v.major}.${v.minor}`;
}

// constants.DefaultKubernetesVersion at each known tag (contracts/talosctl.md §0). Patch releases
// may bump it; only v1.13.9 is recorded, so v1.13.0–v1.13.8 map to the v1.13.0 value.
const DEFAULT_KUBERNETES: [string, string][] = [
  ["v1.6.0", "1.29.0"],
  ["v1.7.0", "1.30.0"],
  ["v1.8.0", "1.31.1"],
  ["v1.9.0", "1.32.0"],
  ["v1.10.0", "1.33.0"],
  ["v1.11.0", "1.34.0"],
  ["v1.12.0", "1.35.0"],
  ["v1.13.0", "1.36.0"],
  ["v1.13.9", "1.36.3"],
];

/** Kubernetes version `talosctl gen config` defaults to for this Talos release (v1.6–v1.13); throws for others. */
export function defaultKubernetesVersion(talosVersion: string): string {
  const contract = talosContract(talosVersion);
  const known = DEFAULT_KUBERNETES.filter(
    ([t]) => talosContract(t) === contract && compareTalosVersions(t, talosVersion) <= 0,
  );
  if (known.length === 0) {
    throw new InputError(
      "talosVersion",
      `no default Kubernetes version known for Talos ${talosVersion} (known: v1.6–v1.13); set kubernetesVersion explicitly`,
    );
  }
  return known[known.length - 1][1];
}

/** Compression of the official `metal-<arch>.raw.*` release asset: xz up to v1.7, zstd from v1.8 (§20). */
export function imageCompression(talosVersion: string): "xz" | "zst" {
  return contractAtLeast(talosVersion, "v1.8") ? "zst" : "xz";
}

/** True when the Image Factory offers the platform-specific installer (`metal-installer`), i.e. Talos ≥ v1.10 (§20). */
export function supportsPlatformInstaller(talosVersion: string): boolean {
  return contractAtLeast(talosVersion, "v1.10");
}

/** True when network settings must be written as LinkConfig/LinkAliasConfig documents (Talos ≥ v1.12, §18.2). */
export function usesMultiDocNetwork(talosVersion: string): boolean {
  return contractAtLeast(talosVersion, "v1.12");
}
