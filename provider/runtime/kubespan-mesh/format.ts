/** Text forms of a mesh report: the mesh table, the table of down links, and the failure message. */
import { MeshReport } from "./analyze";
import { DownLink, MeshRow } from "./types";

/** Left-aligned columns separated by three spaces (talosctl's tabwriter padding). */
export function columns(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c])))
        .join("   ")
        .trimEnd(),
    )
    .join("\n");
}

/** NODE WHERE KUBESPAN-ADDRESS PUBLIC-KEY PEERS-UP, one line per node. */
export function meshTable(rows: MeshRow[]): string {
  const body = rows.map((r) => [
    r.node,
    r.where,
    r.kubespanAddress ?? "-",
    r.publicKey ?? "-",
    `${r.peersUp}/${r.peersTotal}`,
  ]);
  return columns([["NODE", "WHERE", "KUBESPAN ADDRESS", "PUBLIC KEY", "PEERS UP"], ...body]);
}

/** NODE PEER STATE ENDPOINT LIKELY CAUSE, one line per down link. */
export function downTable(links: DownLink[]): string {
  return columns([
    ["NODE", "PEER", "STATE", "ENDPOINT", "LIKELY CAUSE"],
    ...links.map((l) => [l.node, l.peer, l.state, l.endpoint || "-", l.cause]),
  ]);
}

function firewallAdvice(where: string): string {
  return where === "cloud"
    ? "its Hetzner Cloud firewall must allow inbound UDP 51820 from 0.0.0.0/0 and ::/0 (kubeSpanFirewallRules())"
    : "its Robot firewall must allow inbound UDP 51820 (RobotFirewall)";
}

/** Lines naming nodes whose every link is blocked, with the port and the firewall to fix. */
export function blockedSummary(report: MeshReport): string[] {
  return report.blockedNodes.map((name) => {
    const row = report.rows.find((r) => r.node === name);
    return `${name} (${row?.where ?? "?"}): UDP 51820 appears blocked: every link to and from it is down while it is a known peer; ${firewallAdvice(row?.where ?? "")}`;
  });
}

/** The message of a mesh that is not fully up: summary, blocked nodes, the down-link table. */
export function meshProblem(report: MeshReport): string {
  const n = report.rows.length;
  const pairs = report.downLinks.filter((d) => d.peer !== "*").length;
  const head = `KubeSpan mesh is not fully up: ${pairs} of ${n * (n - 1)} node-to-peer links are down`;
  return [head, ...blockedSummary(report), downTable(report.downLinks)].join("\n");
}

/** The `table` output: the mesh table, then the down links when there are any. */
export function reportText(report: MeshReport): string {
  return report.healthy ? meshTable(report.rows) : `${meshTable(report.rows)}\n\n${downTable(report.downLinks)}`;
}
