/** Firewalls client: create with rules, apply to / remove from servers, set rules, get, list, update, delete. */
import { Transport } from "./transport";
import { listAll } from "./pagination";
import { getOrUndefined } from "./get-or-undefined";
import { Action, Firewall, FirewallRule, FirewallTarget, Labels } from "./types";

/** Client for /firewalls. */
export class FirewallsClient {
  constructor(private readonly t: Transport) {}

  /** Creates a firewall; a firewall without `in` rules drops all inbound traffic (spec). */
  async create(o: {
    name: string;
    rules?: FirewallRule[];
    labels?: Labels;
    applyTo?: FirewallTarget[];
  }): Promise<{ firewall: Firewall; actions: Action[] }> {
    return this.t.request("POST", "/firewalls", {
      body: { name: o.name, rules: o.rules, labels: o.labels, apply_to: o.applyTo },
    });
  }

  /** The firewall, or undefined when it does not exist. */
  get(id: number): Promise<Firewall | undefined> {
    return getOrUndefined(this.t, `/firewalls/${id}`, "firewall");
  }

  /** Every firewall matching the filters (all pages). */
  list(f: { name?: string; labelSelector?: string } = {}): Promise<Firewall[]> {
    return listAll(this.t, "/firewalls", "firewalls", { name: f.name, label_selector: f.labelSelector });
  }

  /** Renames a firewall or replaces its labels (rules change through `setRules`). */
  async update(id: number, u: { name?: string; labels?: Labels }): Promise<Firewall> {
    return (await this.t.request<{ firewall: Firewall }>("PUT", `/firewalls/${id}`, { body: u })).firewall;
  }

  /** Deletes a firewall (204); fails with 422 resource_in_use while it is applied. */
  async delete(id: number): Promise<void> {
    await this.t.request("DELETE", `/firewalls/${id}`);
  }

  /** Applies the firewall to servers or label selectors; returns one action per target. */
  async applyToResources(id: number, targets: FirewallTarget[]): Promise<Action[]> {
    return (
      await this.t.request<{ actions: Action[] }>("POST", `/firewalls/${id}/actions/apply_to_resources`, {
        body: { apply_to: targets },
      })
    ).actions;
  }

  /** Removes the firewall from servers or label selectors. */
  async removeFromResources(id: number, targets: FirewallTarget[]): Promise<Action[]> {
    return (
      await this.t.request<{ actions: Action[] }>("POST", `/firewalls/${id}/actions/remove_from_resources`, {
        body: { remove_from: targets },
      })
    ).actions;
  }

  /** Applies the firewall to servers by id. */
  applyToServers(id: number, serverIds: number[]): Promise<Action[]> {
    return this.applyToResources(
      id,
      serverIds.map((sid) => ({ type: "server", server: { id: sid } })),
    );
  }

  /** Removes the firewall from servers by id. */
  removeFromServers(id: number, serverIds: number[]): Promise<Action[]> {
    return this.removeFromResources(
      id,
      serverIds.map((sid) => ({ type: "server", server: { id: sid } })),
    );
  }

  /** Replaces all rules. */
  async setRules(id: number, rules: FirewallRule[]): Promise<Action[]> {
    return (
      await this.t.request<{ actions: Action[] }>("POST", `/firewalls/${id}/actions/set_rules`, { body: { rules } })
    ).actions;
  }
}
