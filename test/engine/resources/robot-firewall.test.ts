/**
 * RobotFirewall through the REAL dynamic-provider host against the Robot simulator: the exact rule
 * set on a cluster control plane and what the simulated switch then lets through, check errors,
 * waiting out FIREWALL_IN_PROCESS until Robot reports `active`, drift on refresh and the update that
 * fixes it, delete (cleared) and keepOnDelete, and no Robot credential in state or logs.
 * Does not prove: that Hetzner's real switch filters exactly like the simulator (it follows the Robot
 * documentation: first matching input rule decides, no match discards, 10 rules per direction).
 */
import * as assert from "assert";
import { RobotClient } from "../../../provider/hetzner/robot";
import { ClusterWorld, ROBOT_PASSWORD, urnOf } from "./talos-bootstrap/world";

const SPARE = 2325004;

describe("engine: RobotFirewall", function () {
  this.timeout(120_000);
  let w: ClusterWorld;
  let robot: RobotClient;

  before(async () => {
    w = await ClusterWorld.get();
    robot = new RobotClient({ url: w.robot.url, user: "robot-ws-user", password: ROBOT_PASSWORD });
  });

  it("sets the Talos rule set on a control plane: KubeSpan from anywhere, APIs from admins, all TCP from the other nodes", async () => {
    const [cp1, cp2, cp3, wk1, wk2] = w.nodes;
    assert.deepStrictEqual(
      w.nodes.map((n) => n.address),
      ["127.10.16.101", "127.10.16.102", "127.10.16.103", "127.20.0.173", "127.20.0.174"],
    );
    const o = w.h.state.get(urnOf("RobotFirewall", "fw-cp-1"))!.outputs;
    assert.deepStrictEqual([o.status, o.serverIp, o.inputRuleCount, o.drift], ["active", cp1.address, 9, []]);
    assert.deepStrictEqual(o.rules, {
      input: [
        { name: "icmp", ipVersion: "ipv4", protocol: "icmp", action: "accept" },
        {
          name: "talos api admin a",
          ipVersion: "ipv4",
          srcIp: "127.0.0.1/32",
          protocol: "tcp",
          dstPort: "50000-50001",
          action: "accept",
        },
        {
          name: "kube api admin a",
          ipVersion: "ipv4",
          srcIp: "127.0.0.1/32",
          protocol: "tcp",
          dstPort: "6443",
          action: "accept",
        },
        { name: "cluster node a", ipVersion: "ipv4", srcIp: "127.10.16.102/31", protocol: "tcp", action: "accept" },
        { name: "cluster node b", ipVersion: "ipv4", srcIp: "127.20.0.173/32", protocol: "tcp", action: "accept" },
        { name: "cluster node c", ipVersion: "ipv4", srcIp: "127.20.0.174/32", protocol: "tcp", action: "accept" },
        {
          name: "tcp established",
          ipVersion: "ipv4",
          protocol: "tcp",
          dstPort: "32768-65535",
          tcpFlags: "ack",
          action: "accept",
        },
        { name: "udp and kubespan", ipVersion: "ipv4", protocol: "udp", dstPort: "32768-65535", action: "accept" },
        {
          name: "udp and kubespan ipv six",
          ipVersion: "ipv6",
          protocol: "udp",
          dstPort: "32768-65535",
          action: "accept",
        },
      ],
      output: [{ name: "allow all", action: "accept" }],
    });
    const m = w.world.machines.get(cp1.machineId)!;
    const allowed = (proto: "tcp" | "udp", port: number, from: string) => m.inboundAllowed(proto, port, from);
    assert.deepStrictEqual(
      [
        allowed("udp", 51820, "198.51.100.7"),
        allowed("tcp", 50000, "127.0.0.1"),
        allowed("tcp", 6443, "127.0.0.1"),
        allowed("tcp", 50001, wk2.address),
        allowed("tcp", 2380, cp2.address),
        allowed("tcp", 50000, cp3.address),
        allowed("udp", 51820, "2001:db8::7"),
      ],
      [true, true, true, true, true, true, true],
    );
    assert.deepStrictEqual(
      [
        allowed("tcp", 50000, "198.51.100.7"),
        allowed("tcp", 6443, "198.51.100.7"),
        allowed("tcp", 22, "198.51.100.7"),
        allowed("udp", 53, wk1.address),
        allowed("tcp", 10250, "127.0.0.2"),
        allowed("tcp", 50000, "2001:db8::7"),
      ],
      [false, false, false, false, false, false],
    );
  });

  it("rejects at check bad numbers, an empty admin list, CIDRs with host bits and more rules than Robot allows", async () => {
    const p = await w.h.preview(urnOf("RobotFirewall", "bad"), {
      __provider: w.providers.firewall,
      serverNumber: 0,
      adminCidrs: [],
      nodeAddresses: ["10.0.0.1/24"],
      deadlineSeconds: -1,
      filterIpv6: "yes",
    });
    assert.deepStrictEqual(p.failures, [
      { property: "serverNumber", reason: "[serverNumber] must be a positive integer, got 0" },
      {
        property: "deadlineSeconds",
        reason: "[deadlineSeconds] must be a number of seconds above 0 and at most 86400, got -1",
      },
      { property: "filterIpv6", reason: "[filterIpv6] must be true or false" },
      {
        property: "adminCidrs",
        reason:
          "[adminCidrs] must list at least one CIDR: without one, nobody outside the cluster can reach the Talos or Kubernetes API",
      },
      {
        property: "nodeAddresses",
        reason: '[nodeAddresses[0]] "10.0.0.1/24" has host bits set; use its network 10.0.0.0/24',
      },
    ]);
    const many = await w.h.preview(urnOf("RobotFirewall", "bad"), {
      __provider: w.providers.firewall,
      serverNumber: SPARE,
      adminCidrs: ["203.0.113.0/24", "198.51.100.9"],
      nodeAddresses: ["10.0.0.1", "10.0.0.3", "10.0.0.5", "10.0.0.7", "10.0.0.9"],
    });
    assert.deepStrictEqual(many.failures, [
      {
        property: "nodeAddresses",
        reason:
          "[nodeAddresses] the rule set needs 12 input rules but Robot allows 10: list covering CIDRs instead of single addresses, or fewer admin CIDRs",
      },
    ]);
  });

  it("waits out a change in process, then until Robot reports the firewall active", async () => {
    // A change someone else started: Robot answers 409 FIREWALL_IN_PROCESS until it finishes.
    const server = w.robot.state.servers.get(SPARE)!;
    server.firewall = { ...server.firewall, status: "in process" };
    const finish = setTimeout(() => {
      server.firewall = { ...server.firewall, status: "disabled" };
    }, 1000);
    const from = w.robot.requests.length;
    const rec = await w.up("RobotFirewall", "fw-spare", w.firewallArgs(SPARE));
    const calls = w.robot.requests
      .slice(from)
      .filter((r) => r.path === `/firewall/${SPARE}`)
      .map((r) => `${r.method} ${r.status}`);
    assert.deepStrictEqual([calls[0], calls[1], calls[calls.length - 1]], ["GET 200", "POST 409", "GET 200"]);
    assert.ok(calls.includes("POST 200"), calls.join(", "));
    assert.deepStrictEqual([rec.id, rec.outputs.status, rec.outputs.inputRuleCount], [String(SPARE), "active", 10]);
    assert.strictEqual((await robot.firewall.get(SPARE)).status, "active");
    clearTimeout(finish);
  });

  it("shows rules changed in Robot as drift on refresh, and an update sets them again", async () => {
    const urn = urnOf("RobotFirewall", "fw-spare");
    const f = await robot.firewall.get(SPARE);
    await robot.firewall.set(SPARE, {
      status: "active",
      filterIpv6: true,
      whitelistHos: true,
      rules: { input: f.rules.input.filter((r) => r.name !== "udp and kubespan"), output: f.rules.output },
    });
    await robot.firewall.waitActive(SPARE, { timeoutMs: 30_000 });
    const r = await w.h.refresh(urn);
    const names = f.rules.input.map((x) => x.name) as string[];
    assert.deepStrictEqual(
      [r.diff?.changes, r.outputs?.drift],
      [
        "some",
        [
          `input rules differ: Robot has [${names.filter((n) => n !== "udp and kubespan").join(", ")}], expected [${names.join(", ")}]`,
        ],
      ],
    );
    const old = w.h.state.get(urn)!;
    const up = await w.h.update(old.id, urn, old.outputs, {
      __provider: w.providers.firewall,
      ...w.firewallArgs(SPARE),
    });
    w.h.record(urn, old.id, { __provider: w.providers.firewall, ...w.firewallArgs(SPARE) }, up.properties);
    assert.deepStrictEqual([up.properties.drift, up.properties.inputRuleCount], [[], 10]);
    const again = await w.h.refresh(urn);
    assert.deepStrictEqual([again.diff?.changes, again.outputs?.drift], ["none", []]);
  });

  it("clears the rules on delete, keeps them with keepOnDelete, and never stores the Robot password", async () => {
    const urn = urnOf("RobotFirewall", "fw-spare");
    const rec = w.h.state.get(urn)!;
    await w.h.delete(rec.id, urn, { ...rec.outputs, keepOnDelete: true });
    assert.strictEqual((await robot.firewall.get(SPARE)).rules.input.length, 10);
    await w.h.delete(rec.id, urn, rec.outputs);
    const f = await robot.firewall.get(SPARE);
    assert.deepStrictEqual([f.status, f.rules], ["disabled", { input: [], output: [] }]);
    assert.ok(w.h.logs.includes(`[robot-firewall ${SPARE}] keepOnDelete is set: the firewall rules stay in Robot`));
    assert.ok(
      w.h.logs.includes(`[robot-firewall ${SPARE}] firewall rules cleared; Robot no longer filters this server`),
    );
    w.assertNoSecretsLeaked();
  });
});
