/**
 * The real talosctl upgrading a simulated node over the Talos API with the library's flags: a v1.12
 * node takes v1.13's fallback to the legacy MachineService.Upgrade (tracked through the event stream
 * until the node boots the new version), a v1.13 node takes the LifecycleService path (image pull,
 * install, the client's reboot), and a missing installer image fails at the pull naming the node.
 * v1.12 and v1.11 clients (when built) take the legacy path with their own tracker.
 * Does not prove: drain (the library passes --drain=false), the hang-after-upgrade fault (day2.test.ts).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FakeWorld } from "../../../../helpers/fake-world";
import { realTalosctlPath, runTalosctl, TalosctlRun } from "../../../../helpers/real-talosctl";
import { loadTalosApi } from "../../../../../provider/sim/talos/grpc/descriptors";
import { SimTalosRuntime, installTalosRuntime } from "../../../../../provider/sim/talos/runtime";
import { TalosTestMachine, testMachineSpec } from "../../../../../provider/sim/testing/talos-machine";
import { until } from "./support";

// Loopback addresses of this process's node (another process running these tests gets other ones).
const CP = `127.${150 + (process.pid % 50)}.92.2`;
const INSTALLER = "ghcr.io/siderolabs/installer";

describe("real talosctl upgrades a simulated node over the Talos gRPC API", function () {
  this.timeout(120000);
  let rt: SimTalosRuntime;
  let dir: string;
  let bin: string;
  let machine: TalosTestMachine;
  /** `upgrade` as the library runs it with a v1.13 client (provider/talos/talosctl/day2.ts upgradeArgs). */
  const upgrade = (image: string): Promise<TalosctlRun> =>
    runTalosctl(
      bin,
      ["--talosconfig", "talosconfig", "upgrade", "-e", CP, "-n", CP, "--image", image, "--wait=true"].concat([
        "--preserve",
        "--drain=false",
        "--progress=plain",
        "--timeout",
        "60s",
      ]),
      dir,
      90000,
    );

  before(async function () {
    if (!loadTalosApi() || !realTalosctlPath()) {
      console.log("      skipped: the Talos API descriptor set or the real talosctl is not built (npm run tools)");
      this.skip();
    }
    bin = realTalosctlPath() as string;
    const world = new FakeWorld(0.001);
    rt = installTalosRuntime(world);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "grpc-upgrade-"));
    machine = new TalosTestMachine(world, testMachineSpec("up-cp1", CP), {
      version: "v1.12.11",
      arch: "amd64",
      platform: "metal",
      schematic: "s",
    });
    world.machines.set("up-cp1", machine);
    await machine.start();
    const gen = [
      "gen",
      "config",
      "up",
      `https://${CP}:6443`,
      "--talos-version",
      "v1.12",
      "--kubernetes-version",
      "1.35.0",
    ];
    assert.strictEqual((await runTalosctl(bin, gen, dir)).code, 0);
    const apply = await runTalosctl(bin, ["apply-config", "--insecure", "-n", CP, "-f", "controlplane.yaml"], dir);
    assert.strictEqual(apply.code, 0, apply.stderr);
    await until("up-cp1 configured", () => rt.node("up-cp1")?.maintenance === false);
    const boot = await runTalosctl(bin, ["--talosconfig", "talosconfig", "-e", CP, "-n", CP, "bootstrap"], dir);
    assert.strictEqual(boot.code, 0, boot.stderr);
  });
  after(async () => {
    await machine?.destroy();
  });

  it("a v1.12 node: v1.13 falls back to the legacy Upgrade, tracked until the node runs the new version", async () => {
    const boots = machine.boots;
    const run = await upgrade(`${INSTALLER}:v1.13.8`);
    assert.strictEqual(run.code, 0, run.stderr);
    const lines = run.stderr.trimEnd().split("\n");
    assert.ok(lines.includes("New upgrade API is not available, falling back to legacy"), run.stderr);
    assert.ok(lines.includes(`"${CP}": sequence: upgrade action: START`), run.stderr);
    assert.strictEqual(lines[lines.length - 1], `"${CP}": post check passed`);
    assert.strictEqual(machine.boots, boots + 1);
    assert.strictEqual(rt.node("up-cp1")?.version.tag, "v1.13.8");
  });

  it("a v1.13 node: image pull, LifecycleService upgrade, then the client's tracked reboot into the new version", async () => {
    const boots = machine.boots;
    const run = await upgrade(`${INSTALLER}:v1.13.9`);
    assert.strictEqual(run.code, 0, run.stderr);
    const lines = run.stderr.trimEnd().split("\n");
    assert.ok(lines.includes(`${CP}: pulled image ${INSTALLER}:v1.13.9`), run.stderr);
    assert.ok(lines.includes(`${CP}: upgrade completed`), run.stderr);
    assert.strictEqual(lines[lines.length - 1], `"${CP}": post check passed`);
    assert.strictEqual(machine.boots, boots + 1);
    assert.strictEqual(rt.node("up-cp1")?.version.tag, "v1.13.9");
  });

  for (const [client, to] of [
    ["v1.12", "v1.13.8"],
    ["v1.11", "v1.13.9"],
  ]) {
    it(`talosctl ${client} upgrades through the legacy Upgrade and its tracker (no --drain flag before v1.13)`, async function () {
      const older = path.join(path.dirname(bin), `talosctl-${client}`);
      if (!fs.existsSync(older)) {
        console.log(`      skipped: ${older} is not built (npm run tools)`);
        this.skip();
      }
      const boots = machine.boots;
      const args = ["--talosconfig", "talosconfig", "upgrade", "-e", CP, "-n", CP, "--image", `${INSTALLER}:${to}`];
      const run = await runTalosctl(older, [...args, "--wait=true", "--preserve", "--timeout", "60s"], dir, 90000);
      assert.strictEqual(run.code, 0, run.stderr);
      const lines = run.stderr.trimEnd().split("\n");
      assert.ok(lines.includes(`"${CP}": sequence: upgrade action: START`), run.stderr);
      assert.strictEqual(lines[lines.length - 1], `"${CP}": post check passed`);
      assert.strictEqual(machine.boots, boots + 1);
      assert.strictEqual(rt.node("up-cp1")?.version.tag, to);
    });
  }

  it("an installer image the registry does not have fails at the pull, naming the node; nothing reboots", async () => {
    const boots = machine.boots;
    const image = `${INSTALLER}:v1.13.99`;
    const run = await upgrade(image);
    assert.strictEqual(run.code, 1);
    const want = `error pulling upgrade image: error from node ${CP}: rpc error: code = NotFound desc = failed to resolve reference "${image}": ${image}: not found`;
    assert.ok(run.stderr.split("\n").includes(want), run.stderr);
    assert.strictEqual(machine.boots, boots);
  });
});
