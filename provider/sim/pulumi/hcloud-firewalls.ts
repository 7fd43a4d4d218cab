/** `hcloud:index/firewall:Firewall` and `hcloud:index/firewallAttachment:FirewallAttachment` against the Cloud API. */
import { FirewallRule, FirewallTarget } from "../../hetzner/cloud";
import { HcloudType, ignoreNotFound, numericIds, retarget, serverTargets } from "./hcloud-types";
import { Props } from "./values";

function rules(i: Props): FirewallRule[] {
  return ((i.rules as Props[] | undefined) ?? []).map((r) => ({
    direction: r.direction as FirewallRule["direction"],
    protocol: r.protocol as FirewallRule["protocol"],
    ...(r.port !== undefined ? { port: r.port as string } : {}),
    ...(r.direction === "in"
      ? { source_ips: (r.sourceIps as string[]) ?? [] }
      : { destination_ips: (r.destinationIps as string[]) ?? [] }),
    ...(r.description !== undefined ? { description: r.description as string } : {}),
  }));
}

function applyTos(i: Props): FirewallTarget[] {
  return ((i.applyTos as Props[] | undefined) ?? []).map((a) =>
    a.server !== undefined
      ? { type: "server", server: { id: Number(a.server) } }
      : { type: "label_selector", label_selector: { selector: a.labelSelector as string } },
  );
}

function attachmentTargets(i: Props): FirewallTarget[] {
  const selectors = ((i.labelSelectors as string[] | undefined) ?? []).map((selector): FirewallTarget => ({
    type: "label_selector",
    label_selector: { selector },
  }));
  return [...serverTargets(numericIds(i.serverIds)), ...selectors];
}

/** hcloud.Firewall: name, labels, rules and targets all update in place. */
export const firewallType: HcloudType = {
  required: [],
  replaceKeys: [],
  autoname: true,
  async create(h, i) {
    const r = await h.client.firewalls.create({
      name: i.name as string,
      labels: (i.labels as Record<string, string>) ?? {},
      rules: rules(i),
      applyTo: applyTos(i),
    });
    await h.wait(r.actions);
    return { id: String(r.firewall.id), outputs: { ...i } };
  },
  async update(h, old, i) {
    // FirewallsClient has no update of name/labels yet: PUT through the same transport.
    await h.transport.request("PUT", `/firewalls/${old.id}`, { body: { name: i.name, labels: i.labels ?? {} } });
    await h.wait(await h.client.firewalls.setRules(Number(old.id), rules(i)));
    await retarget(h, Number(old.id), applyTos(old.inputs), applyTos(i));
    return { ...i };
  },
  async delete(h, old) {
    const found = await h.client.firewalls.get(Number(old.id));
    if (!found) return;
    // The API refuses to delete an applied firewall (422 resource_in_use).
    const applied = found.applied_to.map((t): FirewallTarget =>
      t.type === "server"
        ? { type: "server", server: { id: t.server.id } }
        : { type: "label_selector", label_selector: { selector: t.label_selector.selector } },
    );
    await retarget(h, Number(old.id), applied, []);
    await ignoreNotFound(h.client.firewalls.delete(Number(old.id)));
  },
};

/** hcloud.FirewallAttachment: a change of firewall replaces; servers and selectors update in place. */
export const firewallAttachmentType: HcloudType = {
  required: ["firewallId"],
  replaceKeys: ["firewallId"],
  autoname: false,
  async create(h, i) {
    await retarget(h, Number(i.firewallId), [], attachmentTargets(i));
    return { id: String(i.firewallId), outputs: { ...i } };
  },
  async update(h, old, i) {
    await retarget(h, Number(i.firewallId), attachmentTargets(old.inputs), attachmentTargets(i));
    return { ...i };
  },
  async delete(h, old) {
    await ignoreNotFound(retarget(h, Number(old.inputs.firewallId), attachmentTargets(old.inputs), []));
  },
};
