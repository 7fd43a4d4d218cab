/** Talos version parsing and the version-contract switches (contracts/talosctl.md §0, §21). */
import { defaultKubernetesVersion as libraryDefault } from "../../talos/versions";

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
  return parseVersion(env.TALOSCTL_SIM_VERSION || DEFAULT_CLIENT_VERSION) ?? (parseVersion(DEFAULT_CLIENT_VERSION) as TalosVersion);
}

/** Default Kubernetes version of a talosctl release (the library's table, contracts/talosctl.md §0); the newest known for unknown releases. */
export function defaultKubernetesVersion(v: TalosVersion): string {
  try {
    return libraryDefault(`v${v.major}.${v.minor}.${v.patch}`);
  } catch {
    return libraryDefault(DEFAULT_CLIENT_VERSION);
  }
}

/** Version as "X.Y.Z" without the leading v (what version-skew warnings print). */
export function plain(v: TalosVersion): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

// Latest patch release of each minor the simulator knows installer images for (ghcr.io/siderolabs/installer
// and the factory); v1.13.9 is the newest release in contracts/talosctl.md, so v1.13.10 does not exist.
const LATEST_PATCH: Record<number, number> = { 6: 7, 7: 7, 8: 4, 9: 6, 10: 8, 11: 9, 12: 9, 13: 9 };

/** True when `tag` is a Talos release (v1.6.0–v1.13.9, no pre-releases) whose installer images the simulator serves. */
export function knownRelease(tag: string): boolean {
  const m = /^v1\.(\d+)\.(\d+)$/.exec(tag);
  return m !== null && Number(m[2]) <= (LATEST_PATCH[Number(m[1])] ?? -1);
}
