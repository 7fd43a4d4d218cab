/**
 * RobotServer with adminCidrs through the real dynamic-provider host (issue 16, item 1): the install
 * rule set is active before rescue is armed, so a stranger's connections to port 22 (rescue) and
 * 50000 (maintenance mode) are cut while the install from the admin address completes; a run whose
 * own address is not in adminCidrs stops at the rescue SSH with a message that names adminCidrs and
 * writes nothing; a wipeOnDelete after the cluster's firewall was cleared sets the install rule set
 * again before rescue. Does not prove: how long Robot takes to apply a firewall (the simulator
 * applies it in ~30 s of simulated time), or TalosCluster's wiring (maintenance-window.test.ts).
 */
import * as assert from "assert";
import { RobotClient } from "../../../../provider/hetzner/robot";
import { Sighting, watchAsStranger } from "../../../helpers/stranger";
import { ROBOT_PASSWORD, RobotServerWorld, argsFor, diskHashes, smallServer, urnOf } from "./world";

const INSTALL_SET = [
  "icmp",
  "ssh admin a",
  "talos api admin a",
  "kube api admin a",
  "tcp established",
  "udp and kubespan",
  "udp and kubespan ipv six",
];

describe("engine: RobotServer installs behind its install firewall", function () {
  this.timeout(300_000);
  let w: RobotServerWorld;
  let robot: RobotClient;
  let watch: { seen: Sighting[]; settle(): Promise<void> };

  before(async () => {
    w = await RobotServerWorld.start(() => [smallServer(1), smallServer(2)]);
    robot = new RobotClient({ url: w.robot.url, user: "robot-ws-user", password: ROBOT_PASSWORD });
    watch = watchAsStranger([w.machine(1)], [22, 50000]);
  });
  after(async () => w?.stop());

  const ruleNames = async (n: number) => {
    const f = await robot.firewall.get(2321000 + n);
    return [f.status, f.rules.input.map((r) => r.name)];
  };

  it("sets the install rule set before rescue and keeps a stranger out of rescue SSH and maintenance mode", async () => {
    const rec = await w.up("node-1", argsFor(w, 1, { adminCidrs: ["127.0.0.1/32"] }));
    await watch.settle();
    assert.strictEqual(rec.outputs.talosState, "maintenance");
    assert.deepStrictEqual(await ruleNames(1), ["active", INSTALL_SET]);
    assert.deepStrictEqual(
      watch.seen.filter((s) => s.outcome === "answered"),
      [],
    );
    const cut = (status: string, port: number) =>
      watch.seen.some((s) => s.status === status && s.port === port && s.outcome === "cut");
    assert.deepStrictEqual([cut("rescue", 22), cut("talos", 50000)], [true, true]);
    const order = w.h.logs.filter((l) => /^\[node-1\] step [345]\/13: /.test(l));
    assert.deepStrictEqual(order, [
      "[node-1] step 3/13: closing the Robot firewall to adminCidrs (127.0.0.1/32) before rescue",
      "[node-1] step 4/13: preparing rescue access",
      "[node-1] step 5/13: arming the rescue system (delete, then activate with the key)",
    ]);
  });

  it("stops at the rescue SSH naming adminCidrs when this run's address is not among them, writing nothing", async () => {
    const before = diskHashes(w.machine(2));
    const args = argsFor(w, 2, {
      adminCidrs: ["203.0.113.7/32"],
      deadlines: { rescueSeconds: 2, installSeconds: 60, maintenanceSeconds: 10 },
    });
    const e = await w.upError("node-2", args);
    assert.match(
      e.details,
      /^\[node-2\] step 6\/13 \(resetting into the rescue system \([^)]*\)\) failed: the server booted the rescue system \(Robot shows the activation consumed\) but SSH to [\d.]+:22 never accepted this run's credentials after resets [a-z_, ]+: .*; the server's Robot firewall admits SSH only from adminCidrs \(203\.0\.113\.7\/32\), so if the address this program runs from is not among them, Robot discards the connection: add it to adminCidrs$/s,
    );
    assert.deepStrictEqual(diskHashes(w.machine(2)), before);
  });

  it("sets the install rule set again before the rescue boot of a wipeOnDelete", async () => {
    const rec = w.h.state.get(urnOf("node-1"))!;
    await robot.firewall.delete(2321001); // what RobotFirewall's delete does before the server's
    await robot.firewall.waitSettled(2321001);
    await w.h.delete(rec.id, urnOf("node-1"), { ...rec.outputs, wipeOnDelete: true });
    await watch.settle();
    assert.deepStrictEqual(await ruleNames(1), ["active", INSTALL_SET]);
    assert.strictEqual(w.machine(1).status(), "rescue");
    assert.deepStrictEqual(
      watch.seen.filter((s) => s.outcome === "answered"),
      [],
    );
    assert.ok(
      w.h.logs.includes("[node-1] step 2/7: closing the Robot firewall to adminCidrs (127.0.0.1/32) before rescue"),
    );
  });
});
