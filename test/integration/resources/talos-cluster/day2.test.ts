/**
 * Day-2 operations of `TalosCluster` end to end in the simulator (issue #9), one cluster through a
 * sequence of `pulumi up`s: 3 dedicated control planes + 2 Cloud workers created on Talos v1.12, a
 * preview of the upgrade, the rolling upgrade to v1.13 (order asserted from the Talos journal and the
 * Kubernetes events) stopped by a worker that never comes back and resumed, a Kubernetes upgrade, a
 * version the factory does not serve, scale-in of the pool, a drain timeout, a control-plane
 * removal refused below quorum, then allowed once the powered-off member is back. Does not prove anything about real Talos upgrades, real kubelets or
 * the Pulumi CLI's own scheduling (the program runner plays the engine).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Simulator, startSimulator } from "../../../../provider/sim";
import { VANILLA_SCHEMATIC_ID } from "../../../../provider/talos/schematic";
import { RunResult, runProgram } from "../../../../provider/sim/pulumi";
import { StateStore } from "../../../../provider/sim/pulumi/state";
import { simulatorStackConfig } from "../../../../provider/sim/demo/session";
import { day2Program, day2Scenario, Day2Settings, DAY2_VERSIONS } from "../../../../provider/sim/scenarios/day2";
import { day2Runtime, Mark, mark, rollViolations, timeline } from "../../../../provider/sim/scenarios/day2-observe";
import { pollUntil } from "../../../../provider/internal/poll";
import { SimTalosRuntime } from "../../../../provider/sim/talos/runtime";

// Server range of this test (apart from the demo's 401–403); DAY2_FIRST_SERVER moves it so two runs can share a machine.
const FIRST = Number(process.env.DAY2_FIRST_SERVER ?? 431);
const V = DAY2_VERSIONS;
const CPS = ["day2-cp-0", "day2-cp-1", "day2-cp-2"];
const WORKERS = ["day2-pool-0", "day2-pool-1"];
const ALL = [...CPS, ...WORKERS];
const configOf = (n: string) => (n.startsWith("day2-cp") ? `${n}-config` : `${n}-node`);
const PASSPHRASE = "day2-test";
const URN = "urn:pulumi:day2::project::pulumi-talos-hetzner:index:TalosCluster$pulumi-nodejs:dynamic/talos-hetzner:";
const VANILLA = VANILLA_SCHEMATIC_ID;

describe("TalosCluster day 2 in the simulator", function () {
  this.timeout(180000);
  const scenario = day2Scenario({ firstServer: FIRST });
  let sim: Simulator;
  let dir: string;
  let lines: string[] = [];
  let onLine: (l: string) => void = () => undefined;
  let settings: Day2Settings = {
    talosVersion: V.start,
    cloudWorkers: 2,
    drainTimeoutSeconds: 3,
    upgradeTimeoutSeconds: 12,
  };
  let nodes: { name: string; serverId: string; ipv4: string }[] = [];
  let roll: Mark;
  const rt = () => day2Runtime(sim.world);
  const kube = () => rt().kube("day2");
  const since = (m: Mark) => timeline(rt(), "day2", m);
  const versions = () =>
    kube()
      .nodes()
      .map((n) => `${n.name} ${n.osImage} ${n.kubeletVersion}${n.unschedulable ? " cordoned" : ""}`);
  const state = (name: string) =>
    new StateStore(path.join(dir, "state.json"), PASSPHRASE).load().resources.find((r) => r.urn.endsWith(`::${name}`));

  // `talosctl`: the suite drives the nodes with the client startSimulator hands out (the real one when built).
  const run = (
    operation: "preview" | "up",
    change: Partial<Day2Settings> = {},
    talosctl = sim.talosctl,
  ): Promise<RunResult> => {
    settings = { ...settings, ...change };
    lines = [];
    return runProgram({
      program: day2Program(scenario, settings),
      operation,
      stack: "day2",
      stateFile: path.join(dir, "state.json"),
      passphrase: PASSPHRASE,
      config: { ...simulatorStackConfig(sim), "talos-hetzner:talosctl": talosctl },
      pollIntervalMs: 20,
      log: (l) => {
        lines.push(l);
        onLine(l);
      },
    });
  };
  const failure = async (p: Promise<RunResult>): Promise<string> => {
    const e = await p.then(
      () => undefined,
      (x: Error) => x,
    );
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
    nodes = r.outputs.nodes as typeof nodes;
    assert.deepStrictEqual(
      nodes.map((n) => n.name),
      ALL,
    );
    assert.deepStrictEqual(
      WORKERS.map((w) => state(`${w}-node`)?.outputs.appliedMode),
      ["unchanged", "unchanged"],
    );
    assert.deepStrictEqual(
      versions(),
      ALL.map((n) => `${n} Talos (${V.start}) v1.35.0`),
    );
  });

  it("previews the upgrade as each node's planned action in roll order, touching nothing", async () => {
    const m = mark(rt(), "day2");
    await run("preview", { talosVersion: V.first });
    const planned = lines
      .filter((l) => /^ {6}plannedAction: /.test(l))
      .map((l) => JSON.parse(l.split(" => ")[1]) as string);
    const steps = (cp: boolean) => `(${cp ? "forfeit etcd leadership, " : ""}drain, upgrade, uncordon)`;
    assert.deepStrictEqual(
      planned.sort(),
      ALL.map(
        (n, i) =>
          `upgrade Talos ${V.start} → ${V.first} ${steps(i < 3)} — ${i + 1} of 5${i > 0 ? `, after ${ALL[i - 1]}` : ""}`,
      ).sort(),
      lines.join("\n"),
    );
    assert.deepStrictEqual(since(m), []);
  });

  it("rolls v1.12 → v1.13 one node at a time and stops at a worker that never comes back, leaving the next one alone", async () => {
    const hung = `cloud-${nodes.find((n) => n.name === "day2-pool-0")!.serverId}`;
    rt().faults.hangAfterUpgrade.add(hung);
    roll = mark(rt(), "day2");
    const message = await failure(run("up")).finally(() => rt().faults.hangAfterUpgrade.delete(hung));
    const ip = nodes.find((n) => n.name === "day2-pool-0")!.ipv4;
    assert.ok(
      message.startsWith(
        `1 resource(s) failed:\n  ${URN}TalosMachineConfig::day2-pool-0-node: [day2-pool-0] upgrade to ${V.first}: node ${ip} did not come back within 12s: no answer (`,
      ),
      message,
    );
    const t = since(roll);
    assert.deepStrictEqual(
      t.filter((l) => l.startsWith("upgrade")),
      [...CPS, "day2-pool-0"].map((n) => `upgrade ${n} ${V.first}`),
      t.join("\n"),
    );
    assert.deepStrictEqual(
      t.filter((l) => !l.startsWith("upgrade")),
      [...CPS.flatMap((n) => [`cordon ${n}`, `uncordon ${n}`]), "cordon day2-pool-0"],
      t.join("\n"),
    );
    assert.deepStrictEqual(rollViolations(t), []);
    assert.deepStrictEqual(
      versions().filter((v) => !v.startsWith("day2-pool-0")),
      [...CPS.map((n) => `${n} Talos (${V.first}) v1.35.0`), `day2-pool-1 Talos (${V.start}) v1.35.0`],
    );
  });

  it("resumes the roll on the next up without upgrading a finished node again; the config contract stays v1.12", async () => {
    await run("up");
    const t = since(roll);
    // day2-pool-0 came back on the new version without its config: it is not upgraded again, only configured
    // and uncordoned; the finished control planes are not touched again.
    assert.deepStrictEqual(
      t.filter((l) => l.startsWith("upgrade")),
      [...CPS, ...WORKERS].map((n) => `upgrade ${n} ${V.first}`),
      t.join("\n"),
    );
    assert.deepStrictEqual(
      t.filter((l) => !l.startsWith("upgrade")),
      [...CPS, ...WORKERS].flatMap((n) => [`cordon ${n}`, `uncordon ${n}`]),
      t.join("\n"),
    );
    assert.deepStrictEqual(rollViolations(t), []);
    assert.deepStrictEqual(
      versions(),
      ALL.map((n) => `${n} Talos (${V.first}) v1.35.0`),
    );
    assert.deepStrictEqual(
      ALL.map((n) => state(configOf(n))?.outputs.configVersion),
      ALL.map(() => V.start),
    );
    // In place: the Cloud servers are the ones created on v1.12, and only the v1.13 snapshot is left for new ones.
    const cloud = sim.services.cloud.state;
    // (the two servers are created in parallel, so their ids come in either order)
    assert.deepStrictEqual(
      [...cloud.servers.values()].map((x) => `${x.name} ${x.id}`).sort(),
      nodes
        .slice(3)
        .map((n) => `${n.name} ${n.serverId}`)
        .sort(),
    );
    assert.deepStrictEqual(
      [...cloud.images.values()].filter((i) => i.type === "snapshot").map((i) => i.labels["talos-version"]),
      [V.first],
    );
  });

  it("upgrades Kubernetes once for the cluster when kubernetesVersion changes", async () => {
    const m = mark(rt(), "day2");
    // The stand-in: the real `upgrade-k8s` reads StaticPods/KubeletSpec (and watches), which the simulated nodes do not serve yet.
    await run("up", { kubernetesVersion: "1.36.0" }, sim.standInTalosctl);
    assert.strictEqual(lines.filter((l) => l.includes("upgrading Kubernetes")).length, 1, lines.join("\n"));
    assert.deepStrictEqual(
      versions(),
      ALL.map((n) => `${n} Talos (${V.first}) v1.36.0`),
    );
    assert.deepStrictEqual(
      since(m).filter((l) => l.startsWith("upgrade")),
      [],
    );
  });

  it("fails at the new snapshot, before touching any node, when the factory does not serve the version", async () => {
    const m = mark(rt(), "day2");
    const message = await failure(run("up", { talosVersion: V.unserved }));
    const url = `${sim.factory.url}/image/${VANILLA}/${V.unserved}/hcloud-amd64.raw.zst`;
    assert.strictEqual(
      message,
      `1 resource(s) failed:\n  ${URN}TalosImage::day2-image: [day2-image] step 3/12 (checking that ${url} exists) failed: Talos ${V.unserved} image for schematic ${VANILLA} not found at ${url} (404): the version or schematic does not exist on this factory`,
    );
    assert.deepStrictEqual(since(m), []);
    assert.deepStrictEqual(
      versions(),
      ALL.map((n) => `${n} Talos (${V.first}) v1.36.0`),
    );
    settings = { ...settings, talosVersion: V.first };
  });

  it("scales the pool in 2 → 1: drains the node, deletes it from Kubernetes, then its server", async () => {
    const m = mark(rt(), "day2");
    const r = await run("up", { cloudWorkers: 1 });
    assert.deepStrictEqual(
      r.plan.filter((p) => p.op === "delete").map((p) => p.urn.split("::").pop()),
      ["day2-pool-1-node", "day2-pool-1", "day2-pool-1-config"],
    );
    assert.deepStrictEqual(since(m), ["cordon day2-pool-1", "delete-node day2-pool-1"]);
    assert.deepStrictEqual(
      kube()
        .nodes()
        .map((n) => n.name),
      ["day2-cp-0", "day2-cp-1", "day2-cp-2", "day2-pool-0"],
    );
    assert.deepStrictEqual(
      [...sim.services.cloud.state.servers.values()].map((s) => s.name),
      ["day2-pool-0"],
    );
  });

  it("stops a removal whose drain times out, leaving the node cordoned and its server in place", async () => {
    kube().addWorkload({ namespace: "default", name: "web", replicas: 2, minAvailable: 2 });
    const pods = kube()
      .pods()
      .filter((p) => p.namespace === "default")
      .map((p) => `default/${p.name}`);
    const message = await failure(run("up", { cloudWorkers: 0 }));
    const blocked = "Cannot evict pod as it would violate the pod's disruption budget.";
    const expected = (ps: string[]) =>
      `1 resource(s) failed:\n  ${URN}TalosMachineConfig::day2-pool-0-node: delete failed: [day2-pool-0] drain: drain of node day2-pool-0 did not finish within 3s: ` +
      `2 pod(s) remain: ${ps.map((p) => `${p} (${blocked})`).join(", ")}; the node stays cordoned (uncordon was not done); resolve the blocking pods, then re-run to resume`;
    // The drain lists the pods in the API's order; either order of the two replicas is the same error.
    assert.ok(
      [pods, [...pods].reverse()].some((ps) => message === expected(ps)),
      message,
    );
    assert.deepStrictEqual(
      kube()
        .nodes()
        .find((n) => n.name === "day2-pool-0")?.unschedulable,
      true,
    );
    assert.deepStrictEqual(
      [...sim.services.cloud.state.servers.values()].map((s) => s.name),
      ["day2-pool-0"],
    );
  });

  // TalosBootstrap does not re-run health when nodes only leave its lists (they are deleted after every
  // update), so the run reaches the removed node's config delete and its quorum guard.
  it("refuses to remove a control plane while another is powered off, deleting nothing", async () => {
    const off = sim.world.machines.get(scenario.robot!.servers[1].machine.id)!;
    onLine = (l) => {
      if (/ - .*::day2-cp-2-config \(delete\)/.test(l)) off.powerOff();
    };
    const message = await failure(run("up", { cloudWorkers: 1, controlPlanes: 2 }));
    onLine = () => undefined;
    const ip = scenario.robot!.servers[2].machine.ipv4;
    assert.ok(
      message.includes(
        `refusing to remove control plane ${ip} from etcd: 1 of the 2 remaining members would be healthy, below the quorum of 2; set allowQuorumLoss to remove it anyway`,
      ),
      message,
    );
    assert.deepStrictEqual(
      ["day2-cp-2", "day2-cp-2-config", "day2-cp-2-firewall"].map((n) => state(n)?.urn.split("::").pop()),
      ["day2-cp-2", "day2-cp-2-config", "day2-cp-2-firewall"],
    );
    assert.ok(
      kube()
        .nodes()
        .some((n) => n.name === "day2-cp-2"),
      "the Kubernetes node stays",
    );
  });

  it("removes the control plane once etcd can spare it: drained, out of etcd and Kubernetes, the machine left running", async () => {
    sim.world.machines.get(scenario.robot!.servers[1].machine.id)!.powerOn();
    await pollUntil(
      async () =>
        kube()
          .nodes()
          .find((n) => n.name === "day2-cp-1")?.ready
          ? true
          : undefined,
      { what: "day2-cp-1 to be Ready again", timeoutMs: 60000, initialMs: 50, maxMs: 500 },
    );
    const m = mark(rt(), "day2");
    const r = await run("up", { cloudWorkers: 1, controlPlanes: 2 });
    assert.deepStrictEqual(
      r.plan.filter((p) => p.op === "delete").map((p) => p.urn.split("::").pop()),
      ["day2-cp-2-config", "day2-cp-2-firewall", "day2-cp-2"],
    );
    assert.deepStrictEqual(since(m), ["cordon day2-cp-2", "delete-node day2-cp-2"]);
    assert.deepStrictEqual(
      kube()
        .nodes()
        .map((n) => n.name)
        .sort(),
      ["day2-cp-0", "day2-cp-1", "day2-pool-0"],
    );
    const talos = sim.world.talosRuntime as SimTalosRuntime;
    const key = talos.node(scenario.robot!.servers[0].machine.id)!.cluster!;
    assert.deepStrictEqual(
      talos.registry
        .etcdMembers(key)
        .map((e) => e.hostname)
        .sort(),
      ["day2-cp-0", "day2-cp-1"],
    );
    const cp2 = sim.world.machines.get(scenario.robot!.servers[2].machine.id)!;
    assert.strictEqual(
      cp2.status(),
      "talos",
      "RobotServer's delete leaves the machine alone (resetRemovedNodes is not set)",
    );
  });
});
