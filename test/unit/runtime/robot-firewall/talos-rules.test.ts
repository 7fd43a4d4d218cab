/**
 * The Robot firewall rule set of a Talos node as a pure function: the rules in order, the server's own
 * address left out, and Robot's limit of 10 input rules counted before anything is sent.
 * Does not prove: that Robot's firewall filters like the simulator's filter does.
 */
import * as assert from "assert";
import { robotRuleCount, robotTalosFirewallRules } from "../../../../provider/runtime/robot-firewall/talos-rules";

describe("Robot firewall rule set", () => {
  it("builds the Robot set without the server's own address and refuses more than 10 input rules", () => {
    const rules = robotTalosFirewallRules({
      adminCidrs: ["203.0.113.0/24"],
      nodeAddresses: ["10.0.0.2", "10.0.0.3", "10.0.0.9"],
      serverIp: "10.0.0.3",
    });
    assert.deepStrictEqual(
      rules.input.map((r) => [
        r.name,
        r.ipVersion ?? "*",
        r.srcIp ?? "*",
        r.protocol,
        r.dstPort ?? "*",
        r.tcpFlags ?? "-",
      ]),
      [
        ["icmp", "ipv4", "*", "icmp", "*", "-"],
        ["talos api admin a", "ipv4", "203.0.113.0/24", "tcp", "50000-50001", "-"],
        ["kube api admin a", "ipv4", "203.0.113.0/24", "tcp", "6443", "-"],
        ["cluster node a", "ipv4", "10.0.0.2/32", "tcp", "*", "-"],
        ["cluster node b", "ipv4", "10.0.0.9/32", "tcp", "*", "-"],
        ["tcp established", "ipv4", "*", "tcp", "32768-65535", "ack"],
        ["udp and kubespan", "ipv4", "*", "udp", "32768-65535", "-"],
        ["udp and kubespan ipv six", "ipv6", "*", "udp", "32768-65535", "-"],
      ],
    );
    assert.deepStrictEqual(rules.output, [{ name: "allow all", action: "accept" }]);
    const noV6 = robotTalosFirewallRules({ adminCidrs: ["203.0.113.0/24"], nodeAddresses: [], filterIpv6: false });
    assert.deepStrictEqual(
      noV6.input.map((r) => r.name),
      ["icmp", "talos api admin a", "kube api admin a", "tcp established", "udp and kubespan"],
    );
    const seven = ["10.0.0.1", "10.0.0.3", "10.0.0.5", "10.0.0.7", "10.0.0.9", "10.0.0.11", "10.0.0.13"];
    assert.deepStrictEqual(
      [
        robotRuleCount({ adminCidrs: ["10.1.0.0/16"], nodeAddresses: seven }),
        robotRuleCount({ adminCidrs: ["10.1.0.0/16"], nodeAddresses: seven, filterIpv6: false }),
        robotRuleCount({ adminCidrs: ["bad"], nodeAddresses: [] }),
      ],
      [13, 12, undefined],
    );
    assert.throws(() => robotTalosFirewallRules({ adminCidrs: ["10.1.0.0/16"], nodeAddresses: seven }), {
      name: "InputError",
      message:
        "[nodeAddresses] the rule set needs 13 input rules (4 fixed, 2 per admin CIDR × 1, 1 per node CIDR × 7), but Robot allows 10: list covering CIDRs instead of single addresses (adjacent addresses are merged already), or fewer admin CIDRs",
    });
  });

  it("refuses IPv6 sources for Robot, which matches IPv6 packets by protocol and port only", () => {
    assert.throws(
      () => robotTalosFirewallRules({ adminCidrs: ["203.0.113.0/24", "2001:db8::/48"], nodeAddresses: [] }),
      {
        name: "InputError",
        message:
          "[adminCidrs[1]] 2001:db8::/48 is IPv6, but Robot's firewall matches IPv6 packets by protocol and port only, never by address, so it cannot admit an IPv6 source; " +
          "list IPv4 addresses or CIDRs (IPv6 access to the Talos and Kubernetes APIs stays closed while filterIpv6 is on)",
      },
    );
    assert.throws(() => robotTalosFirewallRules({ adminCidrs: ["203.0.113.0/24"], nodeAddresses: ["2a01:4f8::1"] }), {
      message: /^\[nodeAddresses\[0\]\] 2a01:4f8::1\/128 is IPv6, but Robot's firewall/,
    });
  });
});
