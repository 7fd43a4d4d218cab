/** Robot firewall types and their wire form (`rules[input][0][action]=accept`, fixtures/robot/firewall-post.json). */
import { FormFields } from "./form";

/** One firewall rule; unset fields match anything. */
export interface RobotFirewallRule {
  name?: string;
  ipVersion?: "ipv4" | "ipv6";
  dstIp?: string;
  srcIp?: string;
  /** "22" or a range "32768-65535". */
  dstPort?: string;
  srcPort?: string;
  protocol?: "tcp" | "udp" | "gre" | "icmp" | "ipip" | "ah" | "esp";
  /** e.g. "syn", "ack", "syn|fin". */
  tcpFlags?: string;
  action: "accept" | "discard";
}

/** Input rules decide inbound traffic in order (first match wins, no match is discarded). */
export interface RobotFirewallRules {
  input: RobotFirewallRule[];
  output: RobotFirewallRule[];
}

/** A server's firewall. */
export interface RobotFirewall {
  serverNumber: number;
  serverIp: string | null;
  status: "active" | "disabled" | "in process";
  filterIpv6: boolean;
  whitelistHos: boolean;
  port: string;
  rules: RobotFirewallRules;
}

/** What to set: explicit rules or a template. */
export type RobotFirewallConfig = {
  status: "active" | "disabled";
  filterIpv6?: boolean;
  /** Let Hetzner services (rescue, monitoring, DHCP) through. */
  whitelistHos?: boolean;
} & ({ rules: Partial<RobotFirewallRules> } | { templateId: number });

/** A firewall template. */
export interface RobotFirewallTemplate {
  id: number;
  name: string;
  filterIpv6: boolean;
  whitelistHos: boolean;
  isDefault: boolean;
  /** Only `getTemplate` returns rules. */
  rules?: RobotFirewallRules;
}

type RuleWire = Record<
  "ip_version" | "name" | "dst_ip" | "src_ip" | "dst_port" | "src_port" | "protocol" | "tcp_flags" | "action",
  string | null
>;

/** The wire firewall object. */
export interface FirewallWire {
  server_number: number;
  server_ip?: string | null;
  status: RobotFirewall["status"];
  filter_ipv6: boolean;
  whitelist_hos: boolean;
  port: string;
  rules?: { input?: RuleWire[]; output?: RuleWire[] };
}

const FIELDS: [keyof RobotFirewallRule, keyof RuleWire][] = [
  ["ipVersion", "ip_version"],
  ["name", "name"],
  ["dstIp", "dst_ip"],
  ["srcIp", "src_ip"],
  ["dstPort", "dst_port"],
  ["srcPort", "src_port"],
  ["protocol", "protocol"],
  ["tcpFlags", "tcp_flags"],
  ["action", "action"],
];

/** Rules from the wire; null fields are left out. */
export function rulesFromWire(w: FirewallWire["rules"]): RobotFirewallRules {
  const rule = (r: RuleWire) =>
    Object.fromEntries(
      FIELDS.filter(([, k]) => r[k] !== null && r[k] !== undefined).map(([f, k]) => [f, r[k]]),
    ) as unknown as RobotFirewallRule;
  return { input: (w?.input ?? []).map(rule), output: (w?.output ?? []).map(rule) };
}

/** Rules as form fields (`rules[input][i][field]`). */
export function rulesToForm(rules: Partial<RobotFirewallRules>): FormFields {
  const rule = (r: RobotFirewallRule): FormFields => Object.fromEntries(FIELDS.map(([f, k]) => [k, r[f]]));
  return { input: (rules.input ?? []).map(rule), output: (rules.output ?? []).map(rule) };
}

/** The firewall from the wire. */
export function firewallFromWire(w: FirewallWire): RobotFirewall {
  return {
    serverNumber: w.server_number,
    serverIp: w.server_ip || null,
    status: w.status,
    filterIpv6: w.filter_ipv6,
    whitelistHos: w.whitelist_hos,
    port: w.port,
    rules: rulesFromWire(w.rules),
  };
}

/**
 * A rule in the form Robot stores it (docs/contracts/robot-firewall.md RF-8): a single address as
 * a /32 (or /128) network, fields left out rather than empty. Compare rules only in this form.
 */
export function normalizeRobotRule(r: RobotFirewallRule): RobotFirewallRule {
  const cidr = (v: string | undefined) => (v && !v.includes("/") ? `${v}/${v.includes(":") ? 128 : 32}` : v);
  const out: Record<string, string | undefined> = { ...r, srcIp: cidr(r.srcIp), dstIp: cidr(r.dstIp) };
  for (const k of Object.keys(out)) if (out[k] === undefined || out[k] === "") delete out[k];
  return out as unknown as RobotFirewallRule;
}
