/** Firewall routes: create, list, get, update, delete, apply_to_resources, remove_from_resources, set_rules. */
import { Router } from "./router";
import { ActionRunner } from "./actions";
import { CloudState, FirewallRecord, FirewallTarget, isoNow } from "./state";
import { SimApiError, invalidInput, uniquenessError } from "./errors";
import { bodyObject, findById } from "./params";
import { checkLabels, selectorPredicate } from "./labels";
import { listResponse, sortItems } from "./pagination";
import { checkRule } from "./firewall-rules";
import { checkTargets, refreshFilters, renderFirewall, sameTarget } from "./firewall-apply";

/** Registers the firewall routes. */
export function registerFirewallRoutes(router: Router, state: CloudState, runner: ActionRunner): void {
  const find = (raw: string) => findById(state.firewalls, raw, "firewall");
  const render = (fw: FirewallRecord) => renderFirewall(state, fw);
  const act = (command: string, resources: { id: number; type: string }[]) => runner.start({ command, resources, realisticMs: 3000 }).action;
  // One action per target, like the real API's apply_firewall/remove_firewall actions.
  const perTarget = (fw: FirewallRecord, command: string, targets: FirewallTarget[]) => targets.map((t) =>
    act(command, [{ id: fw.id, type: "firewall" }, ...(t.type === "server" ? [{ id: t.server.id, type: "server" }] : [])]));

  router.add("POST", "/firewalls", (req) => {
    const b = bodyObject(req.body);
    const name = b.name as string;
    if ([...state.firewalls.values()].some((f) => f.name === name)) throw uniquenessError("name", `firewall with name '${name}' already exists`);
    const fw: FirewallRecord = {
      id: state.nextId("firewall"), name, labels: checkLabels(b.labels as Record<string, string>), created: isoNow(),
      rules: checkRules(b.rules), applied_to: checkTargets(state, b.apply_to, "apply_to"),
    };
    state.firewalls.set(fw.id, fw);
    refreshFilters(state);
    return { status: 201, body: { firewall: render(fw), actions: perTarget(fw, "apply_firewall", fw.applied_to) } };
  });
  router.add("GET", "/firewalls", (req) => {
    const name = req.query.get("name");
    const selected = selectorPredicate(req.query.get("label_selector"));
    const items = [...state.firewalls.values()].filter((f) => (name === null || f.name === name) && selected(f.labels));
    return listResponse("firewalls", sortItems(items, req.query.getAll("sort"), FIREWALL_SORT), req, render);
  });
  router.add("GET", "/firewalls/{id}", (req) => ({ status: 200, body: { firewall: render(find(req.params.id)) } }));
  router.add("PUT", "/firewalls/{id}", (req) => {
    const fw = find(req.params.id);
    const b = bodyObject(req.body);
    if (typeof b.name === "string" && b.name !== fw.name && [...state.firewalls.values()].some((f) => f.name === b.name)) {
      throw uniquenessError("name", `firewall with name '${b.name}' already exists`);
    }
    if (typeof b.name === "string") fw.name = b.name;
    if (b.labels !== undefined) fw.labels = checkLabels(b.labels as Record<string, string>);
    return { status: 200, body: { firewall: render(fw) } };
  });
  router.add("DELETE", "/firewalls/{id}", (req) => {
    const fw = find(req.params.id);
    if (fw.applied_to.length > 0) throw new SimApiError(422, "resource_in_use", `firewall with ID '${fw.id}' is still in use`);
    state.firewalls.delete(fw.id);
    return { status: 204 };
  });
  router.add("POST", "/firewalls/{id}/actions/apply_to_resources", (req) => {
    const fw = find(req.params.id);
    const targets = checkTargets(state, bodyObject(req.body).apply_to, "apply_to");
    if (targets.some((t) => fw.applied_to.some((x) => sameTarget(x, t)))) throw new SimApiError(422, "firewall_already_applied", "firewall is already applied to this resource");
    fw.applied_to.push(...targets);
    refreshFilters(state);
    return { status: 201, body: { actions: perTarget(fw, "apply_firewall", targets) } };
  });
  router.add("POST", "/firewalls/{id}/actions/remove_from_resources", (req) => {
    const fw = find(req.params.id);
    const targets = checkTargets(state, bodyObject(req.body).remove_from, "remove_from");
    if (targets.some((t) => !fw.applied_to.some((x) => sameTarget(x, t)))) throw new SimApiError(422, "firewall_already_removed", "firewall is not applied to this resource");
    fw.applied_to = fw.applied_to.filter((x) => !targets.some((t) => sameTarget(x, t)));
    refreshFilters(state);
    return { status: 201, body: { actions: perTarget(fw, "remove_firewall", targets) } };
  });
  router.add("POST", "/firewalls/{id}/actions/set_rules", (req) => {
    const fw = find(req.params.id);
    fw.rules = checkRules(bodyObject(req.body).rules);
    refreshFilters(state);
    const actions = [act("set_firewall_rules", [{ id: fw.id, type: "firewall" }]), ...perTarget(fw, "apply_firewall", fw.applied_to)];
    return { status: 201, body: { actions } };
  });
}

function checkRules(raw: unknown): FirewallRecord["rules"] {
  const rules = (raw as Record<string, unknown>[] | undefined) ?? [];
  if (rules.length > 50) throw invalidInput("rules", "at most 50 rules per firewall");
  return rules.map(checkRule);
}

const FIREWALL_SORT = {
  id: (f: FirewallRecord) => f.id,
  name: (f: FirewallRecord) => f.name,
  created: (f: FirewallRecord) => f.created,
};
