/**
 * Robot firewall rules as sent in `rules[input|output][i][field]` form fields and returned in
 * `{firewall:{rules:{input:[…],output:[…]}}}` (fixtures/robot/firewall-post.json), checked by
 * firewall-rule-checks.ts and kept in the form Robot stores them.
 */
import { RobotSimError, invalidInput } from "./errors";
import { PhpValue, listOf, stringOf } from "./form";
import { ruleProblems, storedForm } from "./firewall-rule-checks";

/** One rule in wire field order. */
export interface FirewallRule {
  ip_version: "ipv4" | "ipv6" | null;
  name: string | null;
  dst_ip: string | null;
  src_ip: string | null;
  dst_port: string | null;
  src_port: string | null;
  protocol: string | null;
  tcp_flags: string | null;
  action: "accept" | "discard";
}

/** Input and output rule lists. */
export interface FirewallRules {
  input: FirewallRule[];
  output: FirewallRule[];
}

/** Robot allows at most 10 rules per direction. */
export const MAX_RULES_PER_DIRECTION = 10;

/** Parses and validates the `rules` form field; throws 400 INVALID_INPUT or 409 FIREWALL_RULE_LIMIT_EXCEEDED. */
export function parseFirewallRules(field: PhpValue | undefined): FirewallRules {
  const missing: string[] = [];
  const invalid: string[] = [];
  const direction = (dir: "input" | "output") => {
    const raw = typeof field === "object" ? listOf(field[dir]) : [];
    if (raw.length > MAX_RULES_PER_DIRECTION) {
      throw new RobotSimError(
        409,
        "FIREWALL_RULE_LIMIT_EXCEEDED",
        `Firewall rule limit exceeded (${MAX_RULES_PER_DIRECTION} ${dir} rules)`,
      );
    }
    return raw.map((r, i) => parseRule(typeof r === "object" ? r : {}, `rules[${dir}][${i}]`, missing, invalid));
  };
  const rules = { input: direction("input"), output: direction("output") };
  if (missing.length || invalid.length) throw invalidInput(missing, invalid);
  return rules;
}

function parseRule(raw: Record<string, PhpValue>, at: string, missing: string[], invalid: string[]): FirewallRule {
  const text = (k: string) => stringOf(raw[k]) || null;
  const rule: FirewallRule = {
    ip_version: text("ip_version") as FirewallRule["ip_version"],
    name: text("name"),
    dst_ip: text("dst_ip"),
    src_ip: text("src_ip"),
    dst_port: text("dst_port"),
    src_port: text("src_port"),
    protocol: text("protocol"),
    tcp_flags: text("tcp_flags"),
    action: text("action") as FirewallRule["action"],
  };
  if (!rule.action) missing.push(`${at}[action]`);
  for (const k of ruleProblems(rule)) invalid.push(`${at}[${k}]`);
  return storedForm(rule);
}
