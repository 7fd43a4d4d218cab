/**
 * `npm run demo` as a test: the unmodified hybrid example against the simulator (3 Robot servers
 * installed over rescue, a Talos snapshot built in the Cloud, Cloud workers, bootstrap, mesh), with
 * extra steps through the same session: a preview of scaling 2 → 5 right after the first up, and a
 * real scale-in 3 → 2, then the cloud-workers-for-existing-cluster example as a second stack adopting
 * that running cluster from its secrets.yaml (up and destroy) before the demo's destroy. Asserts every
 * plan by URN (each Cloud worker with its first-boot `-config`, its server and its apply-delivery
 * `-node` config, which finds the node already running its config; a roll position that moves with the
 * pool size updates nothing), the label change planned as a live apply in roll order, the final node
 * and mesh tables (all peers up), the 0600 kubeconfig, and that no credential or key material reaches
 * the log or the state file. Does not prove anything about real Hetzner or Talos machines, or the Pulumi CLI's display.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { DEMO_LABEL_CHANGE, DemoResult, runDemo } from "../../../../provider/sim/demo";
import { DemoSession, projectName, simulatorStackConfig } from "../../../../provider/sim/demo/session";
import { PlanEntry, RunResult, runProgram, RunOptions } from "../../../../provider/sim/pulumi";
import { StateStore } from "../../../../provider/sim/pulumi/state";
import type { ClusterNodeRow } from "../../../../provider/resources/talos-cluster/types";
import { HYBRID_CREDENTIALS } from "../../../../provider/sim/scenarios/hybrid";
import { robotServerScenario } from "../../../../provider/sim/apis/robot/scenario";
import { assertNoSecrets } from "../../../helpers/secrets-scan";

const PASSPHRASE = "demo-test-passphrase";
const EXISTING = path.resolve(__dirname, "../../../../../examples/cloud-workers-for-existing-cluster");
const FIRST = 401; // server range of this test (127.10.6.x), apart from other tests' simulators
const CPS = [0, 1, 2].map((i) => robotServerScenario(FIRST + i));

/** `op name` of every entry that does something, sorted (plan order depends on timing). */
function changes(plan: PlanEntry[]): string[] {
  return plan
    .filter((p) => p.op !== "same")
    .map((p) => `${p.op} ${p.urn.split("::").pop()}`)
    .sort();
}
/** A Cloud worker's three resources: first-boot config, server, day-2 apply config. */
const worker = (i: number, prefix = "hybrid-cloud") => [
  `${prefix}-${i}`,
  `${prefix}-${i}-config`,
  `${prefix}-${i}-node`,
];
const ops = (op: string, names: string[]) => names.map((n) => `${op} ${n}`);
/** [name, diffKeys] of every update, sorted. */
const updateKeys = (plan: PlanEntry[]) =>
  plan
    .filter((p) => p.op === "update")
    .map((p) => [p.urn.split("::").pop(), p.diffKeys])
    .sort();
const allNames = (workers: number) => [
  "hybrid",
  "hybrid-secrets",
  "hybrid-image",
  "hybrid-firewall",
  "hybrid-bootstrap",
  "hybrid-mesh",
  ...[0, 1, 2].flatMap((i) => [`hybrid-cp-${i}`, `hybrid-cp-${i}-config`, `hybrid-cp-${i}-firewall`]),
  ...Array.from({ length: workers }, (_, i) => worker(i)).flat(),
];
const all = (op: string, workers: number) =>
  allNames(workers)
    .map((n) => `${op} ${n}`)
    .sort();

describe("npm run demo (hybrid example against the simulator)", function () {
  this.timeout(300000);
  const lines: string[] = [];
  let result: DemoResult;
  let fivePreview: RunResult;
  let scaleIn: RunResult;
  let cloudMachines: Map<string, string>;
  let stateText = "";
  const existingLines: string[] = [];
  let existing: { up: RunResult; destroy: RunResult };
  let bundleKey = ""; // a private key of the cluster's secrets bundle

  /** The second stack: Cloud workers for the running cluster, adopted from the first stack's secrets.yaml. */
  async function addCloudWorkersToExisting(
    s: DemoSession,
    nodes: ClusterNodeRow[],
    endpoint: string,
  ): Promise<{ up: RunResult; destroy: RunResult }> {
    const hybrid = new StateStore(s.stateFile, PASSPHRASE).load();
    const secretsYaml = String(hybrid.resources.find((r) => r.urn.endsWith("::hybrid-secrets"))!.outputs.secretsYaml);
    bundleKey = /\n\s+key: (\S{40,})/.exec(secretsYaml)![1];
    const ips = (where: string) => JSON.stringify(nodes.filter((n) => n.where === where).map((n) => n.ipv4));
    const o: Omit<RunOptions, "operation"> = {
      program: EXISTING,
      project: projectName(EXISTING),
      stack: "demo",
      stateFile: path.join(s.outDir, "existing.json"),
      passphrase: PASSPHRASE,
      pollIntervalMs: 50,
      log: (l) => existingLines.push(l),
      config: {
        ...simulatorStackConfig(s.sim),
        secretsYaml: { secret: secretsYaml },
        clusterName: "hybrid",
        endpoint,
        controlPlaneAddresses: ips("robot"),
        workerAddresses: ips("cloud"),
        adminCidrs: JSON.stringify(["127.0.0.1/32"]),
        cloudWorkers: "1",
        poolName: "burst",
      },
    };
    return {
      up: await runProgram({ ...o, operation: "up" }),
      destroy: await runProgram({ ...o, operation: "destroy" }),
    };
  }

  before(async () => {
    process.env.PULUMI_CONFIG_PASSPHRASE = PASSPHRASE; // the session's passphrase, so the test can read the state
    result = await runDemo({
      log: (l) => lines.push(l),
      scenario: { firstServer: FIRST },
      hooks: {
        afterUp: async (s: DemoSession) => {
          s.set({ cloudWorkers: "5" });
          fivePreview = await s.run("preview");
          s.set({ cloudWorkers: "2" });
        },
        beforeDestroy: async (s: DemoSession) => {
          cloudMachines = new Map(
            [...s.sim.world.machines.values()]
              .filter((m) => m.spec.kind === "cloud")
              .map((m) => [m.id, m.spec.ipv4 ?? ""]),
          );
          s.set({ cloudWorkers: "2" });
          scaleIn = await s.run("up");
          stateText = fs.readFileSync(s.stateFile, "utf8");
          existing = await addCloudWorkersToExisting(
            s,
            scaleIn.outputs.nodes as ClusterNodeRow[],
            String(scaleIn.outputs.endpoint),
          );
        },
      },
    });
  });
  after(() => {
    delete process.env.PULUMI_CONFIG_PASSPHRASE;
    fs.rmSync(result?.outDir ?? "/nonexistent", { recursive: true, force: true });
  });

  it("previews and creates exactly the cluster's 21 resources, then destroys what is left", () => {
    assert.deepStrictEqual(changes(result.plans.preview), all("create", 2));
    assert.deepStrictEqual(changes(result.plans.up), all("create", 2));
    assert.deepStrictEqual(changes(result.plans.destroy), all("delete", 2));
    assert.ok(
      lines.includes("Resources: 21 to create") &&
        lines.includes("Resources: 21 created") &&
        lines.includes("Resources: 21 deleted"),
      lines.join("\n"),
    );
    // Each Cloud worker's -node config is the first boot's config applied again: the node already runs it.
    for (const i of [0, 1])
      assert.ok(lines.includes(`    [hybrid-cloud-${i}] step 4/5: nothing to apply`), `hybrid-cloud-${i}`);
  });

  it("shows the label change as an in-place update of the three control-plane configs, per config path, with the planned action in roll order", () => {
    const updates = result.plans.configPreview.filter((p) => p.op !== "same");
    assert.deepStrictEqual(
      updates.map((p) => [p.urn.split("::").pop(), p.op, p.diffKeys]).sort(),
      [0, 1, 2].map((i) => [
        `hybrid-cp-${i}-config`,
        "update",
        ["changeImpact", "configHash", "plannedAction", "redactedConfig", "rolePatches"],
      ]),
    );
    const [key, value] = Object.entries(DEMO_LABEL_CHANGE)[0];
    assert.strictEqual(
      lines.filter((l) => l === `        + machine.nodeLabels.${key}: ${JSON.stringify(value)}`).length,
      3,
      lines.join("\n"),
    );
    assert.strictEqual(lines.filter((l) => l === '      changeImpact: "none" => "live"').length, 3);
    const planned = lines.filter((l) => l.startsWith("      plannedAction: "));
    assert.deepStrictEqual(
      planned,
      ["1 of 5", "2 of 5, after hybrid-cp-0", "3 of 5, after hybrid-cp-1"].map(
        (at) => `      plannedAction: (none) => "apply live machine.nodeLabels.${key} — ${at}"`,
      ),
    );
  });

  it("scaling 2 → 5 would add three servers with their configs and update only the bootstrap and mesh", () => {
    // The other configs' roll positions change ("1 of 5" → "1 of 8"), which alone updates nothing.
    assert.deepStrictEqual(changes(fivePreview.plan), [
      ...ops("create", [...worker(2), ...worker(3), ...worker(4)]),
      "update hybrid-bootstrap",
      "update hybrid-mesh",
    ]);
    // In a preview the bootstrap's outputs are unknown until its update ran, so the mesh shows its talosconfig as changing too.
    assert.deepStrictEqual(updateKeys(fivePreview.plan), [
      ["hybrid-bootstrap", ["workerNodes"]],
      ["hybrid-mesh", ["nodes", "talosconfig"]],
    ]);
  });

  it("scales out 2 → 3 touching only that worker's three resources, the bootstrap and the mesh", () => {
    assert.deepStrictEqual(changes(result.plans.scaleOut), [
      ...ops("create", worker(2)),
      "update hybrid-bootstrap",
      "update hybrid-mesh",
    ]);
    // Applied, the credentials stay the same: only the node lists change.
    assert.deepStrictEqual(updateKeys(result.plans.scaleOut), [
      ["hybrid-bootstrap", ["workerNodes"]],
      ["hybrid-mesh", ["nodes"]],
    ]);
  });

  // Needs TalosMachineConfig's diff to answer "no change" also when olds and news do not differ at all
  // (onlyDescriptiveChanges in provider/runtime/talos-machine-config/roll/plan.ts): the scale-out was a
  // "same" step for the other configs, so the state holds their new inputs ("1 of 6") with their
  // create-time outputs ("1 of 5"); scaling back, those outputs equal the new inputs, and a DIFF_UNKNOWN
  // answer lets the engine compare the old inputs and plan five `update [rollPosition]` no-op applies.
  it("scales back 3 → 2 deleting only that worker's three resources (drained first) and updating only the mesh", () => {
    // Removing nodes is no health re-check for the bootstrap: the removed node's -node delete drains it.
    assert.deepStrictEqual(changes(scaleIn.plan), [...ops("delete", worker(2)), "update hybrid-mesh"]);
    assert.deepStrictEqual(updateKeys(scaleIn.plan), [["hybrid-mesh", ["nodes"]]]);
    assert.ok(
      lines.includes("    [hybrid-cloud-2] step 5/5: deleting Kubernetes node hybrid-cloud-2"),
      lines.join("\n"),
    );
    assert.deepStrictEqual(
      (scaleIn.outputs.nodes as { name: string }[]).map((n) => n.name),
      ["hybrid-cp-0", "hybrid-cp-1", "hybrid-cp-2", "hybrid-cloud-0", "hybrid-cloud-1"],
    );
  });

  it("ends the scale-out with six nodes, each seeing its five peers up", () => {
    assert.deepStrictEqual(
      result.nodes.slice(0, 3),
      CPS.map((s, i) => ({
        name: `hybrid-cp-${i}`,
        role: "controlplane",
        where: "robot",
        pool: "controlplane",
        serverId: String(s.number),
        ipv4: s.machine.ipv4,
      })),
    );
    const cloud = result.nodes.slice(3);
    assert.deepStrictEqual(
      cloud.map((n) => [n.name, n.role, n.where, n.pool]),
      [0, 1, 2].map((i) => [`hybrid-cloud-${i}`, "worker", "cloud", "cloud"]),
    );
    for (const n of cloud) assert.strictEqual(cloudMachines.get(`cloud-${n.serverId}`), n.ipv4, n.name);
    assert.deepStrictEqual(
      result.mesh.map((m) => [m.node, m.where, m.peersUp, m.peersTotal]),
      result.nodes.map((n) => [n.name, n.where, 5, 5]),
    );
    for (const m of result.mesh) {
      assert.match(m.kubespanAddress ?? "", /^fd[0-9a-f:]+$/, m.node);
      assert.deepStrictEqual(
        m.peers.map((p) => p.state),
        ["up", "up", "up", "up", "up"],
        m.node,
      );
    }
    assert.ok(
      lines.some((l) => /^ {4}hybrid-cloud-2 +cloud +fd[0-9a-f:]+ +\S+= +5\/5$/.test(l)),
      "mesh table printed",
    );
  });

  it("adds a Cloud worker to the running cluster from a second stack that adopts its secrets.yaml and snapshot", () => {
    const stack = ["cloud-workers", "cluster", "cluster-secrets", ...worker(0, "hybrid-burst"), "mesh", "talos"];
    assert.deepStrictEqual(changes(existing.up.plan), ops("create", stack));
    assert.ok(existingLines.includes("    [hybrid-burst-0] step 4/5: nothing to apply"), existingLines.join("\n"));
    assert.strictEqual(existing.up.outputs.alreadyBootstrapped, true);
    assert.ok(
      existingLines.some((l) => /\[talos\]\s+adopting snapshot \d+ .*no builder server was created/.test(l)),
      existingLines.join("\n"),
    );
    const table = String(existing.up.outputs.meshTable).split("\n");
    assert.deepStrictEqual(
      table.slice(1).map((l) => l.split(/ {3,}/).pop()),
      ["5/5", "5/5", "5/5", "5/5", "5/5", "5/5"],
      table.join("\n"),
    );
    assert.ok(
      table.some((l) => l.startsWith("hybrid-burst-0 ")),
      table.join("\n"),
    );
    assert.deepStrictEqual(changes(existing.destroy.plan), ops("delete", stack));
  });

  it("writes the kubeconfig with mode 0600 and keeps it and the credentials out of the log and the state file", () => {
    assert.strictEqual(fs.statSync(result.kubeconfigPath).mode & 0o777, 0o600);
    const kubeconfig = fs.readFileSync(result.kubeconfigPath, "utf8");
    assert.strictEqual(kubeconfig, scaleIn.outputs.kubeconfig);
    assert.match(kubeconfig, /client-key-data: \S+/);
    const keyData = /client-key-data: (\S+)/.exec(kubeconfig)![1];
    const secrets = [
      HYBRID_CREDENTIALS.robotPassword,
      HYBRID_CREDENTIALS.hcloudToken,
      keyData,
      String(scaleIn.outputs.talosconfig),
    ];
    assertNoSecrets([lines, stateText, existingLines], secrets, ["log", "state", "second stack's log"]);
    assert.ok(stateText.includes("hybrid-cp-0"), "the scan read a real state file");
  });

  // Needs the runner to send secret inputs as secrets: provider/sim/pulumi/monitor.ts installMonitor
  // calls setMockOptions after setMocks, which resets the SDK's supportsSecrets to false, so inputs
  // that are secret only as inputs (TalosBootstrap.secretsYaml, hcloud.Server.userData) reach the
  // state file in plaintext. Setting getStore().supportsSecrets = true after setMockOptions fixes it.
  it("keeps the secrets bundle's keys out of the log and stores them only encrypted in the state file", () => {
    assertNoSecrets([lines, stateText], [bundleKey], ["log", "state"]);
    assert.ok(
      bundleKey.length > 40 && stateText.includes("hybrid-secrets"),
      "the scan looked for a real key in a real state file",
    );
  });

  it("prints numbered steps and finishes within minutes", () => {
    assert.deepStrictEqual(
      lines.filter((l) => l.startsWith("[demo] step ")).map((l) => l.slice(0, 15)),
      [1, 2, 3, 4, 5, 6, 7].map((i) => `[demo] step ${i}/7`),
    );
    assert.ok(
      lines.at(-1)!.startsWith("Done in ") && lines.at(-1)!.includes(`written to ${result.kubeconfigPath} (mode 0600)`),
      lines.at(-1),
    );
    assert.ok(result.wallMs < 240000, `demo took ${result.wallMs} ms`);
  });
});
