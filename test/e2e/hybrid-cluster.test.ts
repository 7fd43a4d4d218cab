/**
 * examples/hybrid-cluster under the real Pulumi engine (`.tools/bin/pulumi` v3.276.0 built from the Go
 * module proxy; `npm run tools` first) against the simulator: preview --diff, up, preview and refresh
 * with --expect-no-changes, a config change previewed per path and applied, the kubeconfig from
 * `pulumi stack output --show-secrets` used against the simulated Kubernetes API, destroy, and no
 * secret in plaintext in the exported state, the backend's raw files or any CLI output.
 *
 * The plan has no Cloud workers (`cloudWorkers: 0`): the hcloud provider plugin is not served by the
 * module proxy (tools/README.md), and the engine may not download one. The program runs in this process
 * through the Automation API (the Node.js language host is not served either); dynamic providers run
 * in the engine's own `pulumi-resource-pulumi-nodejs` plugin processes, as under `pulumi up`.
 */
import * as assert from "assert";
import * as path from "path";
import { KubeClient } from "../../provider/kube/client";
import { startSimulator, Simulator } from "../../provider/sim";
import { controlPlanesConfig, HYBRID_CREDENTIALS, hybridScenario } from "../../provider/sim/scenarios/hybrid";
import { E2eStack, REPO_ROOT } from "./harness/stack";
import { needles, plaintextHits, secretValues } from "./harness/secrets";
import { planOps } from "./harness/plan";

const EXAMPLE = path.join(REPO_ROOT, "examples", "hybrid-cluster");
const FIRST = 701; // server range of this suite (its own 127.10.x addresses), apart from the unit suite's simulators
const LABELS = { "topology.kubernetes.io/zone": "fsn1-dc14" };
const CPS = ["hybrid-cp-0", "hybrid-cp-1", "hybrid-cp-2"];
const ALL = [
  "talos-hetzner-hybrid-e2e",
  "hybrid",
  "hybrid-secrets",
  "hybrid-bootstrap",
  "hybrid-mesh",
  ...CPS.flatMap((n) => [n, `${n}-config`, `${n}-firewall`]),
];
const ops = (op: string, names: string[]) => names.map((n) => `${op} ${n}`).sort();

describe("e2e: examples/hybrid-cluster under the real pulumi CLI", function () {
  // One step is one engine run: process and plugin start-up plus the simulated install of three servers.
  // Under the 2-core machine's full load `up` took 79 s; 300 s is the runner demo's own whole-session budget.
  this.timeout(300_000);
  let sim: Simulator;
  let e2e: E2eStack;
  let outputs: Record<string, unknown> = {};

  before(async () => {
    const scenario = hybridScenario({ firstServer: FIRST });
    sim = await startSimulator({ scenario });
    e2e = await E2eStack.create(EXAMPLE, {
      "hcloud:token": { value: sim.cloud.token, secret: true },
      "hcloud:endpoint": { value: sim.cloud.endpoint },
      "talos-hetzner:robotUser": { value: sim.robot.user, secret: true },
      "talos-hetzner:robotPassword": { value: sim.robot.password, secret: true },
      "talos-hetzner:robotUrl": { value: sim.robot.url },
      "talos-hetzner:imageFactoryUrl": { value: sim.factory.url },
      "talos-hetzner:talosctl": { value: sim.talosctl },
      // The simulated world runs faster than Hetzner: the library paces its polls by the same scale, as the demo does.
      "talos-hetzner:timeScale": { value: String(sim.world.timeScale) },
      controlPlanes: { value: JSON.stringify(controlPlanesConfig(scenario.robot!.servers)) },
      adminCidrs: { value: JSON.stringify(["127.0.0.1/32"]) },
      cloudWorkers: { value: "0" },
    });
  });

  after(async () => {
    await sim?.stop();
    e2e?.removeWorkDir();
  });

  it("preview --diff plans the stack, the cluster component and its 12 dynamic resources", async () => {
    const out = await e2e.preview({ diff: true });
    assert.deepStrictEqual(planOps(out), ops("create", ALL));
    assert.match(out, /Resources:\n\s+\+ 14 to create\b/);
    assert.match(out, /rollPosition\s*: "2 of 3, after hybrid-cp-0"/);
  });

  it("up creates all 14 and exports the endpoint and the node table", async () => {
    const r = await e2e.up();
    assert.match(r.stdout, /Resources:\n\s+\+ 14 created\b/);
    outputs = Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, v.value]));
    assert.match(String(outputs.endpoint), /^https:\/\/127\.10\.\d+\.\d+:6443$/);
    assert.deepStrictEqual(
      (outputs.nodes as { name: string }[]).map((n) => n.name),
      CPS,
    );
  });

  it("preview --expect-no-changes and refresh --expect-no-changes pass right after up", async () => {
    assert.match(await e2e.preview({ expectNoChanges: true }), /Resources:\n\s+14 unchanged\b/);
    assert.match(await e2e.refresh({ expectNoChanges: true }), /Resources:\n\s+14 unchanged\b/);
  });

  it("a label change is previewed per config path on each control plane in roll order, then applied live", async () => {
    await e2e.stack.setConfig("controlPlaneLabels", { value: JSON.stringify(LABELS) });
    const out = await e2e.preview({ diff: true });
    // --diff lists the stack and what changes; the 11 unchanged resources only appear in the summary.
    assert.deepStrictEqual(planOps(out), [
      "same talos-hetzner-hybrid-e2e",
      ...ops(
        "update",
        CPS.map((n) => `${n}-config`),
      ),
    ]);
    assert.match(out, /Resources:\n\s+~ 3 to update\n\s+11 unchanged\b/);
    assert.strictEqual(
      out.match(/^\s+\+\s+topology\.kubernetes\.io\/zone: fsn1-dc14$/gm)?.length,
      3,
      "the redacted config diff shows the new label on each node",
    );
    for (const [i, after] of ["1 of 3", "2 of 3, after hybrid-cp-0", "3 of 3, after hybrid-cp-1"].entries()) {
      assert.ok(
        out.includes(`+ plannedAction : "apply live machine.nodeLabels.topology.kubernetes.io/zone — ${after}"`),
        `cp-${i}: ${after}`,
      );
    }
    const r = await e2e.up();
    assert.match(r.stdout, /Resources:\n\s+~ 3 updated\n\s+11 unchanged\b/);
    const diagnostics = r.stdout.slice(r.stdout.indexOf("\nDiagnostics:"));
    assert.strictEqual(
      diagnostics.match(/Applied configuration without a reboot/g)?.length,
      6,
      "dry run and apply answer per node",
    );
  });

  it("stack output --show-secrets kubeconfig reaches the simulated Kubernetes API: three Ready control planes", async () => {
    const kubeconfig = e2e.cli(["stack", "output", "--show-secrets", "kubeconfig"]);
    assert.strictEqual(kubeconfig.trim(), String(outputs.kubeconfig).trim());
    const nodes = await new KubeClient(kubeconfig).listNodes();
    assert.deepStrictEqual(
      nodes.map((n) => [n.name, n.ready, n.osImage]),
      CPS.map((n) => [n, true, "Talos (v1.13.9)"]),
    );
  });

  it("destroy deletes all 14; no secret appears in plaintext in the state, the backend files or any CLI output", async () => {
    const plain = JSON.parse(e2e.cli(["stack", "export", "--show-secrets"]));
    const exported = e2e.cli(["stack", "export"]);
    const secrets = secretValues(JSON.parse(exported), plain);
    for (const s of [String(outputs.kubeconfig), String(outputs.talosconfig)])
      assert.ok(secrets.includes(s), "the outputs are secrets in state");
    // The scan has something to find: the bundle's keys, cluster secret, tokens and the client keys
    // (11 distinct pieces in this stack), each present in plaintext in the --show-secrets export.
    const keyMaterial = needles(secrets).filter((n) => !n.includes("\n"));
    assert.ok(keyMaterial.length >= 10, `only ${keyMaterial.length} pieces of key material`);
    assert.strictEqual(
      plaintextHits([{ name: "plain", text: JSON.stringify(plain) }], keyMaterial, []).length,
      keyMaterial.length,
    );
    const state = e2e.rawState();
    assert.match(await e2e.destroy(), /Resources:\n\s+- 14 deleted\b/);
    const texts = [
      { name: "stack export", text: exported },
      ...state.map((text, i) => ({ name: `backend file ${i}`, text })),
      ...e2e.output.map((text, i) => ({ name: `CLI output ${i}`, text })),
    ];
    assert.deepStrictEqual(
      plaintextHits(texts, secrets, [HYBRID_CREDENTIALS.robotPassword, HYBRID_CREDENTIALS.hcloudToken]),
      [],
    );
  });
});
