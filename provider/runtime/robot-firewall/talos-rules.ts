/**
 * The Robot firewall rule set of a Talos node on a dedicated server. Robot's firewall is stateless,
 * checks input rules in order (first match decides; no match is discarded) and takes at most 10 rules
 * per direction (docs.hetzner.com/robot/dedicated-server/firewall), so every rule here earns its slot:
 *
 * 1. `kubespan`: UDP 51820 from anywhere (KubeSpan peers connect from any address).
 * 2. `icmp`: ICMP (path-MTU discovery, which the WireGuard MTU relies on; ping).
 * 3. per admin CIDR: `talos api` 50000-50001/tcp and `kube api` 6443/tcp.
 * 4. per cluster-node CIDR: all TCP — only the cluster's own addresses; nodes also need etcd
 *    (2379-2380) and the kubelet (10250) from each other, and one rule per source saves slots.
 * 5. `tcp established`: TCP with the ACK flag to the ephemeral ports — replies to the node's own
 *    connections (a stateless filter cannot track them; a SYN never matches `ack`).
 * 6. `udp replies`: UDP to the ephemeral ports — DNS and NTP answers (NTP must work or bootstrap
 *    waits forever on "time is not in sync yet"); nothing in Talos listens there but KubeSpan.
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
  /** This server's main IPv4, dropped from `nodeAddresses` (its own traffic never crosses its switch port). */
  serverIp?: string | null;
}

const family = (cidr: string): Pick<RobotFirewallRule, "ipVersion"> => ({ ipVersion: isIpv6Cidr(cidr) ? "ipv6" : "ipv4" });

function nodeSources(o: RobotTalosFirewallOptions): string[] {
  const own = o.serverIp ? formatCidr(parseCidr("serverIp", o.serverIp)) : undefined;
  const nodes = normalizeSources("nodeAddresses", o.nodeAddresses.map((a, i) => formatCidr(parseCidr(`nodeAddresses[${i}]`, a))).filter((c) => c !== own));
  return nodes;
}

/** The input and output rules for one server; throws InputError when they exceed Robot's 10 input rules. */
export function robotTalosFirewallRules(o: RobotTalosFirewallOptions): RobotFirewallRules {
  if (!Array.isArray(o.adminCidrs) || o.adminCidrs.length === 0) {
    throw new InputError("adminCidrs", "must list at least one CIDR: without one, nobody outside the cluster can reach the Talos or Kubernetes API");
  }
  if (!Array.isArray(o.nodeAddresses)) throw new InputError("nodeAddresses", "must be a list of addresses");
  const admins = normalizeSources("adminCidrs", o.adminCidrs);
  const nodes = nodeSources(o);
  const input: RobotFirewallRule[] = [
    { name: "kubespan", protocol: "udp", dstPort: "51820", action: "accept" },
    { name: "icmp", protocol: "icmp", action: "accept" },
    ...admins.flatMap((src, i): RobotFirewallRule[] => [
      { name: `talos api admin ${i + 1}`, ...family(src), srcIp: src, protocol: "tcp", dstPort: "50000-50001", action: "accept" },
      { name: `kube api admin ${i + 1}`, ...family(src), srcIp: src, protocol: "tcp", dstPort: "6443", action: "accept" },
    ]),
    ...nodes.map((src, i): RobotFirewallRule => ({ name: `cluster node ${i + 1}`, ...family(src), srcIp: src, protocol: "tcp", action: "accept" })),
    { name: "tcp established", protocol: "tcp", dstPort: EPHEMERAL, tcpFlags: "ack", action: "accept" },
    { name: "udp replies", protocol: "udp", dstPort: EPHEMERAL, action: "accept" },
  ];
  if (input.length > ROBOT_MAX_RULES) throw tooMany(input.length, admins.length, nodes.length);
  return { input, output: [{ name: "allow all", action: "accept" }] };
}

function tooMany(total: number, admins: number, nodes: number): InputError {
  return new InputError("nodeAddresses",
    `the rule set needs ${total} input rules (4 fixed, 2 per admin CIDR × ${admins}, 1 per node CIDR × ${nodes}), but Robot allows ${ROBOT_MAX_RULES}: ` +
    "list covering CIDRs instead of single addresses (adjacent addresses are merged already), or fewer admin CIDRs");
}

/** Input rules the set needs, or undefined when an entry is invalid (check reports that separately). */
export function robotRuleCount(o: RobotTalosFirewallOptions): number | undefined {
  try {
    return 4 + 2 * normalizeSources("adminCidrs", o.adminCidrs).length + nodeSources(o).length;
  } catch {
    return undefined;
  }
}
