/** Talos version parsing and comparison for version-dependent config layouts. */
import { InputError } from "../../internal/errors";

/** A Talos release line: major and minor number (patch level never changes config layout). */
export interface TalosMinor {
  major: number;
  minor: number;
}

// Same shape Talos accepts for --talos-version: `^v(\d+)\.(\d+)($|\.)`, leading `v` optional (contract §2).
const VERSION_RE = /^v?(\d+)\.(\d+)(?:$|\.)/;

/** Parses `v1.13.9`, `1.12` or `v1.11` into its release line; throws InputError naming `field`. */
export function parseTalosVersion(version: string, field = "talosVersion"): TalosMinor {
  const m = VERSION_RE.exec(String(version ?? "").trim());
  if (!m) throw new InputError(field, `must be a Talos version like "v1.13.9", got "${version}"`);
  return { major: Number(m[1]), minor: Number(m[2]) };
}

/** True when `version` is at least `major.minor`. */
export function atLeast(version: string | TalosMinor, major: number, minor: number): boolean {
  const v = typeof version === "string" ? parseTalosVersion(version) : version;
  return v.major > major || (v.major === major && v.minor >= minor);
}

/** `v<major>.<minor>` for messages. */
export function minorLabel(version: string | TalosMinor): string {
  const v = typeof version === "string" ? parseTalosVersion(version) : version;
  return `v${v.major}.${v.minor}`;
}
