/**
 * apply-config --insecure to a v1.13 node in maintenance with the modes machined treats specially
 * there (v1alpha1_server.go ApplyConfiguration at v1.13.9), through the real talosctl: `staged` only
 * persists the config and the node keeps waiting in maintenance; `try` applies it (the node installs)
 * and says when it would revert.
 * Does not prove: what a staged config does at the next maintenance boot, or the try-mode revert after an install.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FakeWorld } from "../../../../helpers/fake-world";
import { realTalosctlPath, runTalosctl, TalosctlRun } from "../../../../helpers/real-talosctl";
import { SimTalosRuntime, installTalosRuntime } from "../../../../../provider/sim/talos/runtime";
import { TalosTestMachine, testMachineSpec } from "../../../../../provider/sim/testing/talos-machine";
import { missingRealApi } from "./support";

const NET = `127.${150 + (process.pid % 50)}.95`;
const N = `${NET}.2`;

describe("apply-config in v1.13 maintenance mode: staged and try, with the real talosctl", function () {
  this.timeout(60000);
  let dir: string;
  let bin: string;
  let rt: SimTalosRuntime;
  let machine: TalosTestMachine;
  const talosctl = (args: string[]): Promise<TalosctlRun> => runTalosctl(bin, args, dir);

  before(async function () {
    const why = missingRealApi();
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    bin = realTalosctlPath() as string;
    const world = new FakeWorld(0.001);
    rt = installTalosRuntime(world);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "grpc-apply-maint-"));
    machine = new TalosTestMachine(world, testMachineSpec("am-1", N), {
      version: "v1.13.9",
      arch: "amd64",
      platform: "metal",
      schematic: "s",
    });
    world.machines.set(machine.id, machine);
    await machine.start();
    assert.strictEqual((await talosctl(["gen", "config", "am", `https://${N}:6443`])).code, 0);
  });
  after(async () => {
    await machine?.destroy();
  });

  it("staged (and its dry run) only persists the config: the node stays in maintenance and does not install", async () => {
    const dry = await talosctl([
      "apply-config",
      "--insecure",
      "-n",
      N,
      "-f",
      "controlplane.yaml",
      "--mode=staged",
      "--dry-run",
    ]);
    assert.strictEqual(dry.code, 0, dry.stderr);
    assert.ok(
      dry.stderr.startsWith(
        "Dry run summary:\nStaged configuration to be applied after the next reboot (skipped in dry-run).\nConfig diff:\n",
      ),
      dry.stderr,
    );
    const run = await talosctl(["apply-config", "--insecure", "-n", N, "-f", "controlplane.yaml", "--mode=staged"]);
    assert.deepStrictEqual(run, {
      code: 0,
      stdout: "",
      stderr: "Staged configuration to be applied after the next reboot\n",
    });
    await new Promise((r) => setTimeout(r, 200));
    assert.deepStrictEqual([machine.boots, rt.node(machine.id)?.maintenance, machine.state], [1, true, null]);
  });

  it("try applies the config (the node installs) and names the revert timeout", async () => {
    const run = await talosctl([
      "apply-config",
      "--insecure",
      "-n",
      N,
      "-f",
      "controlplane.yaml",
      "--mode=try",
      "--timeout=2m",
    ]);
    assert.deepStrictEqual(run, {
      code: 0,
      stdout: "",
      stderr:
        "Applied configuration without a reboot\nThe config is applied in 'try' mode and will be automatically reverted back in 2m0s\n",
    });
    const deadline = Date.now() + 10000;
    while (rt.node(machine.id)?.maintenance !== false && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    assert.strictEqual(rt.node(machine.id)?.maintenance, false);
  });
});
