/**
 * The mutual-TLS refusal of an insecure client, as the real talosctl reads it when many connect at
 * once: every run reads the node's "certificate required" alert while reading the server preface,
 * which is what the library's foreign-node detection keys on. Before the node's lingering close
 * (grpc/linger.ts), a few runs in a hundred under load failed their next write instead
 * (`write: broken pipe`), so the probe looked like an unreachable node.
 * Does not prove: a Go server's exact timing; that the library acts on the answer (answers.test.ts).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FakeWorld } from "../../../../helpers/fake-world";
import { realTalosctlPath, runTalosctl } from "../../../../helpers/real-talosctl";
import { loadTalosApi } from "../../../../../provider/sim/talos/grpc/descriptors";
import { installTalosRuntime } from "../../../../../provider/sim/talos/runtime";
import { TalosTestMachine, testMachineSpec } from "../../../../../provider/sim/testing/talos-machine";
import { Talosctl } from "../../../../../provider/talos/talosctl";

const CP = `127.${150 + (process.pid % 50)}.93.2`;
const REFUSAL = `rpc error: code = Unavailable desc = connection error: desc = "error reading server preface: remote error: tls: certificate required"`;

describe("real talosctl: a configured node's mutual-TLS refusal under concurrent probes", function () {
  this.timeout(120000);
  let machine: TalosTestMachine;

  before(async function () {
    if (!loadTalosApi() || !realTalosctlPath()) {
      console.log("      skipped: the Talos API descriptor set or the real talosctl is not built (npm run tools)");
      this.skip();
    }
    const t = Talosctl.locate({ binary: realTalosctlPath() as string });
    const world = new FakeWorld(0.001);
    installTalosRuntime(world);
    const cfg = await t.genConfig({
      clusterName: "refusal",
      endpoint: `https://${CP}:6443`,
      secretsYaml: await t.genSecrets("v1.13.9"),
      talosVersion: "v1.13.9",
      kubernetesVersion: "1.36.3",
      installImage: "ghcr.io/siderolabs/installer:v1.13.9",
      installDisk: "/dev/sda",
    });
    machine = new TalosTestMachine(world, testMachineSpec("refusal-0", CP), {
      version: "v1.13.9",
      arch: "amd64",
      platform: "metal",
      schematic: "s",
    });
    machine.state = cfg.controlplane;
    await machine.start();
  });
  after(async () => {
    await machine?.destroy();
  });

  it("3 rounds of 15 concurrent insecure probes (get disks --insecure, as the library probes) all read the alert", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "refusal-"));
    const args = ["get", "disks", "--insecure", "-n", CP];
    const other: string[] = [];
    for (let round = 0; round < 3; round++) {
      const runs = await Promise.all(
        Array.from({ length: 15 }, () => runTalosctl(realTalosctlPath() as string, args, dir, 60000)),
      );
      other.push(...runs.filter((r) => r.code !== 1 || !r.stderr.includes(REFUSAL)).map((r) => r.stderr.trim()));
    }
    assert.deepStrictEqual(other, []);
  });
});
