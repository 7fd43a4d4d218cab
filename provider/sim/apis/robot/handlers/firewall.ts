/**
 * Per-server firewall: `GET/POST/DELETE /firewall/{n}`. A change answers "in process" and takes a
 * realistic 30 s before it is "active" (or "disabled"); changes meanwhile get 409
 * FIREWALL_IN_PROCESS. An active firewall installs its inbound filter on the machine.
 */
import { RobotHandler } from "../call";
import { RobotSimError, invalidInput } from "../errors";
import { inboundFilter } from "../firewall-filter";
import { FirewallRules, parseFirewallRules } from "../firewall-rules";
import { PhpArray, boolOf, stringOf } from "../form";
import { FirewallState, RobotSimState, SimServer } from "../state";

/** Realistic time a firewall change takes to apply, ms. */
export const FIREWALL_APPLY_MS = 30_000;

function view(s: SimServer): Record<string, unknown> {
  const f = s.firewall;
  return {
    server_ip: s.machine.spec.ipv4,
    server_number: s.scenario.number,
    status: f.status,
    filter_ipv6: f.filterIpv6,
    whitelist_hos: f.whitelistHos,
    port: "main",
    rules: f.rules,
  };
}

function idleServer(state: RobotSimState, n: string): SimServer {
  const s = state.server(n);
  if (s.firewall.status === "in process") {
    throw new RobotSimError(
      409,
      "FIREWALL_IN_PROCESS",
      "The firewall cannot be updated because an update is in process",
    );
  }
  return s;
}

/** Reads the requested settings from the form; rules come from `template_id` when given. */
function requested(
  state: RobotSimState,
  s: SimServer,
  form: PhpArray,
): Omit<FirewallState, "status"> & { status: "active" | "disabled" } {
  const templateId = stringOf(form.template_id);
  const template = templateId === undefined ? undefined : state.templates.get(Number(templateId));
  if (templateId !== undefined && !template) {
    throw new RobotSimError(404, "FIREWALL_TEMPLATE_NOT_FOUND", "Firewall template not found");
  }
  const status = stringOf(form.status) ?? (template ? "active" : undefined);
  const filterIpv6 = boolOf(form.filter_ipv6, template?.filter_ipv6 ?? s.firewall.filterIpv6);
  const whitelistHos = boolOf(form.whitelist_hos, template?.whitelist_hos ?? s.firewall.whitelistHos);
  const rules: FirewallRules = template ? template.rules : parseFirewallRules(form.rules);
  const invalid = [
    ...(status !== undefined && status !== "active" && status !== "disabled" ? ["status"] : []),
    ...(filterIpv6 === "invalid" ? ["filter_ipv6"] : []),
    ...(whitelistHos === "invalid" ? ["whitelist_hos"] : []),
  ];
  if (status === undefined || invalid.length) throw invalidInput(status === undefined ? ["status"] : [], invalid);
  return {
    status: status as "active" | "disabled",
    filterIpv6: filterIpv6 as boolean,
    whitelistHos: whitelistHos as boolean,
    rules,
  };
}

/** Marks the firewall "in process", then after the apply delay sets the final status and the machine's filter. */
function apply(
  state: RobotSimState,
  s: SimServer,
  next: Omit<FirewallState, "status"> & { status: "active" | "disabled" },
): void {
  s.firewall = { ...next, status: "in process" };
  void state.delay(FIREWALL_APPLY_MS).then(() => {
    if (state.stopped) return;
    s.firewall.status = next.status;
    const spec = s.machine.spec;
    s.machine.setInboundFilter(
      next.status === "active"
        ? inboundFilter(next.rules.input, next.filterIpv6, { ipv4: spec.ipv4, ipv6Net: spec.ipv6Net })
        : undefined,
    );
  });
}

/** GET /firewall/{n}. */
export const getFirewall: RobotHandler = ({ state, params }) => ({ body: { firewall: view(state.server(params.n)) } });

/** POST /firewall/{n}: status, filter_ipv6, whitelist_hos and rules[…] or template_id. */
export const postFirewall: RobotHandler = ({ state, params, form }) => {
  const s = idleServer(state, params.n);
  apply(state, s, requested(state, s, form));
  return { body: { firewall: view(s) } };
};

/** DELETE /firewall/{n}: clears every rule and disables the firewall. */
export const deleteFirewall: RobotHandler = ({ state, params }) => {
  const s = idleServer(state, params.n);
  apply(state, s, { ...s.firewall, status: "disabled", rules: { input: [], output: [] } });
  return { body: { firewall: view(s) } };
};
