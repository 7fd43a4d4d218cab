/**
 * The library's Robot rule sets pass the simulator's reading of Robot's rule checks
 * (docs/contracts/robot-firewall.md), and the drift comparison reads rules as Robot stores them.
 * The simulator's checks are its own code, so a misreading in the library would show here.
 */
import * as assert from "assert";
import { encodeForm } from "../../../../provider/hetzner/robot/form";
import { RobotFirewall, rulesFromWire, rulesToForm } from "../../../../provider/hetzner/robot/firewall-wire";
import { firewallDrift } from "../../../../provider/runtime/robot-firewall";
import { parseFirewallRules } from "../../../../provider/sim/apis/robot/firewall-rules";
import { parsePhpForm } from "../../../../provider/sim/apis/robot/form";
import {
  robotTalosFirewallRules,
  RobotTalosFirewallOptions,
} from "../../../../provider/runtime/robot-firewall/talos-rules";

const SETS: RobotTalosFirewallOptions[] = [
  { adminCidrs: ["203.0.113.0/24"], nodeAddresses: ["10.0.0.2", "10.0.0.3", "10.0.0.9"], serverIp: "10.0.0.3" },
  { adminCidrs: ["203.0.113.7", "198.51.100.0/24", "192.0.2.0/24"], nodeAddresses: [], filterIpv6: false },
  {
    adminCidrs: ["0.0.0.0/0"],
    nodeAddresses: ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6", "10.0.0.7", "10.0.0.8"],
    filterIpv6: false,
  },
];

/** What the simulated Robot stores for the rules the library posts, read back through the library. */
function storedByRobot(o: RobotTalosFirewallOptions): ReturnType<typeof rulesFromWire> {
  const posted = parsePhpForm(encodeForm({ rules: rulesToForm(robotTalosFirewallRules(o)) }));
  const stored = parseFirewallRules(posted.rules);
  return rulesFromWire(stored as unknown as Parameters<typeof rulesFromWire>[0]);
}

describe("Robot firewall rule sets under Robot's rule checks", () => {
  it("every generated set is accepted, and Robot stores it exactly as generated", () => {
    for (const o of SETS) assert.deepStrictEqual(storedByRobot(o), robotTalosFirewallRules(o), JSON.stringify(o));
  });

  it("drift compares rules in Robot's stored form: a bare address read back as /32 is no drift", () => {
    const inputs = {
      serverNumber: 1,
      adminCidrs: ["203.0.113.7"],
      nodeAddresses: ["10.0.0.2"],
      filterIpv6: true,
      whitelistHos: true,
    };
    const rules = robotTalosFirewallRules({ ...inputs, serverIp: "10.0.0.3" });
    const bare = {
      ...rules,
      input: rules.input.map((r) => (r.srcIp ? { ...r, srcIp: r.srcIp.replace(/\/32$/, "") } : r)),
    };
    const f: RobotFirewall = {
      serverNumber: 1,
      serverIp: "10.0.0.3",
      status: "active",
      filterIpv6: true,
      whitelistHos: true,
      port: "main",
      rules: bare,
    };
    assert.deepStrictEqual(firewallDrift(inputs, f), []);
    const other = {
      ...f,
      rules: { ...bare, input: bare.input.map((r) => (r.name === "cluster node a" ? { ...r, srcIp: "10.0.0.4" } : r)) },
    };
    assert.deepStrictEqual(firewallDrift(inputs, other), [
      'input rule "cluster node a" differs: Robot has {"name":"cluster node a","ipVersion":"ipv4","protocol":"tcp","action":"accept","srcIp":"10.0.0.4/32"}, ' +
        'expected {"name":"cluster node a","ipVersion":"ipv4","protocol":"tcp","action":"accept","srcIp":"10.0.0.2/32"}',
    ]);
  });
});
