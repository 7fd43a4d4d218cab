/**
 * Day-2 operations of `TalosCluster` end to end in the simulator (issue #9), one cluster through a
 * sequence of `pulumi up`s: 3 dedicated control planes + 2 Cloud workers created on Talos v1.12, a
 * preview of the upgrade, the rolling upgrade to v1.13 (order asserted from the Talos journal and the
 * Kubernetes events), a Kubernetes upgrade, an installer image the factory does not serve, a node that
 * never comes back (and the resumed roll), scale-in of the pool, a drain timeout, and a control-plane
 * removal refused below quorum. Does not prove anything about real Talos upgrades, real kubelets or
 * the Pulumi CLI's own scheduling (the program runner plays the engine).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Simulator, startSimulator } from "../../provider/sim";
import { RunResult, runProgram } from "../../provider/sim/runner";
import { StateStore } from "../../provider/sim/runner/state";
import { simulatorStackConfig } from "../../provider/sim/demo-session";
import { day2Program, day2Scenario, Day2Settings, DAY2_VERSIONS } from "../../provider/sim/scenarios/day2";
import { day2Runtime, Mark, mark, rollViolations, timeline } from "../../provider/sim/scenarios/day2-observe";

const FIRST = 431; // server range of this test (apart from the demo's 401–403)
const V = DAY2_VERSIONS;
const CPS = ["day2-cp-0", "day2-cp-1", "day2-cp-2"];
const WORKERS = ["day2-pool-0", "day2-pool-1"];
const ALL = [...CPS, ...WORKERS];
const configOf = (n: string) => (n.startsWith("day2-cp") ? `${n}-config` : `${n}-node`);
const PASSPHRASE = "day2-test";

describe("TalosCluster day 2 in the simulator", function () {
  this.timeout(180000);
  const scenario = day2Scenario({ firstServer: FIRST });
  let sim: Simulator;
  let dir: string;
  let lines: string[] = [];
  let onLine: (l: string) => void = () => undefined;
  let settings: Day2Settings = { talosVersion: V.start, cloudWorkers: 2, drainTimeoutSeconds: 3, upgradeTimeoutSeconds: 8 };
  const rt = () => day2Runtime(sim.world);
  const kube = () => rt().kube("day2");
  const since = (m: Mark) => timeline(rt(), "day2", m);
  const versions = () => kube().nodes().map((n) => `${n.name} ${n.osImage} ${n.kubeletVersion}${n.unschedulable ? " cordoned" : ""}`);
  const state = (name: string) => new StateStore(path.join(dir, "state.json"), PASSPHRASE).load().resources.find((r) => r.urn.endsWith(`::${name}`));

  const run = (operation: "preview" | "up", change: Partial<Day2Settings> = {}): Promise<RunResult> => {
    settings = { ...settings, ...change };
    lines = [];
    return runProgram({
      program: day2Program(scenario, settings), operation, stack: "day2", stateFile: path.join(dir, "state.json"), passphrase: PASSPHRASE,
      config: simulatorStackConfig(sim), pollIntervalMs: 20, log: (l) => { lines.push(l); onLine(l); },
    });
  };
  const failure = async (p: Promise<RunResult>): Promise<string> => {
    const e = await p.then(() => undefined, (x: Error) => x);
    assert.ok(e, `the run should have failed\n${lines.join("\n")}`);
    return e.message;
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cluster-day2-"));
    sim = await startSimulator({ scenario, stateDir: path.join(dir, "sim") });
  });
  after(async () => {
    await sim?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("creates 3 control planes + 2 Cloud workers on v1.12; the Cloud workers' -node configs find their user-data config in place", async () => {
    const r = await run("up");
    assert.deepStrictEqual((r.outputs.nodes as { name: string }[]).map((n) => n.name), ALL);
    assert.deepStrictEqual(WORKERS.map((w) => state(`${w}-node`)?.outputs.appliedMode), ["unchanged", "unchanged"]);
    assert.deepStrictEqual(versions(), ALL.map((n) => `${n} Talos (${V.start}) v1.35.0`));
  });

  it("previews the upgrade as each node's planned action in roll order, touching nothing", async () => {
    const m = mark(rt(), "day2");
    await run("preview", { talosVersion: V.first });
    const planned = lines.filter((l) => /^ {6}plannedAction: /.test(l)).map((l) => JSON.parse(l.split(" => ")[1]) as string);
    const steps = (cp: boolean) => `(${cp ? "forfeit etcd leadership, " : ""}drain, upgrade, uncordon)`;
    assert.deepStrictEqual(planned.sort(), ALL.map((n, i) => `upgrade Talos ${V.start} → ${V.first} ${steps(i < 3)} — ${i + 1} of 5${i > 0 ? `, after ${ALL[i - 1]}` : ""}`).sort(), lines.join("\n"));
    assert.deepStrictEqual(since(m), []);
  });

  it("rolls v1.12 → v1.13 one node at a time: control planes in index order, then the workers, each uncordoned before the next", async () => {
    const m = mark(rt(), "day2");
    await run("up");
    const t = since(m);
    assert.deepStrictEqual(t.filter((l) => l.startsWith("upgrade")), ALL.map((n) => `upgrade ${n} ${V.first}`), t.join("\n"));
    assert.deepStrictEqual(t.filter((l) => !l.startsWith("upgrade")), ALL.flatMap((n) => [`cordon ${n}`, `uncordon ${n}`]), t.join("\n"));
    assert.deepStrictEqual(rollViolations(t), []);
    assert.deepStrictEqual(versions(), ALL.map((n) => `${n} Talos (${V.first}) v1.35.0`));
    // The config contract stays pinned: the same Kubernetes version and config version as at creation.
    assert.deepStrictEqual(ALL.map((n) => state(configOf(n))?.outputs.configVersion), ALL.map(() => V.start));
  });

  it("upgrades Kubernetes once for the cluster when kubernetesVersion changes", async () => {
    const m = mark(rt(), "day2");
    await run("up", { kubernetesVersion: "1.36.0" });
    assert.strictEqual(lines.filter((l) => l.includes("upgrading Kubernetes")).length, 1, lines.join("\n"));
    assert.deepStrictEqual(versions(), ALL.map((n) => `${n} Talos (${V.first}) v1.36.0`));
    assert.deepStrictEqual(since(m).filter((l) => l.startsWith("upgrade")), []);
  });

  it("fails before touching any node when the factory does not serve the installer image", async () => {
    const m = mark(rt(), "day2");
    const message = await failure(run("up", { talosVersion: V.unserved }));
    assert.match(message, /day2-cp-0-config: .*v1\.13\.10/, message);
    assert.deepStrictEqual(since(m), []);
    assert.deepStrictEqual(versions(), ALL.map((n) => `${n} Talos (${V.first}) v1.36.0`));
  });

  it("stops the roll at a node that never comes back, leaves the later nodes alone, and resumes without redoing finished ones", async () => {
    const hung = scenario.robot!.servers[1].machine.id;
    rt().faults.hangAfterUpgrade.add(hung);
    const m = mark(rt(), "day2");
    const message = await failure(run("up", { talosVersion: V.second }));
    assert.match(message, /day2-cp-1-config: .*day2-cp-1|day2-cp-1-config: .*127\./, message);
    assert.deepStrictEqual(since(m).filter((l) => l.startsWith("upgrade")), [`upgrade day2-cp-0 ${V.second}`, `upgrade day2-cp-1 ${V.second}`]);
    assert.deepStrictEqual(versions().filter((v) => !v.startsWith("day2-cp-0") && !v.startsWith("day2-cp-1")), ["day2-cp-2", ...WORKERS].map((n) => `${n} Talos (${V.first}) v1.36.0`));
    rt().faults.hangAfterUpgrade.delete(hung);
    await run("up");
    const t = since(m);
    assert.strictEqual(t.filter((l) => l === `upgrade day2-cp-0 ${V.second}`).length, 1, t.join("\n"));
    assert.deepStrictEqual(versions(), ALL.map((n) => `${n} Talos (${V.second}) v1.36.0`));
  });

  it("scales the pool in 2 → 1: drains the node, deletes it from Kubernetes, then its server", async () => {
    const m = mark(rt(), "day2");
    const r = await run("up", { cloudWorkers: 1 });
    assert.deepStrictEqual(r.plan.filter((p) => p.op === "delete").map((p) => p.urn.split("::").pop()), ["day2-pool-1-node", "day2-pool-1", "day2-pool-1-config"]);
    assert.deepStrictEqual(since(m), ["cordon day2-pool-1", "delete-node day2-pool-1"]);
    assert.deepStrictEqual(kube().nodes().map((n) => n.name), ["day2-cp-0", "day2-cp-1", "day2-cp-2", "day2-pool-0"]);
    assert.deepStrictEqual([...sim.services.cloud.state.servers.values()].map((s) => s.name), ["day2-pool-0"]);
  });

  it("stops a removal whose drain times out, leaving the node cordoned and its server in place", async () => {
    kube().addWorkload({ namespace: "default", name: "web", replicas: 2, minAvailable: 2 });
    const pods = kube().pods().filter((p) => p.namespace === "default").map((p) => `default/${p.name}`).sort();
    const message = await failure(run("up", { cloudWorkers: 0 }));
    const blocked = "Cannot evict pod as it would violate the pod's disruption budget.";
    assert.ok(message.includes(`drain of node day2-pool-0 did not finish within 3s: 2 pod(s) remain: ${pods.map((p) => `${p} (${blocked})`).join(", ")}`), message);
    assert.deepStrictEqual(kube().nodes().find((n) => n.name === "day2-pool-0")?.unschedulable, true);
    assert.deepStrictEqual([...sim.services.cloud.state.servers.values()].map((s) => s.name), ["day2-pool-0"]);
  });

  it("refuses to remove a control plane while another is powered off, deleting nothing", async () => {
    const off = sim.world.machines.get(scenario.robot!.servers[1].machine.id)!;
    onLine = (l) => { if (/ - .*::day2-cp-2-config \(delete\)/.test(l)) off.powerOff(); };
    const message = await failure(run("up", { cloudWorkers: 1, controlPlanes: 2 }));
    onLine = () => undefined;
    const ip = scenario.robot!.servers[2].machine.ipv4;
    assert.ok(message.includes(`refusing to remove control plane ${ip} from etcd: 1 of the 2 remaining members would be healthy, below the quorum of 2; set allowQuorumLoss to remove it anyway`), message);
    assert.deepStrictEqual(["day2-cp-2", "day2-cp-2-config", "day2-cp-2-firewall"].map((n) => state(n)?.urn.split("::").pop()), ["day2-cp-2", "day2-cp-2-config", "day2-cp-2-firewall"]);
    assert.ok(kube().nodes().some((n) => n.name === "day2-cp-2"), "the Kubernetes node stays");
  });
});
