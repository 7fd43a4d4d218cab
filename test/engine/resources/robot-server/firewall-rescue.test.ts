/**
 * The simulated rescue system sits behind the server's Robot firewall (issue 16, item 1, the
 * simulator part): with a Robot firewall that admits SSH only from the admin address, a stranger's
 * address cannot open a connection to the rescue system's port 22 while an install runs, the
 * install itself (from the admin address) still completes, and without a firewall the same stranger
 * reaches sshd (and fails only at authentication). Does not prove: that RobotServer applies such a
 * firewall itself before the rescue boot (it does not yet; see the README's security model).
 */
import * as assert from "assert";
import { Client } from "ssh2";
import { RobotClient, RobotFirewallRule } from "../../../../provider/hetzner/robot";
import { pollUntil } from "../../../../provider/internal/poll";
import { ROBOT_PASSWORD, RobotServerWorld, argsFor, smallServer } from "./world";

const ADMIN = "127.0.0.1";
const STRANGER = "127.0.0.2";
const SSH_FROM_ADMIN: RobotFirewallRule = {
  name: "ssh admin",
  ipVersion: "ipv4",
  srcIp: `${ADMIN}/32`,
  dstPort: "22",
  protocol: "tcp",
  action: "accept",
};

/** How a connection from `localAddress` ends: "refused" before anything listens, "cut" by a firewall, "auth" at sshd. */
function strangerAttempt(host: string): Promise<"refused" | "cut" | "auth" | "in"> {
  return new Promise((resolve) => {
    const c = new Client();
    c.on("ready", () => (c.end(), resolve("in")));
    c.on("error", (e: Error & { level?: string; code?: string }) => {
      c.end();
      resolve(e.code === "ECONNREFUSED" ? "refused" : e.level === "client-authentication" ? "auth" : "cut");
    });
    c.connect({
      host,
      port: 22,
      localAddress: STRANGER,
      username: "root",
      password: "guess",
      readyTimeout: 5000,
      hostVerifier: () => true,
    });
  });
}

/** The stranger's result once the rescue sshd listens (connection refused means it is not up yet). */
async function strangerOnceUp(host: string): Promise<string> {
  return pollUntil(
    async () => {
      const r = await strangerAttempt(host);
      return r === "refused" ? undefined : r;
    },
    { what: `the rescue sshd on ${host}`, timeoutMs: 60_000, initialMs: 100, maxMs: 300 },
  );
}

describe("engine: the simulated rescue SSH honours the Robot firewall", function () {
  this.timeout(300_000);
  let w: RobotServerWorld;
  before(async () => {
    w = await RobotServerWorld.start(() => [smallServer(1), smallServer(2)]);
  });
  after(async () => w?.stop());

  async function installWatchingStranger(n: number): Promise<string> {
    const m = w.machine(n);
    let seen: Promise<string> | undefined;
    m.onStatus((s) => {
      if (s === "rescue" && !seen) seen = strangerOnceUp(m.spec.ipv4!);
    });
    const rec = await w.up(`node-${n}`, argsFor(w, n));
    assert.strictEqual(rec.outputs.talosState, "maintenance");
    assert.ok(seen, "the install booted the rescue system");
    return seen!;
  }

  it("cuts a stranger's connection to rescue SSH while the install from the admin address completes", async () => {
    const robot = new RobotClient({ url: w.robot.url, user: "robot-ws-user", password: ROBOT_PASSWORD });
    await robot.firewall.set(2321001, {
      status: "active",
      rules: {
        input: [
          SSH_FROM_ADMIN,
          {
            name: "talos api",
            protocol: "tcp",
            dstPort: "50000-50001",
            srcIp: `${ADMIN}/32`,
            ipVersion: "ipv4",
            action: "accept",
          },
        ],
      },
    });
    await robot.firewall.waitActive(2321001);
    assert.strictEqual(await installWatchingStranger(1), "cut");
  });

  it("without a firewall the same stranger reaches sshd and fails only at authentication", async () => {
    assert.strictEqual(await installWatchingStranger(2), "auth");
  });
});
