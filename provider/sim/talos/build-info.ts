/** Simulated build facts of a Talos release, shared by the client (`version`) and the nodes. */
import * as crypto from "crypto";

/** Build facts of a (simulated) Talos release. */
export interface VersionInfo {
  tag: string;
  sha: string;
  goVersion: string;
  arch: string;
}

/** The facts of a tag: a stable fake git SHA and a Go version per minor. */
export function versionInfo(tag: string, arch = "amd64"): VersionInfo {
  const minor = Number(/^v\d+\.(\d+)/.exec(tag)?.[1] ?? 13);
  const go = minor >= 12 ? "go1.25.5" : minor >= 11 ? "go1.24.9" : "go1.24.4";
  return { tag, sha: crypto.createHash("sha256").update(tag).digest("hex").slice(0, 8), goVersion: go, arch };
}

/** `PrintLongVersion` lines (tab-indented, EXACT layout of contracts/talosctl.md §11). */
export function longVersion(v: VersionInfo): string {
  return `\tTag:         ${v.tag}\n\tSHA:         ${v.sha}\n\tBuilt:       \n\tGo version:  ${v.goVersion}\n\tOS/Arch:     linux/${v.arch}\n`;
}
