/** What the demo prints besides the runner's own lines: the node table, the mesh table and readable config diffs. */
import { diffConfigs, formatConfigDiff } from "../../talos/config";
import { columns, meshTable } from "../../runtime/kubespan-mesh/format";
import type { ClusterNodeRow } from "../../resources/talos-cluster/types";

export { meshTable };

/** NAME ROLE WHERE POOL SERVER IPV4, one line per node. */
export function nodeTable(rows: ClusterNodeRow[]): string {
  return columns([
    ["NAME", "ROLE", "WHERE", "POOL", "SERVER", "IPV4"],
    ...rows.map((r) => [r.name, r.role, r.where, r.pool, r.serverId, r.ipv4]),
  ]);
}

const REDACTED_CHANGE = /^(\s+)redactedConfig: (".*)$/;

/** Splits `"a" => "b"` (two JSON strings) at the separator that leaves both sides valid JSON. */
function jsonPair(text: string): [string, string] | undefined {
  for (let at = text.indexOf('" => "'); at >= 0; at = text.indexOf('" => "', at + 1)) {
    try {
      const left = JSON.parse(text.slice(0, at + 1));
      const right = JSON.parse(text.slice(at + 5));
      if (typeof left === "string" && typeof right === "string") return [left, right];
    } catch {
      // not this separator: it was inside one of the strings
    }
  }
  return undefined;
}

/**
 * A runner line showing a changed `redactedConfig` (two whole YAML renderings as JSON strings) becomes
 * one line per changed config path, like `talosctl apply-config --dry-run` reports; other lines pass.
 */
export function expandConfigDiffs(line: string): string[] {
  const m = REDACTED_CHANGE.exec(line);
  const pair = m && jsonPair(m[2]);
  if (!m || !pair) return [line];
  const changes = formatConfigDiff(diffConfigs(pair[0], pair[1])).split("\n");
  return [`${m[1]}redactedConfig (per config path):`, ...changes.map((c) => `${m[1]}  ${c}`)];
}

/** `1m 07s` from milliseconds. */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}
