/**
 * The Talos runtime inside the real simulated world: a Robot machine whose disk holds a Talos image
 * boots maintenance mode; an insecure apply writes the config to the disk's STATE partition and the
 * machine reboots into configured mode; the config and etcd survive a hardware reset; reset wipes
 * STATE and the machine comes back in maintenance.
 * Does not prove: the rescue install that puts Talos on the disk (see rescue-install.test.ts).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pollUntil } from "../../../../provider/internal/poll";
import { SimTalosRuntime, installTalosRuntime } from "../../../../provider/sim/talos/runtime";
import { chooseTalosctl } from "../../../../provider/sim/talos/talosctl-binary";
import { testMachineSpec } from "../../../../provider/sim/testing/talos-machine";
import { SimMachine } from "../../../../provider/sim/types";
import { World, createWorld } from "../../../../provider/sim/world";
import { GeneratedConfigs, Talosctl } from "../../../../provider/talos/talosctl";

// Loopback addresses of this process's machines (another process running these tests gets other ones).
const IP = `127.${150 + (process.pid % 50)}.79.2`;

describe("Talos runtime in the simulated world", function () {
  this.timeout(90000);
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "talos-world-"));
  let world: World;
  let rt: SimTalosRuntime;
  let m: SimMachine;
  let configs: GeneratedConfigs;
  // The real client over the node's Talos API when built, else the stand-in.
  const client = chooseTalosctl();
  const t = Talosctl.locate({ binary: client.path });
  const mode = (want: "maintenance" | "configured") =>
    pollUntil(
      async () => {
        const n = rt.node(m.id);
        return n && !n.stopped && n.maintenance === (want === "maintenance") ? true : undefined;
      },
      { what: `${m.id} in ${want} mode`, timeoutMs: 10000, initialMs: 20, maxMs: 100 },
    );

  before(async () => {
    console.log(`      talosctl: ${client.kind} (${client.path})`);
    world = await createWorld({ timeScale: 0.001, stateDir });
    rt = installTalosRuntime(world);
    const spec = testMachineSpec("robot-7", IP);
    spec.disks[0] = {
      ...spec.disks[0],
      sizeBytes: 2 * 1024 ** 3,
      seed: { talos: { version: "v1.12.4", arch: "amd64", platform: "metal", configured: false } },
    };
    m = await world.createMachine(spec);
  });
  after(async () => {
    await world?.close();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it("boots maintenance from the disk and installs a config onto STATE", async () => {
    await mode("maintenance");
    assert.deepStrictEqual(
      (await t.getResources("disks", { node: IP, insecure: true })).map((d) => d.metadata.id),
      ["sda"],
    );
    const secretsYaml = await t.genSecrets("v1.12.4");
    configs = await t.genConfig({
      clusterName: "w",
      endpoint: `https://${IP}:6443`,
      secretsYaml,
      talosVersion: "v1.12.4",
      kubernetesVersion: "1.35.0",
      installImage: "factory.talos.dev/installer/s:v1.12.4",
      installDisk: "/dev/sda",
    });
    const r = await t.applyConfig({
      node: IP,
      config: configs.controlplane,
      mode: "auto",
      insecure: true,
      dryRun: false,
    });
    assert.strictEqual(r.modeDetails, "", "a v1.12 node prints no mode details in maintenance");
    await mode("configured");
    assert.strictEqual(rt.node(m.id)!.boot.configSource, "state");
    assert.strictEqual(
      (await t.version({ node: IP, endpoints: [IP], talosconfig: configs.talosconfig })).tag,
      "v1.12.4",
    );
  });

  it("keeps config and etcd across a hardware reset", async () => {
    const target = { node: IP, endpoints: [IP], talosconfig: configs.talosconfig };
    await pollUntil(
      async () =>
        t.bootstrap(target).catch((e) => (e.grpcCode === "FailedPrecondition" ? undefined : Promise.reject(e))),
      { what: "bootstrap", timeoutMs: 5000, initialMs: 20, maxMs: 100 },
    );
    const before = rt.node(m.id)!.bootId;
    m.reset("hw");
    await pollUntil(async () => (rt.node(m.id) && rt.node(m.id)!.bootId !== before ? true : undefined), {
      what: "a new boot",
      timeoutMs: 10000,
      initialMs: 20,
      maxMs: 100,
    });
    await mode("configured");
    assert.deepStrictEqual(await t.bootstrap(target), { alreadyBootstrapped: true });
  });

  it("reset wipes STATE: the machine comes back in maintenance", async () => {
    await t.reset({ node: IP, endpoints: [IP], talosconfig: configs.talosconfig, reboot: true, wait: true });
    await mode("maintenance");
    assert.strictEqual(rt.node(m.id)!.boot.configSource, "none");
    assert.strictEqual(rt.node(m.id)!.saved.etcd, undefined);
  });
});
