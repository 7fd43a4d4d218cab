/**
 * Bringing a Robot server that already runs Talos under a stack with the real engine (`.tools/bin/pulumi`):
 * the `import` resource option fails inside the dynamic-provider host of @pulumi/pulumi (the engine reads
 * an imported resource by its id alone, and the host finds its serialized provider only in the
 * resource's properties), with the exact message; the `adopt` input does the job and leaves the machine
 * as it was. Does not cover `pulumi import` (the CLI needs the Node.js language host, which the module
 * proxy does not serve; test/e2e/README.md).
 */
import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import { RobotServer } from "../../provider";
import { startSimulator, Simulator } from "../../provider/sim";
import { controlPlanesConfig, hybridScenario } from "../../provider/sim/scenarios/hybrid";
import { Scenario } from "../../provider/sim/scenario";
import { SimMachine } from "../../provider/sim/types";
import { E2eStack } from "./harness/stack";
import { HYBRID_EXAMPLE, hybridStackConfig, withDiskSize } from "./harness/hybrid";

const FIRST = 761; // own 127.10.x addresses, apart from the other e2e suites and the unit suite's simulators
const TALOS = { talos: { version: "v1.13.9", arch: "amd64", platform: "metal", configured: true } } as const;

/** sha256 of each disk file of a machine (256 MiB each here). */
function diskHashes(m: SimMachine): string[] {
  return m.spec.disks.map((_, i) =>
    crypto
      .createHash("sha256")
      .update(fs.readFileSync(m.diskFile(i)))
      .digest("hex"),
  );
}

/** The scenario's one server, its first disk holding a configured Talos (a node some other tool installed). */
function runningTalosScenario(): Scenario {
  const sc = withDiskSize(hybridScenario({ firstServer: FIRST, robotServers: 1 }), 256 * 1024 * 1024);
  const [s] = sc.robot!.servers;
  const disks = s.machine.disks.map((d, i) => (i === 0 ? { ...d, seed: TALOS } : d));
  return { ...sc, robot: { ...sc.robot!, servers: [{ ...s, machine: { ...s.machine, disks } }] } };
}

describe("e2e: taking over a Robot server that runs Talos, under the real pulumi CLI", function () {
  this.timeout(300_000);
  let sim: Simulator;
  let e2e: E2eStack;
  let machine: SimMachine;
  let options: { import?: string } = {};
  let adopt = false;
  let server = 0;

  before(async () => {
    const scenario = runningTalosScenario();
    sim = await startSimulator({ scenario });
    const [cp] = controlPlanesConfig(scenario.robot!.servers);
    server = cp.serverNumber;
    machine = sim.world.machines.get(scenario.robot!.servers[0].machine.id)!;
    e2e = await E2eStack.create(HYBRID_EXAMPLE, hybridStackConfig(sim, scenario), async () => {
      const args = { serverNumber: cp.serverNumber, installDisk: cp.installDisk, image: { version: "v1.13.9" }, adopt };
      const s = new RobotServer("existing", args, options);
      return { adopted: s.adopted, talosState: s.talosState };
    });
  });

  after(async () => {
    await sim?.stop();
    e2e?.removeWorkDir();
  });

  /** Robot calls that change something (everything but GET) since `from`. */
  const robotChanges = (from: number) =>
    sim.services.robot.requests
      .slice(from)
      .filter((r) => r.method !== "GET")
      .map((r) => `${r.method} ${r.path}`);

  it("the import option fails in the dynamic-provider host with 'code must be a string, not undefined'", async () => {
    const [disks, from] = [diskHashes(machine), sim.services.robot.requests.length];
    options = { import: String(server) };
    const err = await e2e.upError();
    assert.match(
      err,
      /\n = {2}pulumi-nodejs:dynamic\/talos-hetzner:RobotServer existing \*\*importing failed\*\* error: code must be a string, not undefined\n/,
    );
    assert.match(
      err,
      /at getProvider \(\S+\/@pulumi\/cmd\/dynamic-provider\/index\.ts:\d+:\d+\)\n\s+at ResourceProviderService\.read /,
    );
    const resources = JSON.parse(e2e.cli(["stack", "export"])).deployment.resources as { type: string }[];
    assert.deepStrictEqual(
      resources.map((r) => r.type).filter((t) => t.includes("RobotServer")),
      [],
    );
    assert.deepStrictEqual([diskHashes(machine), robotChanges(from)], [disks, []]);
  });

  it("adopt: true takes over the running Talos, changing only the server's Robot name; preview then finds no changes", async () => {
    const [disks, from] = [diskHashes(machine), sim.services.robot.requests.length];
    [options, adopt] = [{}, true];
    const r = await e2e.up();
    assert.match(r.stdout, /Resources:\n\s+\+ 1 created\n\s+1 unchanged\b/);
    assert.ok(
      r.stdout.includes(
        `[existing]   adopting the Talos that runs on server ${server} (configured); nothing was changed on the machine\n`,
      ),
    );
    assert.deepStrictEqual([r.outputs.adopted.value, r.outputs.talosState.value], [true, "configured"]);
    assert.deepStrictEqual([diskHashes(machine), robotChanges(from)], [disks, [`POST /server/${server}`]]);
    assert.strictEqual(
      sim.services.robot.state.servers.get(server)!.name,
      "existing @pulumi:talos-hetzner-hybrid/e2e/existing",
    );
    assert.match(await e2e.preview({ expectNoChanges: true }), /Resources:\n\s+2 unchanged\b/);
  });

  it("destroy releases the server (its owner marker removed from the name) and leaves Talos running", async () => {
    const [disks, from] = [diskHashes(machine), sim.services.robot.requests.length];
    assert.match(await e2e.destroy(), /Resources:\n\s+- 2 deleted\b/);
    assert.deepStrictEqual(
      [diskHashes(machine), robotChanges(from), sim.services.robot.state.servers.get(server)!.name, machine.status()],
      [disks, [`POST /server/${server}`], "existing", "talos"],
    );
  });
});
