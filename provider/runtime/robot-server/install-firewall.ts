/**
 * The Robot firewall of an install (issue 16, item 1; docs/maintenance-window.md): before rescue is
 * armed, the server's firewall is set to the Talos rule set for the admin CIDRs plus SSH from them,
 * and waited active, so neither the rescue system nor Talos maintenance mode ever answers anyone
 * else. It stays through the install and the reboot; `RobotFirewall` later replaces it with the
 * cluster's set (no SSH, node addresses added).
 */
import type { RobotClient, RobotFirewallRule, RobotFirewallRules } from "../../hetzner/robot";
import { InputError } from "../../internal/errors";
import { StepLogger } from "../../internal/log";
import { ROBOT_MAX_RULES, robotSources, robotTalosFirewallRules } from "../shared/robot-firewall-rules";

/** Rules of the install set that do not depend on the admin CIDRs: icmp, tcp established, udp (IPv4 and IPv6). */
const FIXED_RULES = 4;
/** Per admin CIDR: SSH, the Talos API and the Kubernetes API. */
const RULES_PER_ADMIN = 3;

/** Input rules the install set needs for these admin CIDRs (adjacent ones merged, as Robot gets them). */
export function installRuleCount(adminCidrs: readonly string[]): number {
  return FIXED_RULES + RULES_PER_ADMIN * robotSources("adminCidrs", adminCidrs).length;
}

/** Throws InputError naming adminCidrs when the install set would not fit Robot's 10 input rules. */
export function checkInstallRuleBudget(adminCidrs: readonly string[]): void {
  const admins = robotSources("adminCidrs", adminCidrs).length;
  const total = installRuleCount(adminCidrs);
  if (total <= ROBOT_MAX_RULES) return;
  throw new InputError(
    "adminCidrs",
    `the install firewall needs ${total} input rules (${FIXED_RULES} fixed, ${RULES_PER_ADMIN} per admin CIDR × ${admins}: SSH, Talos API, Kubernetes API), but Robot allows ${ROBOT_MAX_RULES}: ` +
      "list at most 2 IPv4 admin CIDRs (a covering CIDR for several addresses)",
  );
}

/** The install rule set: the Talos set without node addresses, plus `ssh admin <x>` per admin CIDR. */
export function installFirewallRules(adminCidrs: readonly string[], serverIp: string | null): RobotFirewallRules {
  checkInstallRuleBudget(adminCidrs);
  const set = robotTalosFirewallRules({ adminCidrs, nodeAddresses: [], serverIp, filterIpv6: true });
  const ssh = robotSources("adminCidrs", adminCidrs).map((src, i): RobotFirewallRule => ({
    name: `ssh admin ${String.fromCharCode(97 + i)}`,
    ipVersion: "ipv4",
    protocol: "tcp",
    srcIp: src,
    dstPort: "22",
    action: "accept",
  }));
  // Right after `icmp`, ahead of the Talos rules: Robot checks in order, and the order is what a reader expects.
  return { input: [set.input[0], ...ssh, ...set.input.slice(1)], output: set.output };
}

/** Where the install firewall is applied, and how long its wait may take. */
export interface InstallFirewallContext {
  robot: RobotClient;
  serverNumber: number;
  serverIp: string | null;
  adminCidrs: readonly string[];
  timeoutMs: number;
  timeScale: number;
  log: StepLogger;
}

/** Sets the install rule set and waits until Robot reports it active (about 30 s on Hetzner). */
export async function applyInstallFirewall(c: InstallFirewallContext): Promise<void> {
  const rules = installFirewallRules(c.adminCidrs, c.serverIp);
  const wait = { timeoutMs: c.timeoutMs, timeScale: c.timeScale };
  await c.robot.firewall.set(c.serverNumber, { status: "active", filterIpv6: true, whitelistHos: true, rules }, wait);
  await c.robot.firewall.waitActive(c.serverNumber, wait);
  c.log.info(
    `Robot firewall active with ${rules.input.length} input rules: SSH, Talos and Kubernetes API only from ${c.adminCidrs.join(", ")}; ICMP, replies and KubeSpan from anywhere`,
  );
}

/** The hint an SSH failure behind the install firewall carries: the firewall discards every other source. */
export function firewallHint(adminCidrs: readonly string[] | undefined): string {
  if (!adminCidrs?.length) return "";
  return (
    `; the server's Robot firewall admits SSH only from adminCidrs (${adminCidrs.join(", ")}), so if the address ` +
    "this program runs from is not among them, Robot discards the connection: add it to adminCidrs"
  );
}
