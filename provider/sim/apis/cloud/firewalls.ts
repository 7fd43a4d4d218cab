/** Firewall routes: create, list, get, update, delete, apply_to_resources, remove_from_resources, set_rules. */
import { Router, SimRequest, SimResponse } from "./router";
import { ActionRunner } from "./actions";
import { ActionRecord, CloudState, FirewallRecord, FirewallTarget, isoNow } from "./state";
import { SimApiError, invalidInput, uniquenessError } from "./errors";
import { bodyObject, findById } from "./params";
import { checkLabels, selectorPredicate } from "./labels";
import { listResponse, sortItems } from "./pagination";
import { checkRule } from "./firewall-rules";
import { checkTargets, refreshFilters, renderFirewall, sameTarget } from "./firewall-apply";

interface Ctx {
  state: CloudState;
  runner: ActionRunner;
}

/** Registers the firewall routes. */
export function registerFirewallRoutes(router: Router, state: CloudState, runner: ActionRunner): void {
  const ctx = { state, runner };
  const find = (req: SimRequest) => findById(state.firewalls, req.params.id, "firewall");
  router.add("POST", "/firewalls", (req) => createFirewall(ctx, req));
  router.add("GET", "/firewalls", (req) => {
    const name = req.query.get("name");
    const selected = selectorPredicate(req.query.get("label_selector"));
    const items = [...state.firewalls.values()].filter((f) => (name === null || f.name === name) && selected(f.labels));
    return listResponse("firewalls", sortItems(items, req.query.getAll("sort"), FIREWALL_SORT), req, (f) =>
      renderFirewall(state, f),
    );
  });
  router.add("GET", "/firewalls/{id}", (req) => ({
    status: 200,
    body: { firewall: renderFirewall(state, find(req)) },
  }));
  router.add("PUT", "/firewalls/{id}", (req) => updateFirewall(ctx, find(req), bodyObject(req.body)));
  router.add("DELETE", "/firewalls/{id}", (req) => {
    const fw = find(req);
    if (fw.applied_to.length > 0)
      throw new SimApiError(422, "resource_in_use", `firewall with ID '${fw.id}' is still in use`);
    state.firewalls.delete(fw.id);
    return { status: 204 };
  });
  router.add("POST", "/firewalls/{id}/actions/apply_to_resources", (req) =>
    applyTo(ctx, find(req), checkTargets(state, bodyObject(req.body).apply_to, "apply_to")),
  );
  router.add("POST", "/firewalls/{id}/actions/remove_from_resources", (req) =>
    removeFrom(ctx, find(req), checkTargets(state, bodyObject(req.body).remove_from, "remove_from")),
  );
  router.add("POST", "/firewalls/{id}/actions/set_rules", (req) => {
    const fw = find(req);
    fw.rules = checkRules(bodyObject(req.body).rules);
    refreshFilters(state);
    const actions = [
      act(ctx, "set_firewall_rules", [{ id: fw.id, type: "firewall" }]),
      ...perTarget(ctx, fw, "apply_firewall", fw.applied_to),
    ];
    return { status: 201, body: { actions } };
  });
}

function createFirewall(ctx: Ctx, req: SimRequest): SimResponse {
  const b = bodyObject(req.body);
  assertNameFree(ctx.state, b.name);
  const fw: FirewallRecord = {
    id: ctx.state.nextId("firewall"),
    name: b.name as string,
    labels: checkLabels(b.labels as Record<string, string>),
    created: isoNow(),
    rules: checkRules(b.rules),
    applied_to: checkTargets(ctx.state, b.apply_to, "apply_to"),
  };
  ctx.state.firewalls.set(fw.id, fw);
  refreshFilters(ctx.state);
  return {
    status: 201,
    body: { firewall: renderFirewall(ctx.state, fw), actions: perTarget(ctx, fw, "apply_firewall", fw.applied_to) },
  };
}

function updateFirewall(ctx: Ctx, fw: FirewallRecord, b: Record<string, unknown>): SimResponse {
  if (typeof b.name === "string" && b.name !== fw.name) assertNameFree(ctx.state, b.name);
  if (typeof b.name === "string") fw.name = b.name;
  if (b.labels !== undefined) fw.labels = checkLabels(b.labels as Record<string, string>);
  return { status: 200, body: { firewall: renderFirewall(ctx.state, fw) } };
}

function applyTo(ctx: Ctx, fw: FirewallRecord, targets: FirewallTarget[]): SimResponse {
  if (targets.some((t) => fw.applied_to.some((x) => sameTarget(x, t))))
    throw new SimApiError(422, "firewall_already_applied", "firewall is already applied to this resource");
  fw.applied_to.push(...targets);
  refreshFilters(ctx.state);
  return { status: 201, body: { actions: perTarget(ctx, fw, "apply_firewall", targets) } };
}

function removeFrom(ctx: Ctx, fw: FirewallRecord, targets: FirewallTarget[]): SimResponse {
  if (targets.some((t) => !fw.applied_to.some((x) => sameTarget(x, t))))
    throw new SimApiError(422, "firewall_already_removed", "firewall is not applied to this resource");
  fw.applied_to = fw.applied_to.filter((x) => !targets.some((t) => sameTarget(x, t)));
  refreshFilters(ctx.state);
  return { status: 201, body: { actions: perTarget(ctx, fw, "remove_firewall", targets) } };
}

function act(ctx: Ctx, command: string, resources: { id: number; type: string }[]): ActionRecord {
  return ctx.runner.start({ command, resources, realisticMs: 3000 }).action;
}

/** One action per target, like the real API's apply_firewall/remove_firewall actions. */
function perTarget(ctx: Ctx, fw: FirewallRecord, command: string, targets: FirewallTarget[]): ActionRecord[] {
  return targets.map((t) =>
    act(ctx, command, [
      { id: fw.id, type: "firewall" },
      ...(t.type === "server" ? [{ id: t.server.id, type: "server" }] : []),
    ]),
  );
}

function assertNameFree(state: CloudState, name: unknown): void {
  if ([...state.firewalls.values()].some((f) => f.name === name))
    throw uniquenessError("name", `firewall with name '${String(name)}' already exists`);
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
