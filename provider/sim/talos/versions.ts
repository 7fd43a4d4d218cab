/** Talos version parsing and the version-contract switches (contracts/talosctl.md §0, §21). */
import { isRelease, releaseDefaultKubernetes } from "./releases";

/** A parsed Talos version. */
export interface TalosVersion {
  major: number;
  minor: number;
  patch: number;
  /** As given, with a leading "v" ("v1.13.9"). */
  tag: string;
}

/** Default client version of the stand-in. */
export const DEFAULT_CLIENT_VERSION = "v1.13.9";

/** Parses "v1.13.9" / "1.13" / "v1.12.0-beta.1"; null when it is not a version. */
export function parseVersion(text: string): TalosVersion | null {
  const t = text.startsWith("v") ? text : `v${text}`;
  const m = /^v(\d+)\.(\d+)(?:\.(\d+))?/.exec(t);
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0), tag: t };
}

/** True when `v` is at least major.minor. */
export function atLeast(v: TalosVersion, major: number, minor: number): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

/** The talosctl client version the stand-in emulates ($TALOSCTL_SIM_VERSION). */
export function clientVersion(env: NodeJS.ProcessEnv = process.env): TalosVersion {
  return (
    parseVersion(env.TALOSCTL_SIM_VERSION || DEFAULT_CLIENT_VERSION) ??
    (parseVersion(DEFAULT_CLIENT_VERSION) as TalosVersion)
  );
}

/** Default Kubernetes version of a talosctl release (Talos's constants at that tag, releases.ts); the stand-in's own default for unknown releases. */
export function defaultKubernetesVersion(v: TalosVersion): string {
  const d = parseVersion(DEFAULT_CLIENT_VERSION) as TalosVersion;
  return (
    (v.major === 1 ? releaseDefaultKubernetes(v.minor, v.patch) : undefined) ??
    (releaseDefaultKubernetes(d.minor, d.patch) as string)
  );
}

/** Version as "X.Y.Z" without the leading v (what version-skew warnings print). */
export function plain(v: TalosVersion): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

/** True when `tag` is a Talos release (v1.6.0–v1.13.9, no pre-releases) whose installer images the simulator serves. */
export function knownRelease(tag: string): boolean {
  return isRelease(tag);
}
