/**
 * `get machineconfig` through the real talosctl (v1.13.9) from nodes of older Talos minors: a v1.12
 * server marks the spec as a YAML string (talos.dev/yaml-spec, pkg/machinery v1.12.6), a v1.11 one
 * sends the config's own bytes without the mark; the client prints the applied config text as the
 * spec either way (a v1.12 node without the mark printed the block scalar `|\n    version: …`).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FakeWorld } from "../../../../helpers/fake-world";
import { realTalosctlPath, runTalosctl, TalosctlRun } from "../../../../helpers/real-talosctl";
import { parseJsonStream } from "../../../../../provider/talos/talosctl";
import { loadTalosApi } from "../../../../../provider/sim/talos/grpc/descriptors";
import { SimTalosRuntime, installTalosRuntime } from "../../../../../provider/sim/talos/runtime";
import { TalosTestMachine, testMachineSpec } from "../../../../../provider/sim/testing/talos-machine";

const NET = `127.${150 + (process.pid % 50)}.93`;
const NODES = [
  { version: "v1.12.6", ip: `${NET}.2`, annotations: { "talos.dev/yaml-spec": 1 } },
  { version: "v1.11.6", ip: `${NET}.3`, annotations: undefined },
];

describe("real talosctl get machineconfig from v1.12 and v1.11 nodes", function () {
  this.timeout(120000);
  let world: FakeWorld;
  let rt: SimTalosRuntime;
  let dir: string;
  let bin: string;
  const machines: TalosTestMachine[] = [];
  const talosctl = (args: string[]): Promise<TalosctlRun> => runTalosctl(bin, args, dir);

  before(async function () {
    if (!loadTalosApi() || !realTalosctlPath()) {
      console.log("      skipped: the real talosctl or the Talos API descriptor set is not built (npm run tools)");
      this.skip();
    }
    bin = realTalosctlPath() as string;
    world = new FakeWorld(0.001);
    rt = installTalosRuntime(world);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "grpc-mc-"));
    for (const n of NODES) {
      const spec = testMachineSpec(`mc-${n.version}`, n.ip);
      const m = new TalosTestMachine(world, spec, {
        version: n.version,
        arch: "amd64",
        platform: "metal",
        schematic: "s",
      });
      world.machines.set(spec.id, m);
      machines.push(m);
      await m.start();
    }
  });
  after(async () => {
    for (const m of machines) await m.destroy();
  });

  for (const [i, n] of NODES.entries()) {
    it(`${n.version}: the spec is the applied config text${n.annotations ? ", marked as a YAML string" : ""}`, async () => {
      const out = path.join(dir, n.version);
      const minor = n.version.split(".").slice(0, 2).join(".");
      const gen = await talosctl([
        "gen",
        "config",
        "mc",
        `https://${n.ip}:6443`,
        "--talos-version",
        minor,
        "--kubernetes-version",
        "1.34.0",
        "-o",
        out,
      ]);
      assert.strictEqual(gen.code, 0, gen.stderr);
      const file = path.join(out, "controlplane.yaml");
      const apply = await talosctl(["apply-config", "--insecure", "-n", n.ip, "-f", file]);
      assert.strictEqual(apply.code, 0, apply.stderr);
      const deadline = Date.now() + 10000;
      while (rt.node(machines[i].id)?.maintenance !== false || machines[i].boots < 2) {
        assert.ok(Date.now() < deadline, `${n.ip} did not come up configured within 10 s`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const talosconfig = path.join(out, "talosconfig");
      const get = await talosctl([
        "--talosconfig",
        talosconfig,
        "-e",
        n.ip,
        "-n",
        n.ip,
        "get",
        "mc",
        "v1alpha1",
        "-o",
        "json",
      ]);
      assert.strictEqual(get.code, 0, get.stderr);
      const [mc] = parseJsonStream(get.stdout) as { metadata: Record<string, unknown>; spec: unknown }[];
      // Compared, not printed: the config holds the cluster's keys.
      const applied = fs.readFileSync(file, "utf8");
      const firstLine = String(mc.spec).split("\n")[0];
      assert.deepStrictEqual(
        [mc.metadata.annotations, firstLine, mc.spec === applied],
        [n.annotations, applied.split("\n")[0], true],
      );
    });
  }
});
