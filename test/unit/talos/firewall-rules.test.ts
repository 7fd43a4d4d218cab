/**
 * The firewall rule sets as pure functions: CIDR parsing and exact aggregation, the hcloud rules
 * (checked against the Cloud simulator's filter semantics); the Robot set: test/unit/runtime/robot-firewall/talos-rules.test.ts.
 * Does not prove: that the real Hetzner firewalls filter like the simulator's filters do.
 */
import * as assert from "assert";
import { inboundFilter as cloudFilter } from "../../../provider/sim/apis/cloud/firewall-rules";
import {
  aggregateCidrs,
  formatCidr,
  kubeSpanFirewallRules,
  normalizeSources,
  parseCidr,
  talosAdminFirewallRules,
  toCloudApiRules,
} from "../../../provider/talos/firewall-rules";

describe("firewall rule sets", () => {
  it("parses addresses and CIDRs in both families and refuses host bits, naming the field", () => {
    assert.strictEqual(formatCidr(parseCidr("f", "203.0.113.7")), "203.0.113.7/32");
    assert.strictEqual(formatCidr(parseCidr("f", "2001:db8:0:0:1::/80")), "2001:db8:0:0:1::/80");
    assert.strictEqual(formatCidr(parseCidr("f", "2001:db8::")), "2001:db8::/128");
    assert.strictEqual(formatCidr(parseCidr("f", "::/0")), "::/0");
    assert.throws(() => parseCidr("adminCidrs[2]", "10.0.0.1/24"), {
      name: "InputError",
      message: '[adminCidrs[2]] "10.0.0.1/24" has host bits set; use its network 10.0.0.0/24',
    });
    assert.throws(() => parseCidr("x", "10.0.0.0/33"), {
      message: '[x] prefix /33 is longer than an IPv4 address in "10.0.0.0/33"',
    });
    assert.throws(() => parseCidr("x", "cp-1"), {
      message: '[x] must be an IP address or CIDR like 203.0.113.0/24 or 2001:db8::/32, got "cp-1"',
    });
  });

  it("merges sources into the fewest CIDRs covering exactly the same addresses", () => {
    const agg = (xs: string[]) => aggregateCidrs(xs.map((x) => parseCidr("x", x))).map(formatCidr);
    assert.deepStrictEqual(agg(["10.0.0.2", "10.0.0.3", "10.0.0.1", "10.0.0.0"]), ["10.0.0.0/30"]);
    assert.deepStrictEqual(
      agg(["10.0.0.3", "10.0.0.4"]),
      ["10.0.0.3/32", "10.0.0.4/32"],
      "unaligned neighbours never widen",
    );
    assert.deepStrictEqual(agg(["10.0.0.0/24", "10.0.0.9", "10.0.0.0/24", "2001:db8::1", "2001:db8::"]), [
      "10.0.0.0/24",
      "2001:db8::/127",
    ]);
    assert.deepStrictEqual(normalizeSources("n", ["192.0.2.4", "192.0.2.5", "192.0.2.6", "192.0.2.7", "192.0.2.8"]), [
      "192.0.2.4/30",
      "192.0.2.8/32",
    ]);
  });

  it("gives hcloud rules for KubeSpan and for the Talos and Kubernetes APIs, and they filter as intended", () => {
    assert.deepStrictEqual(kubeSpanFirewallRules(), [
      {
        direction: "in",
        protocol: "udp",
        port: "51820",
        sourceIps: ["0.0.0.0/0", "::/0"],
        description: "KubeSpan WireGuard between cluster nodes",
      },
    ]);
    const admin = talosAdminFirewallRules(["198.51.100.0/24"], ["203.0.113.4", "203.0.113.5"]);
    assert.deepStrictEqual(
      admin.map((r) => [r.protocol, r.port, r.sourceIps]),
      [
        ["tcp", "50000-50001", ["198.51.100.0/24", "203.0.113.4/31"]],
        ["tcp", "6443", ["198.51.100.0/24", "203.0.113.4/31"]],
      ],
    );
    const wire = toCloudApiRules([...kubeSpanFirewallRules(), ...admin]);
    assert.deepStrictEqual(wire[0], {
      direction: "in",
      protocol: "udp",
      port: "51820",
      source_ips: ["0.0.0.0/0", "::/0"],
      description: "KubeSpan WireGuard between cluster nodes",
    });
    const allows = cloudFilter([
      wire.map((r) => ({
        ...r,
        port: r.port ?? null,
        source_ips: r.source_ips ?? [],
        destination_ips: [],
        description: r.description ?? null,
      })),
    ]);
    assert.deepStrictEqual(
      [
        allows("udp", 51820, "192.0.2.1"),
        allows("tcp", 50000, "198.51.100.9"),
        allows("tcp", 6443, "203.0.113.5"),
        allows("tcp", 50001, "203.0.113.6"),
        allows("tcp", 22, "198.51.100.9"),
        allows("udp", 51821, "192.0.2.1"),
      ],
      [true, true, true, false, false, false],
    );
    assert.throws(() => talosAdminFirewallRules([]), {
      message:
        "[adminCidrs] must list at least one CIDR: without one, nobody outside the cluster can reach the Talos or Kubernetes API",
    });
    assert.throws(() => talosAdminFirewallRules(["10.0.0.0/8"], ["node-1"]), {
      message: '[nodeAddresses[0]] must be an IP address or CIDR like 203.0.113.0/24 or 2001:db8::/32, got "node-1"',
    });
  });
});
