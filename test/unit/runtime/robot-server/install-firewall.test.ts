/**
 * The install firewall's rule set (issue 16, item 1): SSH, the Talos API and the Kubernetes API from
 * each admin CIDR only, the replies and KubeSpan a stateless filter needs, within Robot's 10 input
 * rules, and the preview check that names the count. Does not prove: what Robot accepts (the
 * simulator's rule checks do, in the engine and integration tests).
 */
import * as assert from "assert";
import {
  checkInstallRuleBudget,
  firewallHint,
  installFirewallRules,
  installRuleCount,
} from "../../../../provider/runtime/robot-server/install-firewall";
import { checkInputs } from "../../../../provider/runtime/robot-server/check";

const EPHEMERAL = "32768-65535";

describe("RobotServer install firewall", () => {
  it("admits SSH and the APIs from each admin CIDR, with the replies and KubeSpan from anywhere", () => {
    const rules = installFirewallRules(["203.0.113.7/32", "198.51.100.0/24"], "144.76.1.2");
    const tcp = { ipVersion: "ipv4", protocol: "tcp", action: "accept" };
    assert.deepStrictEqual(rules.input, [
      { name: "icmp", ipVersion: "ipv4", protocol: "icmp", action: "accept" },
      { name: "ssh admin a", ...tcp, srcIp: "198.51.100.0/24", dstPort: "22" },
      { name: "ssh admin b", ...tcp, srcIp: "203.0.113.7/32", dstPort: "22" },
      { name: "talos api admin a", ...tcp, srcIp: "198.51.100.0/24", dstPort: "50000-50001" },
      { name: "kube api admin a", ...tcp, srcIp: "198.51.100.0/24", dstPort: "6443" },
      { name: "talos api admin b", ...tcp, srcIp: "203.0.113.7/32", dstPort: "50000-50001" },
      { name: "kube api admin b", ...tcp, srcIp: "203.0.113.7/32", dstPort: "6443" },
      { name: "tcp established", ...tcp, dstPort: EPHEMERAL, tcpFlags: "ack" },
      { name: "udp and kubespan", ipVersion: "ipv4", protocol: "udp", dstPort: EPHEMERAL, action: "accept" },
      { name: "udp and kubespan ipv six", ipVersion: "ipv6", protocol: "udp", dstPort: EPHEMERAL, action: "accept" },
    ]);
    assert.deepStrictEqual(rules.output, [{ name: "allow all", action: "accept" }]);
  });

  it("counts 4 fixed rules and 3 per admin CIDR, merging adjacent ones as Robot gets them", () => {
    assert.deepStrictEqual(
      [installRuleCount(["203.0.113.7/32"]), installRuleCount(["10.0.0.0/25", "10.0.0.128/25"])],
      [7, 7],
    );
  });

  it("refuses a third admin CIDR with the count, at preview", () => {
    const three = ["203.0.113.7/32", "198.51.100.7/32", "192.0.2.7/32"];
    const text =
      "[adminCidrs] the install firewall needs 13 input rules (4 fixed, 3 per admin CIDR × 3: SSH, Talos API, Kubernetes API), but Robot allows 10: list at most 2 IPv4 admin CIDRs (a covering CIDR for several addresses)";
    assert.throws(() => checkInstallRuleBudget(three), { message: text });
    const failures = checkInputs({
      serverNumber: 1,
      image: { version: "v1.13.9" },
      installDisk: { type: "nvme" },
      adminCidrs: three,
    });
    assert.deepStrictEqual(failures, [{ property: "adminCidrs", reason: text }]);
  });

  it("refuses an IPv6 admin CIDR (Robot cannot match IPv6 sources) and an empty list", () => {
    const base = { serverNumber: 1, image: { version: "v1.13.9" }, installDisk: { type: "nvme" } };
    assert.deepStrictEqual(
      checkInputs({ ...base, adminCidrs: [] }).map((f) => f.reason),
      ["[adminCidrs] must list at least one IPv4 CIDR when set"],
    );
    assert.match(
      checkInputs({ ...base, adminCidrs: ["2001:db8::/64"] })[0].reason,
      /^\[adminCidrs\[0\]\] 2001:db8::\/64 is IPv6/,
    );
  });

  it("names adminCidrs in an SSH failure only when the firewall was set", () => {
    assert.strictEqual(firewallHint(undefined), "");
    assert.strictEqual(
      firewallHint(["203.0.113.7/32"]),
      "; the server's Robot firewall admits SSH only from adminCidrs (203.0.113.7/32), so if the address this program runs from is not among them, Robot discards the connection: add it to adminCidrs",
    );
  });
});
