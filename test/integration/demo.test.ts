/**
 * `npm run demo` as a test: the unmodified hybrid example against the simulator (3 Robot servers
 * installed over rescue, a Talos snapshot built in the Cloud, Cloud workers, bootstrap, mesh), with
 * extra steps through the same session: a preview of scaling 2 → 5 right after the first up, and a
 * real scale-in 3 → 2 before destroy. Asserts every plan by URN, the final node and mesh tables (all
 * peers up), the 0600 kubeconfig, and that no credential or key material reaches the log or the
 * state file. Does not prove anything about real Hetzner or Talos machines, or the Pulumi CLI's display.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { DEMO_LABEL_CHANGE, DemoResult, runDemo } from "../../provider/sim/demo";
import { DemoSession } from "../../provider/sim/demo-session";
import { PlanEntry, RunResult } from "../../provider/sim/runner";
import { HYBRID_CREDENTIALS } from "../../provider/sim/scenarios/hybrid";
import { robotServerScenario } from "../../provider/sim/robot/scenario";
import { assertNoSecrets } from "../helpers/secrets-scan";

const FIRST = 401; // server range of this test (127.10.6.x), apart from other tests' simulators
const CPS = [0, 1, 2].map((i) => robotServerScenario(FIRST + i));

/** `op name` of every entry that does something, sorted (plan order depends on timing). */
function changes(plan: PlanEntry[]): string[] {
  return plan.filter((p) => p.op !== "same").map((p) => `${p.op} ${p.urn.split("::").pop()}`).sort();
}
const allNames = (workers: number) => [
  "hybrid", "hybrid-secrets", "hybrid-image", "hybrid-firewall", "hybrid-bootstrap", "hybrid-mesh",
  ...[0, 1, 2].flatMap((i) => [`hybrid-cp-${i}`, `hybrid-cp-${i}-config`, `hybrid-cp-${i}-firewall`]),
  ...Array.from({ length: workers }, (_, i) => [`hybrid-cloud-${i}`, `hybrid-cloud-${i}-config`]).flat(),
];
const all = (op: string, workers: number) => allNames(workers).map((n) => `${op} ${n}`).sort();

describe("npm run demo (hybrid example against the simulator)", function () {
  this.timeout(300000);
  const lines: string[] = [];
  let result: DemoResult;
  let fivePreview: RunResult;
  let scaleIn: RunResult;
  let cloudMachines: Map<string, string>;
  let stateText = "";

  before(async () => {
    result = await runDemo({
      log: (l) => lines.push(l), scenario: { firstServer: FIRST },
      hooks: {
        afterUp: async (s: DemoSession) => {
          s.set({ cloudWorkers: "5" });
          fivePreview = await s.run("preview");
          s.set({ cloudWorkers: "2" });
        },
        beforeDestroy: async (s: DemoSession) => {
          cloudMachines = new Map([...s.sim.world.machines.values()].filter((m) => m.spec.kind === "cloud").map((m) => [m.id, m.spec.ipv4 ?? ""]));
          s.set({ cloudWorkers: "2" });
          scaleIn = await s.run("up");
          stateText = fs.readFileSync(s.stateFile, "utf8");
        },
      },
    });
  });
  after(() => fs.rmSync(result?.outDir ?? "/nonexistent", { recursive: true, force: true }));

  it("previews and creates exactly the cluster's 19 resources, then destroys what is left", () => {
    assert.deepStrictEqual(changes(result.plans.preview), all("create", 2));
    assert.deepStrictEqual(changes(result.plans.up), all("create", 2));
    assert.deepStrictEqual(changes(result.plans.destroy), all("delete", 2));
    assert.ok(lines.includes("Resources: 19 to create") && lines.includes("Resources: 19 created") && lines.includes("Resources: 19 deleted"), lines.join("\n"));
  });

  it("shows the label change as an update of the three control-plane configs, per config path", () => {
    const updates = result.plans.configPreview.filter((p) => p.op !== "same");
    assert.deepStrictEqual(updates.map((p) => [p.urn.split("::").pop(), p.op, p.diffKeys]).sort(), [0, 1, 2].map((i) => [`hybrid-cp-${i}-config`, "update", ["changeImpact", "configHash", "redactedConfig", "rolePatches"]]));
    const [key, value] = Object.entries(DEMO_LABEL_CHANGE)[0];
    assert.strictEqual(lines.filter((l) => l === `        + machine.nodeLabels.${key}: ${JSON.stringify(value)}`).length, 3, lines.join("\n"));
    assert.strictEqual(lines.filter((l) => l === '      changeImpact: "none" => "live"').length, 3);
  });

  it("scaling 2 → 5 would add three servers with their configs and update only the bootstrap and mesh", () => {
    assert.deepStrictEqual(changes(fivePreview.plan), [
      "create hybrid-cloud-2", "create hybrid-cloud-2-config", "create hybrid-cloud-3", "create hybrid-cloud-3-config", "create hybrid-cloud-4", "create hybrid-cloud-4-config",
      "update hybrid-bootstrap", "update hybrid-mesh",
    ]);
    const updates = fivePreview.plan.filter((p) => p.op === "update").map((p) => [p.urn.split("::").pop(), p.diffKeys]).sort();
    // In a preview the bootstrap's outputs are unknown until its update ran, so the mesh shows its talosconfig as changing too.
    assert.deepStrictEqual(updates, [["hybrid-bootstrap", ["workerNodes"]], ["hybrid-mesh", ["nodes", "talosconfig"]]]);
  });

  it("scales out 2 → 3 and back 3 → 2 touching only that server, its config, the bootstrap and the mesh", () => {
    assert.deepStrictEqual(changes(result.plans.scaleOut), ["create hybrid-cloud-2", "create hybrid-cloud-2-config", "update hybrid-bootstrap", "update hybrid-mesh"]);
    const keys = (plan: PlanEntry[]) => plan.filter((p) => p.op === "update").map((p) => [p.urn.split("::").pop(), p.diffKeys]).sort();
    // Applied, the credentials stay the same: only the node lists change.
    assert.deepStrictEqual(keys(result.plans.scaleOut), [["hybrid-bootstrap", ["workerNodes"]], ["hybrid-mesh", ["nodes"]]]);
    assert.deepStrictEqual(changes(scaleIn.plan), ["delete hybrid-cloud-2", "delete hybrid-cloud-2-config", "update hybrid-bootstrap", "update hybrid-mesh"]);
    assert.deepStrictEqual((scaleIn.outputs.nodes as { name: string }[]).map((n) => n.name), ["hybrid-cp-0", "hybrid-cp-1", "hybrid-cp-2", "hybrid-cloud-0", "hybrid-cloud-1"]);
  });

  it("ends the scale-out with six nodes, each seeing its five peers up", () => {
    assert.deepStrictEqual(result.nodes.slice(0, 3), CPS.map((s, i) => ({ name: `hybrid-cp-${i}`, role: "controlplane", where: "robot", pool: "controlplane", serverId: String(s.number), ipv4: s.machine.ipv4 })));
    const cloud = result.nodes.slice(3);
    assert.deepStrictEqual(cloud.map((n) => [n.name, n.role, n.where, n.pool]), [0, 1, 2].map((i) => [`hybrid-cloud-${i}`, "worker", "cloud", "cloud"]));
    for (const n of cloud) assert.strictEqual(cloudMachines.get(`cloud-${n.serverId}`), n.ipv4, n.name);
    assert.deepStrictEqual(result.mesh.map((m) => [m.node, m.where, m.peersUp, m.peersTotal]), result.nodes.map((n) => [n.name, n.where, 5, 5]));
    for (const m of result.mesh) {
      assert.match(m.kubespanAddress ?? "", /^fd[0-9a-f:]+$/, m.node);
      assert.deepStrictEqual(m.peers.map((p) => p.state), ["up", "up", "up", "up", "up"], m.node);
    }
    assert.ok(lines.some((l) => /^ {4}hybrid-cloud-2 +cloud +fd[0-9a-f:]+ +\S+= +5\/5$/.test(l)), "mesh table printed");
  });

  it("writes the kubeconfig with mode 0600 and keeps it, credentials and keys out of the log and the state file", () => {
    assert.strictEqual(fs.statSync(result.kubeconfigPath).mode & 0o777, 0o600);
    const kubeconfig = fs.readFileSync(result.kubeconfigPath, "utf8");
    assert.strictEqual(kubeconfig, scaleIn.outputs.kubeconfig);
    assert.match(kubeconfig, /client-key-data: \S+/);
    const keyData = /client-key-data: (\S+)/.exec(kubeconfig)![1];
    const secrets = [HYBRID_CREDENTIALS.robotPassword, HYBRID_CREDENTIALS.hcloudToken, keyData, String(scaleIn.outputs.talosconfig)];
    assertNoSecrets([lines, stateText], secrets, ["log", "state"]);
    assert.ok(stateText.includes("hybrid-cp-0"), "the scan read a real state file");
  });

  it("prints numbered steps and finishes within minutes", () => {
    assert.deepStrictEqual(lines.filter((l) => l.startsWith("[demo] step ")).map((l) => l.slice(0, 15)), [1, 2, 3, 4, 5, 6, 7].map((i) => `[demo] step ${i}/7`));
    assert.ok(lines.at(-1)!.startsWith("Done in ") && lines.at(-1)!.includes(`written to ${result.kubeconfigPath} (mode 0600)`), lines.at(-1));
    assert.ok(result.wallMs < 240000, `demo took ${result.wallMs} ms`);
  });
});
