/** Which firewalls protect which servers, and the inbound filters that follows from it on the machines. */
import { CloudState, FirewallRecord, FirewallTarget, ServerRecord } from "./state";
import { matchesSelector, parseLabelSelector } from "./labels";
import { inboundFilter } from "./firewall-rules";
import { SimApiError, invalidInput } from "./errors";

/** Whether a target covers a server (directly, or through a label selector matching its labels). */
export function targetCovers(target: FirewallTarget, server: ServerRecord): boolean {
  if (target.type === "server") return target.server.id === server.id;
  return matchesSelector(server.labels, parseLabelSelector(target.label_selector.selector));
}

/** Firewalls applied to a server. */
export function firewallsOf(state: CloudState, server: ServerRecord): FirewallRecord[] {
  return [...state.firewalls.values()].filter((fw) => fw.applied_to.some((t) => targetCovers(t, server)));
}

/** Servers a firewall covers, in id order. */
export function serversOf(state: CloudState, fw: FirewallRecord): ServerRecord[] {
  return [...state.servers.values()].filter((s) => fw.applied_to.some((t) => targetCovers(t, s)));
}

/** Re-installs every machine's inbound filter; call after any firewall, server or label change. */
export function refreshFilters(state: CloudState): void {
  for (const server of state.servers.values()) {
    const machine = state.world.machines.get(server.machineId);
    const fws = firewallsOf(state, server);
    machine?.setInboundFilter(fws.length ? inboundFilter(fws.map((f) => f.rules.map((r) => ({ ...r })))) : undefined);
  }
}

/** Checks and normalizes `apply_to`/`remove_from` entries (unknown servers → 422 firewall_resource_not_found). */
export function checkTargets(state: CloudState, raw: unknown, field: string): FirewallTarget[] {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- request bodies are untyped JSON
  return ((raw as Record<string, any>[] | undefined) ?? []).map((t, i) => {
    if (t.type === "server") {
      const id = t.server?.id;
      if (typeof id !== "number") throw invalidInput(`${field}[${i}].server`, "server.id is required for type server");
      if (!state.servers.has(id))
        throw new SimApiError(422, "firewall_resource_not_found", `server with ID '${id}' not found`);
      return { type: "server", server: { id } };
    }
    const selector = t.label_selector?.selector;
    if (typeof selector !== "string")
      throw invalidInput(
        `${field}[${i}].label_selector`,
        "label_selector.selector is required for type label_selector",
      );
    try {
      parseLabelSelector(selector);
    } catch (e) {
      throw invalidInput(`${field}[${i}].label_selector.selector`, (e as Error).message);
    }
    return { type: "label_selector", label_selector: { selector } };
  });
}

/** Whether two targets are the same entry. */
export function sameTarget(a: FirewallTarget, b: FirewallTarget): boolean {
  if (a.type === "server" && b.type === "server") return a.server.id === b.server.id;
  if (a.type === "label_selector" && b.type === "label_selector")
    return a.label_selector.selector === b.label_selector.selector;
  return false;
}

/** The firewall as the API renders it; label-selector entries list the servers they currently match. */
export function renderFirewall(state: CloudState, fw: FirewallRecord): unknown {
  return {
    id: fw.id,
    name: fw.name,
    labels: fw.labels,
    created: fw.created,
    rules: fw.rules,
    applied_to: fw.applied_to.map((t) =>
      t.type === "server"
        ? t
        : {
            ...t,
            applied_to_resources: [...state.servers.values()]
              .filter((s) => targetCovers(t, s))
              .map((s) => ({ type: "server", server: { id: s.id } })),
          },
    ),
  };
}
