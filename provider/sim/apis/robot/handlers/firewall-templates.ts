/** Firewall templates: `GET/POST /firewall/template`, `GET/DELETE /firewall/template/{id}`. */
import { RobotHandler } from "../call";
import { invalidInput, notFound } from "../errors";
import { parseFirewallRules } from "../firewall-rules";
import { boolOf, stringOf } from "../form";
import { FirewallTemplate, RobotSimState } from "../state";
import { wrapEach } from "./views";

function template(state: RobotSimState, id: string): FirewallTemplate {
  const found = /^\d+$/.test(id) ? state.templates.get(Number(id)) : undefined;
  if (!found) throw notFound("Firewall template not found");
  return found;
}

/** GET /firewall/template: the list shape has no rules (fixtures/robot/firewall-template-list.json). */
export const listTemplates: RobotHandler = ({ state }) => {
  if (state.templates.size === 0) throw notFound("No firewall templates found");
  const items = [...state.templates.values()].map(({ rules, ...summary }) => summary);
  return { body: wrapEach("firewall_template", items) };
};

/** GET /firewall/template/{id}. */
export const getTemplate: RobotHandler = ({ state, params }) => ({
  body: { firewall_template: template(state, params.id) },
});

/** POST /firewall/template: name, filter_ipv6, whitelist_hos, is_default, rules[…]; 201. */
export const createTemplate: RobotHandler = ({ state, form }) => {
  const name = stringOf(form.name);
  const flags = {
    filter_ipv6: boolOf(form.filter_ipv6, false),
    whitelist_hos: boolOf(form.whitelist_hos, true),
    is_default: boolOf(form.is_default, false),
  };
  const invalid = Object.entries(flags)
    .filter(([, v]) => v === "invalid")
    .map(([k]) => k);
  if (!name || invalid.length) throw invalidInput(name ? [] : ["name"], invalid);
  const rules = parseFirewallRules(form.rules);
  const created = { id: state.nextTemplateId++, name, ...(flags as Record<keyof typeof flags, boolean>), rules };
  state.templates.set(created.id, created);
  return { status: 201, body: { firewall_template: created } };
};

/** DELETE /firewall/template/{id}: empty body. */
export const deleteTemplate: RobotHandler = ({ state, params }) => {
  state.templates.delete(template(state, params.id).id);
  return {};
};
