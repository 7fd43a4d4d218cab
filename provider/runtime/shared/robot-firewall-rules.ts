/**
 * The Robot firewall rule set of a Talos node on a dedicated server. Robot's firewall is stateless,
 * checks input rules in order (first match decides; no match is discarded) and takes at most 10 rules
 * per direction. Every rule must pass Robot's own checks (docs/contracts/robot-firewall.md, ids RF-n):
 * names of letters, spaces and `.-+_@` only (RF-2), a protocol or address only with an ip_version
 * (RF-3), and no addresses on IPv6 rules (RF-4). So every slot here is earned:
 *
 * 1. `icmp`: IPv4 ICMP (path-MTU discovery, which the WireGuard MTU relies on; ping). Robot never
 *    filters ICMPv6 (RF-9).
 * 2. per admin CIDR (IPv4 only, RF-4): `talos api admin a` 50000-50001/tcp, `kube api admin a` 6443/tcp.
 * 3. per cluster-node CIDR: all TCP — only the cluster's own addresses; nodes also need etcd
 *    (2379-2380) and the kubelet (10250) from each other, and one rule per source saves slots.
 * 4. `tcp established`: IPv4 TCP with the ACK flag to the ephemeral ports — replies to the node's
 *    own connections (a stateless filter cannot track them; a SYN never matches `ack`).
 * 5. `udp and kubespan`: IPv4 UDP to the ephemeral ports — DNS and NTP answers (NTP must work or
 *    bootstrap waits forever on "time is not in sync yet") and KubeSpan, whose port 51820 lies in
 *    that range; nothing else in Talos listens on UDP there.
 * 6. with filterIpv6, `udp and kubespan ipv six`: the same for IPv6. IPv6 TCP replies get no slot:
 *    Go's dialers fall back to IPv4 when an IPv6 connection does not complete.
 * Output: one `allow all` rule, so DNS, NTP, image pulls and KubeSpan leave whatever Robot's default is.
 */
import { InputError } from "../../internal/errors";
import type { RobotFirewallRule, RobotFirewallRules } from "../../hetzner/robot/firewall-wire";
import { formatCidr, isIpv6Cidr, normalizeSources, parseCidr } from "../../internal/cidr";

/** Robot's limit of rules per direction. */
export const ROBOT_MAX_RULES = 10;
/** Linux's ephemeral port range lies inside this (net.ipv4.ip_local_port_range 32768-60999). */
const EPHEMERAL = "32768-65535";

/** What the Robot rule set admits. */
export interface RobotTalosFirewallOptions {
  /** CIDRs of the people and CI that run talosctl/kubectl. */
  adminCidrs: readonly string[];
  /** Addresses (or CIDRs) of every cluster node, this server's own included (it is left out). */
  nodeAddresses: readonly string[];
  /** Whether Robot filters IPv6 too (adds the IPv6 UDP rule). @default true */
  filterIpv6?: boolean;
  /** This server's main IPv4, dropped from `nodeAddresses` (its own traffic never crosses its switch port). */
  serverIp?: string | null;
}

/** Rule names take letters only (RF-2), so the n-th admin or node is "a", "b", … */
const letter = (i: number): string => String.fromCharCode(97 + i);

/** Robot matches IPv6 packets by protocol and port only (RF-4), so a source must be IPv4. */
export function robotSources(field: string, cidrs: readonly string[]): string[] {
  cidrs.forEach((c, i) => {
    if (!isIpv6Cidr(formatCidr(parseCidr(`${field}[${i}]`, c)))) return;
    throw new InputError(
      `${field}[${i}]`,
      `${c} is IPv6, but Robot's firewall matches IPv6 packets by protocol and port only, never by address, ` +
        "so it cannot admit an IPv6 source; list IPv4 addresses or CIDRs (IPv6 access to the Talos and Kubernetes APIs stays closed while filterIpv6 is on)",
    );
  });
  return normalizeSources(field, cidrs);
}

function nodeSources(o: RobotTalosFirewallOptions): string[] {
  const own = o.serverIp ? formatCidr(parseCidr("serverIp", o.serverIp)) : undefined;
  const nodes = o.nodeAddresses.map((a, i) => formatCidr(parseCidr(`nodeAddresses[${i}]`, a)));
  return robotSources(
    "nodeAddresses",
    nodes.filter((c) => c !== own),
  );
}

function fixedRules(filterIpv6: boolean): { head: RobotFirewallRule[]; tail: RobotFirewallRule[] } {
  const udp = (ipVersion: "ipv4" | "ipv6", suffix: string): RobotFirewallRule => ({
    name: `udp and kubespan${suffix}`,
    ipVersion,
    protocol: "udp",
    dstPort: EPHEMERAL,
    action: "accept",
  });
  return {
    head: [{ name: "icmp", ipVersion: "ipv4", protocol: "icmp", action: "accept" }],
    tail: [
      {
        name: "tcp established",
        ipVersion: "ipv4",
        protocol: "tcp",
        dstPort: EPHEMERAL,
        tcpFlags: "ack",
        action: "accept",
      },
      udp("ipv4", ""),
      ...(filterIpv6 ? [udp("ipv6", " ipv six")] : []),
    ],
  };
}

/** The input and output rules for one server; throws InputError when they exceed Robot's 10 input rules. */
export function robotTalosFirewallRules(o: RobotTalosFirewallOptions): RobotFirewallRules {
  if (!Array.isArray(o.adminCidrs) || o.adminCidrs.length === 0) {
    throw new InputError(
      "adminCidrs",
      "must list at least one CIDR: without one, nobody outside the cluster can reach the Talos or Kubernetes API",
    );
  }
  if (!Array.isArray(o.nodeAddresses)) throw new InputError("nodeAddresses", "must be a list of addresses");
  const admins = robotSources("adminCidrs", o.adminCidrs);
  const nodes = nodeSources(o);
  const { head, tail } = fixedRules(o.filterIpv6 ?? true);
  const v4 = { ipVersion: "ipv4", protocol: "tcp", action: "accept" } as const;
  const input: RobotFirewallRule[] = [
    ...head,
    ...admins.flatMap((src, i): RobotFirewallRule[] => [
      { name: `talos api admin ${letter(i)}`, ...v4, srcIp: src, dstPort: "50000-50001" },
      { name: `kube api admin ${letter(i)}`, ...v4, srcIp: src, dstPort: "6443" },
    ]),
    ...nodes.map((src, i): RobotFirewallRule => ({ name: `cluster node ${letter(i)}`, ...v4, srcIp: src })),
    ...tail,
  ];
  if (input.length > ROBOT_MAX_RULES)
    throw tooMany(input.length, head.length + tail.length, admins.length, nodes.length);
  return { input, output: [{ name: "allow all", action: "accept" }] };
}

function tooMany(total: number, fixed: number, admins: number, nodes: number): InputError {
  return new InputError(
    "nodeAddresses",
    `the rule set needs ${total} input rules (${fixed} fixed, 2 per admin CIDR × ${admins}, 1 per node CIDR × ${nodes}), but Robot allows ${ROBOT_MAX_RULES}: ` +
      "list covering CIDRs instead of single addresses (adjacent addresses are merged already), or fewer admin CIDRs",
  );
}

/** Input rules the set needs, or undefined when an entry is invalid (check reports that separately). */
export function robotRuleCount(o: RobotTalosFirewallOptions): number | undefined {
  try {
    const { head, tail } = fixedRules(o.filterIpv6 ?? true);
    return head.length + tail.length + 2 * robotSources("adminCidrs", o.adminCidrs).length + nodeSources(o).length;
  } catch {
    return undefined;
  }
}
