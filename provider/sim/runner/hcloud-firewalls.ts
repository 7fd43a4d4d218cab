/** `hcloud:index/firewall:Firewall` and `hcloud:index/firewallAttachment:FirewallAttachment` against the Cloud API. */
import { HcloudApi } from "./hcloud-api";
import { applyTo } from "./hcloud-servers";
import { HcloudType, ignoreNotFound, numericIds } from "./hcloud-types";
import { Props } from "./values";

function rules(i: Props): Props[] {
  return ((i.rules as Props[] | undefined) ?? []).map((r) => ({
    direction: r.direction, protocol: r.protocol, ...(r.port !== undefined ? { port: r.port } : {}),
    ...(r.direction === "in" ? { source_ips: r.sourceIps ?? [] } : { destination_ips: r.destinationIps ?? [] }),
    ...(r.description !== undefined ? { description: r.description } : {}),
  }));
}

function applyTos(i: Props): Props[] {
  return ((i.applyTos as Props[] | undefined) ?? []).map((a) =>
    a.server !== undefined
      ? { type: "server", server: { id: Number(a.server) } }
      : { type: "label_selector", label_selector: { selector: a.labelSelector } });
}

function attachmentTargets(i: Props): Props[] {
  const servers = numericIds(i.serverIds).map((id) => ({ type: "server", server: { id } }));
  const selectors = ((i.labelSelectors as string[] | undefined) ?? []).map((s) => ({ type: "label_selector", label_selector: { selector: s } }));
  return [...servers, ...selectors];
}

const key = (t: Props) => JSON.stringify(t);
function without(a: Props[], b: Props[]): Props[] {
  return a.filter((x) => !b.some((y) => key(x) === key(y)));
}

/** Applies `next` targets and removes the ones only in `prev`. */
async function retarget(api: HcloudApi, firewall: number, prev: Props[], next: Props[]): Promise<void> {
  const remove = without(prev, next);
  const add = without(next, prev);
  if (remove.length) await applyTo(api, firewall, "remove_from_resources", remove);
  if (add.length) await applyTo(api, firewall, "apply_to_resources", add);
}

/** hcloud.Firewall: name, labels, rules and targets all update in place. */
export const firewallType: HcloudType = {
  required: [],
  replaceKeys: [],
  autoname: true,
  async create(api, inputs) {
    const r = await api.request("POST", "/firewalls", { name: inputs.name, labels: inputs.labels ?? {}, rules: rules(inputs), apply_to: applyTos(inputs) });
    await api.waitActions(r.actions ?? []);
    return { id: String(r.firewall.id), outputs: { ...inputs } };
  },
  async update(api, old, inputs) {
    await api.request("PUT", `/firewalls/${old.id}`, { name: inputs.name, labels: inputs.labels ?? {} });
    const r = await api.request("POST", `/firewalls/${old.id}/actions/set_rules`, { rules: rules(inputs) });
    await api.waitActions(r.actions ?? []);
    await retarget(api, Number(old.id), applyTos(old.inputs), applyTos(inputs));
    return { ...inputs };
  },
  async delete(api, old) {
    const found = await api.find(`/firewalls/${old.id}`);
    if (!found) return;
    const applied = (found.firewall.applied_to ?? []).map((t: Props) => t.type === "server"
      ? { type: "server", server: { id: (t.server as Props).id } }
      : { type: "label_selector", label_selector: { selector: (t.label_selector as Props).selector } });
    if (applied.length) await applyTo(api, Number(old.id), "remove_from_resources", applied);
    await ignoreNotFound(api.request("DELETE", `/firewalls/${old.id}`));
  },
};

/** hcloud.FirewallAttachment: a change of firewall replaces; servers and selectors update in place. */
export const firewallAttachmentType: HcloudType = {
  required: ["firewallId"],
  replaceKeys: ["firewallId"],
  autoname: false,
  async create(api, inputs) {
    await applyTo(api, Number(inputs.firewallId), "apply_to_resources", attachmentTargets(inputs));
    return { id: String(inputs.firewallId), outputs: { ...inputs } };
  },
  async update(api, old, inputs) {
    await retarget(api, Number(inputs.firewallId), attachmentTargets(old.inputs), attachmentTargets(inputs));
    return { ...inputs };
  },
  async delete(api, old) {
    await ignoreNotFound(applyTo(api, Number(old.inputs.firewallId), "remove_from_resources", attachmentTargets(old.inputs)));
  },
};
