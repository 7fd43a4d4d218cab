/**
 * What the day-2 tests read back from the simulator: the Talos journal (upgrades, reboots) and the
 * Kubernetes events (cordons, evictions, node deletions) merged into one timeline, and the checks of a
 * safe roll over that timeline. Typed here because the runtime's day-2 members are optional on `SimWorld`.
 */
import type { SimKube } from "../apis/kube/model";
import type { JournalEntry, TalosFaults } from "../talos/node/day2";
import type { SimWorld } from "../types";

export type { JournalEntry } from "../talos/node/day2";
export type { SimKubeEvent as KubeEvent } from "../apis/kube/state";

/** The day-2 members of the Talos runtime (optional on `SimWorld`'s `TalosRuntime`, so typed here). */
export interface Day2Runtime {
  journal: JournalEntry[];
  faults: TalosFaults;
  kube(clusterKeyOrName?: string): SimKube;
}

/** The world's Talos runtime with its day-2 members. */
export function day2Runtime(world: SimWorld): Day2Runtime {
  return world.talosRuntime as unknown as Day2Runtime;
}

/** A mark in the journals: what happened after it is what one run did. */
export interface Mark {
  journal: number;
  events: number;
}

/** The current length of both journals. */
export function mark(rt: Day2Runtime, cluster: string): Mark {
  return { journal: rt.journal.length, events: rt.kube(cluster).events.length };
}

/** One line per upgrade, cordon and uncordon since `m`, in order: `cordon day2-cp-0`, `upgrade day2-cp-0 v1.13.8`. */
export function timeline(rt: Day2Runtime, cluster: string, m: Mark): string[] {
  const upgrades = rt.journal
    .slice(m.journal)
    .filter((j) => j.event === "upgrade")
    .map((j) => ({ at: j.at, line: `upgrade ${j.hostname} ${j.version}` }));
  const kube = rt
    .kube(cluster)
    .events.slice(m.events)
    .filter((e) => e.kind === "cordon" || e.kind === "uncordon" || e.kind === "delete-node")
    .map((e) => ({ at: e.at, line: `${e.kind} ${e.node}` }));
  // A stable sort keeps each journal's own order when two entries share a millisecond.
  return [...kube, ...upgrades].sort((a, b) => a.at - b.at).map((x) => x.line);
}

/** Problems of a roll's timeline with one node at a time: two nodes cordoned at once, an upgrade of an uncordoned node. */
export function rollViolations(lines: string[]): string[] {
  const out: string[] = [];
  let cordoned: string | undefined;
  for (const l of lines) {
    const [kind, node] = l.split(" ");
    if (kind === "cordon" && cordoned !== undefined && cordoned !== node)
      out.push(`${node} cordoned while ${cordoned} still was`);
    if (kind === "cordon") cordoned = node;
    if (kind === "uncordon" && cordoned === node) cordoned = undefined;
    if (kind === "upgrade" && cordoned !== node) out.push(`${node} upgraded while not cordoned`);
  }
  return out;
}
