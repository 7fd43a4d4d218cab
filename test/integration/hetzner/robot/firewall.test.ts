import * as assert from "assert";
import { RobotFirewallRule } from "../../../../provider/hetzner/robot";
import { isError } from "../../../../provider/internal/errors";
import { AX, RobotHarness, rejection, startRobotHarness } from "./harness";

const SSH_FROM_OFFICE: RobotFirewallRule = {
  name: "ssh office",
  ipVersion: "ipv4",
  srcIp: "203.0.113.0/24",
  dstPort: "22",
  protocol: "tcp",
  action: "accept",
};
const TALOS: RobotFirewallRule = {
  name: "talos",
  ipVersion: "ipv4",
  dstPort: "50000-50001",
  protocol: "tcp",
  action: "accept",
};

// Does not prove: the live apply time (a realistic 30 s is assumed) or enforcement of output rules and established connections.
describe("RobotClient against the simulator: firewall", () => {
  let h: RobotHarness;
  // timeScale 0.01: a change takes 300 ms of real time, so "in process" is observable.
  beforeEach(async () => {
    h = await startRobotHarness({ timeScale: 0.01 });
  });
  afterEach(async () => h.stop());
  const allowed = (proto: "tcp" | "udp", port: number, ip: string) => h.machine(AX).inboundAllowed(proto, port, ip);

  it("set answers in process, waitActive returns once active, and the filter is on the machine", async () => {
    assert.deepStrictEqual(await h.client.firewall.get(AX), {
      serverNumber: AX,
      serverIp: "127.10.0.2",
      status: "disabled",
      filterIpv6: false,
      whitelistHos: true,
      port: "main",
      rules: { input: [], output: [] },
    });
    const pending = await h.client.firewall.set(AX, { status: "active", rules: { input: [SSH_FROM_OFFICE, TALOS] } });
    assert.deepStrictEqual(
      [pending.status, pending.rules],
      ["in process", { input: [SSH_FROM_OFFICE, TALOS], output: [] }],
    );
    assert.strictEqual(allowed("tcp", 80, "198.51.100.1"), true); // not applied yet
    const active = await h.client.firewall.waitActive(AX);
    assert.deepStrictEqual([active.status, active.rules.input], ["active", [SSH_FROM_OFFICE, TALOS]]);
    assert.deepStrictEqual(
      [
        allowed("tcp", 22, "203.0.113.7"),
        allowed("tcp", 22, "198.51.100.1"),
        allowed("tcp", 50001, "198.51.100.1"),
        allowed("udp", 50000, "198.51.100.1"),
        allowed("tcp", 80, "198.51.100.1"),
      ],
      [true, false, true, false, false],
    );
  });

  it("a change while one is in process waits out 409 FIREWALL_IN_PROCESS, then applies", async () => {
    await h.client.firewall.set(AX, { status: "active", rules: { input: [SSH_FROM_OFFICE] } });
    const second = await h.client.firewall.set(AX, { status: "active", rules: { input: [TALOS] } });
    const posts = h.sim.requests.filter((r) => r.method === "POST").map((r) => r.status);
    assert.deepStrictEqual(
      [posts[0], posts[1], posts[posts.length - 1], posts.slice(1, -1).every((s) => s === 409)],
      [200, 409, 200, true],
    );
    assert.deepStrictEqual(second.rules.input, [TALOS]);
    await h.client.firewall.waitActive(AX);
    assert.deepStrictEqual([allowed("tcp", 22, "203.0.113.7"), allowed("tcp", 50000, "203.0.113.7")], [false, true]);
  });

  it("gives up at the deadline with the last FIREWALL_IN_PROCESS as the reason", async () => {
    await h.client.firewall.set(AX, { status: "active", rules: { input: [SSH_FROM_OFFICE] } });
    const e = await rejection(h.client.firewall.set(AX, { status: "disabled", rules: {} }, { timeoutMs: 1000 }));
    assert.ok(isError(e, "DeadlineError"));
    assert.strictEqual(
      e.message,
      "timed out after 1s waiting for Robot firewall of server 2321001 to accept a change (FIREWALL_IN_PROCESS) " +
        "(last error: Robot POST /firewall/2321001 failed: FIREWALL_IN_PROCESS (409): The firewall cannot be updated because an update is in process)",
    );
  });

  it("templates: list, get, and set by template_id", async () => {
    assert.deepStrictEqual(await h.client.firewall.listTemplates(), []);
    const created = await h.raw(
      "POST",
      "/firewall/template",
      "name=web&is_default=true&rules[input][0][ip_version]=ipv4&rules[input][0][dst_port]=443&rules[input][0][protocol]=tcp&rules[input][0][action]=accept",
    );
    assert.strictEqual(created.status, 201);
    assert.deepStrictEqual(await h.client.firewall.listTemplates(), [
      { id: 1, name: "web", filterIpv6: false, whitelistHos: true, isDefault: true },
    ]);
    const https: RobotFirewallRule = { ipVersion: "ipv4", dstPort: "443", protocol: "tcp", action: "accept" };
    assert.deepStrictEqual((await h.client.firewall.getTemplate(1))!.rules, { input: [https], output: [] });
    assert.strictEqual(await h.client.firewall.getTemplate(9), undefined);
    assert.deepStrictEqual((await h.client.firewall.set(AX, { status: "active", templateId: 1 })).rules.input, [https]);
    await h.client.firewall.waitActive(AX);
    assert.deepStrictEqual([allowed("tcp", 443, "198.51.100.1"), allowed("tcp", 22, "198.51.100.1")], [true, false]);
    const missing = await rejection(h.client.firewall.set(AX, { status: "active", templateId: 9 }));
    assert.strictEqual(
      missing.message,
      "Robot POST /firewall/2321001 failed: FIREWALL_TEMPLATE_NOT_FOUND (404): Firewall template not found",
    );
  });

  it("delete clears the rules and removes the filter; waitActive then reports the disabled state", async () => {
    await h.client.firewall.set(AX, { status: "active", rules: { input: [SSH_FROM_OFFICE] } });
    await h.client.firewall.waitActive(AX);
    assert.strictEqual((await h.client.firewall.delete(AX)).status, "in process");
    const settled = await h.client.firewall.waitSettled(AX);
    assert.deepStrictEqual([settled.status, settled.rules], ["disabled", { input: [], output: [] }]);
    assert.strictEqual(allowed("tcp", 80, "198.51.100.1"), true);
    const e = await rejection(h.client.firewall.waitActive(AX));
    assert.deepStrictEqual(
      [e.name, e.message],
      ["RobotStateError", "Robot firewall of server 2321001 settled as disabled, expected active"],
    );
  });

  it("invalid rules, too many rules and unknown servers are typed errors", async () => {
    const bad = await rejection(
      h.client.firewall.set(AX, {
        status: "active",
        rules: { input: [{ action: "accept", dstPort: "70000", srcIp: "10.0.0.0/40" }] },
      }),
    );
    assert.strictEqual(
      bad.message,
      "Robot POST /firewall/2321001 failed: INVALID_INPUT (400): invalid input (invalid: rules[input][0][src_ip], rules[input][0][dst_port])",
    );
    const many = await rejection(
      h.client.firewall.set(AX, { status: "active", rules: { input: Array.from({ length: 11 }, () => TALOS) } }),
    );
    assert.strictEqual(
      many.message,
      "Robot POST /firewall/2321001 failed: FIREWALL_RULE_LIMIT_EXCEEDED (409): Firewall rule limit exceeded (10 input rules)",
    );
    assert.strictEqual(
      (await rejection(h.client.firewall.get(999))).message,
      "Robot GET /firewall/999 failed: SERVER_NOT_FOUND (404): server not found",
    );
    assert.strictEqual((await h.client.firewall.get(AX)).status, "disabled");
  });
});
