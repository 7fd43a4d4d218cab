/**
 * The Robot firewall rule set of a Talos node as a pure function: the rules in order, the server's own
 * address left out, and Robot's limit of 10 input rules counted before anything is sent.
 * Does not prove: that Robot's firewall filters like the simulator's filter does.
 */
import * as assert from "assert";
import { robotRuleCount, robotTalosFirewallRules } from "../../../../provider/runtime/robot-firewall/talos-rules";

describe("Robot firewall rule set", () => {
  it("builds the Robot set without the server's own address and refuses more than 10 input rules", () => {
    const rules = robotTalosFirewallRules({ adminCidrs: ["2001:db8::/48"], nodeAddresses: ["10.0.0.2", "10.0.0.3", "10.0.0.9"], serverIp: "10.0.0.3" });
    assert.deepStrictEqual(rules.input.map((r) => [r.name, r.ipVersion ?? "*", r.srcIp ?? "*", r.protocol, r.dstPort ?? "*", r.tcpFlags ?? "-"]), [
      ["kubespan", "*", "*", "udp", "51820", "-"],
      ["icmp", "*", "*", "icmp", "*", "-"],
      ["talos api admin 1", "ipv6", "2001:db8::/48", "tcp", "50000-50001", "-"],
      ["kube api admin 1", "ipv6", "2001:db8::/48", "tcp", "6443", "-"],
      ["cluster node 1", "ipv4", "10.0.0.2/32", "tcp", "*", "-"],
      ["cluster node 2", "ipv4", "10.0.0.9/32", "tcp", "*", "-"],
      ["tcp established", "*", "*", "tcp", "32768-65535", "ack"],
      ["udp replies", "*", "*", "udp", "32768-65535", "-"],
    ]);
    assert.deepStrictEqual(rules.output, [{ name: "allow all", action: "accept" }]);
    const seven = ["10.0.0.1", "10.0.0.3", "10.0.0.5", "10.0.0.7", "10.0.0.9", "10.0.0.11", "10.0.0.13"];
    assert.deepStrictEqual([robotRuleCount({ adminCidrs: ["10.1.0.0/16"], nodeAddresses: seven }), robotRuleCount({ adminCidrs: ["bad"], nodeAddresses: [] })], [13, undefined]);
    assert.throws(() => robotTalosFirewallRules({ adminCidrs: ["10.1.0.0/16"], nodeAddresses: seven }), {
      name: "InputError",
      message: "[nodeAddresses] the rule set needs 13 input rules (4 fixed, 2 per admin CIDR × 1, 1 per node CIDR × 7), but Robot allows 10: list covering CIDRs instead of single addresses (adjacent addresses are merged already), or fewer admin CIDRs",
    });
  });
});
