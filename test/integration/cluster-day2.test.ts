/**
 * Day-2 operations of `TalosCluster` end to end in the simulator (issue #9), one cluster through a
 * sequence of `pulumi up`s: 3 dedicated control planes + 2 Cloud workers created on Talos v1.12, a
 * preview of the upgrade, the rolling upgrade to v1.13, a Kubernetes upgrade, faults (a node that never
 * comes back, an installer image the factory does not serve), scale-in, control-plane removal below
 * quorum and a drain timeout. Does not prove anything about real Talos upgrades, real kubelets or the
 * Pulumi CLI's own scheduling (the program runner plays the engine).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Simulator, startSimulator } from "../../provider/sim";
import { RunResult, runProgram } from "../../provider/sim/runner";
import { simulatorStackConfig } from "../../provider/sim/demo-session";
import { day2Program, day2Scenario, Day2Settings, DAY2_VERSIONS } from "../../provider/sim/scenarios/day2";

const FIRST = 431; // server range of this test (apart from the demo's 401–403)
const V = DAY2_VERSIONS;

describe("TalosCluster day 2 in the simulator", function () {
  this.timeout(180000);
  const scenario = day2Scenario({ firstServer: FIRST });
  let sim: Simulator;
  let dir: string;
  let lines: string[] = [];
  let settings: Day2Settings = { talosVersion: V.start, cloudWorkers: 2 };

  const run = (operation: "preview" | "up", change: Partial<Day2Settings> = {}): Promise<RunResult> => {
    settings = { ...settings, ...change };
    lines = [];
    return runProgram({
      program: day2Program(scenario, settings), operation, stack: "day2", stateFile: path.join(dir, "state.json"), passphrase: "day2-test",
      config: simulatorStackConfig(sim), pollIntervalMs: 20, log: (l) => lines.push(l),
    });
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cluster-day2-"));
    sim = await startSimulator({ scenario, stateDir: path.join(dir, "sim") });
  });
  after(async () => {
    await sim?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("creates the cluster on Talos v1.12", async () => {
    const t0 = Date.now();
    const r = await run("up").catch((e) => { console.log(lines.join("\n")); throw e; });
    console.log(`create took ${Date.now() - t0} ms`);
    assert.deepStrictEqual((r.outputs.nodes as { name: string }[]).map((n) => n.name), ["day2-cp-0", "day2-cp-1", "day2-cp-2", "day2-pool-0", "day2-pool-1"]);
  });
});
