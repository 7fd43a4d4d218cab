/**
 * The maintenance window is closed (issue 16, item 1): during a full `TalosCluster` up of the
 * hybrid example (2 dedicated control planes, through the real dynamic-provider host), a stranger
 * bound to 127.0.0.2 tries port 22 and port 50000 of each dedicated server at every status change of
 * its machine (booting, rescue, talos, …) until something listens, and never gets an answer from
 * either: the install firewall is active before rescue is armed and stays until each server's
 * RobotFirewall replaces it. The install from the admin address (127.0.0.1) completes. Does not
 * prove: anything about Hetzner's real firewall timing, or the Cloud workers (none here; they boot
 * configured behind their hcloud firewall).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Simulator, startSimulator } from "../../../../provider/sim";
import { DemoSession } from "../../../../provider/sim/demo/session";
import { controlPlanesConfig, hybridScenario } from "../../../../provider/sim/scenarios/hybrid";
import { RobotClient, RobotFirewall } from "../../../../provider/hetzner/robot";
import { MachineStatus } from "../../../../provider/sim/types";
import { Sighting, watchAsStranger } from "../../../helpers/stranger";

const FIRST = 471; // server range of this test (its own 127.10.x addresses), apart from the demo's and day 2's
const SCENARIO = hybridScenario({ firstServer: FIRST, robotServers: 2 });

describe("TalosCluster closes the maintenance window to all but adminCidrs", function () {
  this.timeout(600_000);
  let sim: Simulator;
  let dir: string;
  let seen: Sighting[] = [];
  let settle: () => Promise<void>;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "window-"));
    sim = await startSimulator({ scenario: SCENARIO, stateDir: path.join(dir, "sim") });
    const robots = [...sim.world.machines.values()].filter((x) => x.spec.kind === "robot");
    ({ seen, settle } = watchAsStranger(robots, [22, 50000]));
  });
  after(async () => {
    await sim?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("installs from the admin address while the stranger never gets past TCP on 22 or 50000", async () => {
    const lines: string[] = [];
    const session = new DemoSession(
      sim,
      dir,
      {
        controlPlanes: JSON.stringify(controlPlanesConfig(SCENARIO.robot!.servers)),
        adminCidrs: JSON.stringify(["127.0.0.1/32"]),
        cloudWorkers: "0",
      },
      (l) => lines.push(l),
    );
    await session.run("up").catch((e: Error) => {
      throw new Error(`${e.message}\n${lines.slice(-60).join("\n")}`);
    });
    await settle();
    const answered = seen.filter((s) => s.outcome === "answered");
    assert.deepStrictEqual(answered, [], "the stranger was answered");
    // Not vacuous: the stranger did reach each machine while rescue SSH and maintenance mode listened.
    for (const m of [...sim.world.machines.values()].filter((x) => x.spec.kind === "robot")) {
      const cut = (status: MachineStatus, port: number) =>
        seen.some((s) => s.machine === m.id && s.status === status && s.port === port && s.outcome === "cut");
      assert.ok(cut("rescue", 22), `${m.id}: no cut attempt on 22 while in rescue`);
      assert.ok(cut("talos", 50000), `${m.id}: no cut attempt on 50000 while Talos ran`);
    }
    const installLines = lines.filter((l) =>
      /closing the Robot firewall to adminCidrs \(127\.0\.0\.1\/32\) before rescue/.test(l),
    );
    assert.strictEqual(installLines.length, 2, lines.join("\n"));
  });

  it("leaves the cluster's own rule set in Robot: no SSH, the APIs from the admin and the nodes", async () => {
    const robot = new RobotClient({ url: sim.robot.url, user: sim.robot.user, password: sim.robot.password });
    const names = (f: RobotFirewall) => f.rules.input.map((r) => r.name);
    const f = await robot.firewall.get(SCENARIO.robot!.servers[0].number);
    assert.strictEqual(f.status, "active");
    assert.deepStrictEqual(names(f), [
      "icmp",
      "talos api admin a",
      "kube api admin a",
      "cluster node a",
      "tcp established",
      "udp and kubespan",
      "udp and kubespan ipv six",
    ]);
  });
});
