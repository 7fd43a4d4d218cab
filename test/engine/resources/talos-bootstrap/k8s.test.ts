/**
 * TalosBootstrap's Kubernetes upgrade through the REAL dynamic-provider host against simulated Talos
 * v1.13.9 nodes (2 control planes + 1 worker, configs rendered with Kubernetes 1.35.0): create records
 * 1.35.0 from the kubelet image; a preview skipping a minor fails in diff with talosctl's dry-run
 * error; 1.36.0 previews as an update and `up` runs upgrade-k8s, after which every node's machine
 * config carries the 1.36.0 images and health passed; a preview of 1.38.0 then fails at check; no
 * credential in state or logs.
 * Does not prove: what a real upgrade-k8s does to running pods or static pods (the stand-in only
 * rewrites the node configs, contracts/talosctl.md §14), nor anything the Pulumi CLI adds beyond
 * contracts/pulumi-dynamic.md.
 */
import * as assert from "assert";
import { TalosBootstrap } from "../../../../provider/resources/talos-bootstrap";
import { pollUntil } from "../../../../provider/internal/poll";
import { SimTalosRuntime, installTalosRuntime, talosctlPath } from "../../../../provider/sim/talos/runtime";
import { TalosTestMachine, testMachineSpec } from "../../../../provider/sim/testing/talos-machine";
import { isMap, readYamlDocuments } from "../../../../provider/talos/config/yaml-io";
import { Talosctl } from "../../../../provider/talos/talosctl";
import { FakeWorld } from "../../../helpers/fake-world";
import { assertNoSecrets } from "../../../helpers/secrets-scan";
import { EngineHarness, HarnessOptions, capturedProvider, secret } from "../../harness";

// Loopback addresses of this process's nodes (another process running these tests gets other ones).
const NET = `127.${150 + (process.pid % 50)}.91`;
const CPS = [`${NET}.2`, `${NET}.3`];
const WORKER = `${NET}.4`;
const TALOS = "v1.13.9";
const URN = "urn:pulumi:stack::project::pulumi-nodejs:dynamic/talos-hetzner:TalosBootstrap::k8s";
const COMPONENTS = [
  ["machine", "kubelet"],
  ["cluster", "apiServer"],
  ["cluster", "controllerManager"],
  ["cluster", "scheduler"],
  ["cluster", "proxy"],
];

/** `path: image` for every Kubernetes component image in a node's active config. */
async function imagesOf(t: Talosctl, node: string, talosconfig: string): Promise<string[]> {
  const [mc] = await t.getResources("machineconfig", { node, endpoints: [CPS[0]], talosconfig, id: "v1alpha1" });
  const doc = readYamlDocuments(mc.spec as string).find((d) => isMap(d) && isMap(d.machine)) as Record<
    string,
    Record<string, { image?: string }>
  >;
  return COMPONENTS.filter(([s, c]) => isMap(doc[s]?.[c]) && doc[s][c].image).map(
    ([s, c]) => `${s}.${c}.image: ${doc[s][c].image}`,
  );
}

describe("engine: TalosBootstrap Kubernetes upgrade (upgrade-k8s)", function () {
  this.timeout(180_000);
  let rt: SimTalosRuntime;
  let machines: TalosTestMachine[] = [];
  let h: EngineHarness;
  let provider: string;
  let secretsYaml: string;
  let talosconfig: string;
  let args: Record<string, unknown>;
  const t = Talosctl.locate({ binary: talosctlPath() });
  const configured = (m: TalosTestMachine) =>
    pollUntil(
      async () => {
        const n = rt.node(m.id);
        return n && !n.stopped && !n.maintenance && !n.rebootPending ? true : undefined;
      },
      { what: `${m.id} to run configured`, timeoutMs: 30_000, initialMs: 20, maxMs: 100 },
    );

  before(async () => {
    const world = new FakeWorld(0.001);
    rt = installTalosRuntime(world);
    const image = (platform: "metal" | "hcloud") => ({
      version: TALOS,
      arch: "amd64" as const,
      platform,
      schematic: "s",
    });
    machines = [
      ...CPS.map((ip, i) => new TalosTestMachine(world, testMachineSpec(`k8s-cp-${i + 1}`, ip), image("metal"))),
      new TalosTestMachine(
        world,
        { ...testMachineSpec("k8s-worker-1", WORKER, "vda"), kind: "cloud" },
        image("hcloud"),
      ),
    ];
    await Promise.all(machines.map((m) => m.start()));
    secretsYaml = await t.genSecrets(TALOS);
    const cfg = await t.genConfig({
      clusterName: "k8s",
      endpoint: `https://${CPS[0]}:6443`,
      secretsYaml,
      talosVersion: TALOS,
      kubernetesVersion: "1.35.0",
      installImage: `ghcr.io/siderolabs/installer:${TALOS}`,
      installDisk: "/dev/sda",
    });
    talosconfig = cfg.talosconfig;
    for (const ip of CPS)
      await t.applyConfig({ node: ip, config: cfg.controlplane, mode: "auto", insecure: true, dryRun: false });
    await t.applyConfig({
      node: WORKER,
      config: cfg.worker.replace("disk: /dev/sda", "disk: /dev/vda"),
      mode: "auto",
      insecure: true,
      dryRun: false,
    });
    for (const m of machines) await configured(m);
    const o: HarnessOptions = { env: { TALOSCTL: talosctlPath() }, callTimeoutMs: 120_000 };
    h = await EngineHarness.start(o);
    await h.configure({});
    provider = await capturedProvider(
      () =>
        new TalosBootstrap("probe", {
          clusterName: "p",
          secretsYaml: "x",
          bootstrapNode: "10.0.0.2",
          controlPlaneNodes: ["10.0.0.2"],
        }),
    );
    args = {
      __provider: provider,
      clusterName: "k8s",
      secretsYaml: secret(secretsYaml),
      bootstrapNode: CPS[0],
      controlPlaneNodes: CPS,
      workerNodes: [WORKER],
      deadlines: { bootstrapSeconds: 30, healthSeconds: 30 },
    };
  });

  after(async () => {
    await h?.stop();
    await Promise.all(machines.map((m) => m.destroy()));
  });

  it("create records the version the cluster runs (kubelet image of the bootstrap node) when none is set", async () => {
    const checked = await h.check(URN, {}, args);
    assert.deepStrictEqual(checked.failures, []);
    const created = await h.create(URN, checked.inputs);
    h.record(URN, created.id, args, created.properties, ["kubeconfig", "talosconfig"]);
    assert.deepStrictEqual(
      [created.properties.kubernetesVersion, (created.properties.health as { healthy: boolean }).healthy],
      ["1.35.0", true],
    );
    assert.ok(
      h.logs.includes(`[talos-bootstrap/k8s]   Kubernetes 1.35.0 (kubelet image of ${CPS[0]})`),
      h.logs.join("\n"),
    );
  });

  it("a preview that skips a minor fails in diff with talosctl's dry-run error, naming kubernetesVersion", async () => {
    const e = await h.preview(URN, { ...args, kubernetesVersion: "1.37.0" }).then(
      () => assert.fail("the preview passed"),
      (x: Error & { details?: string }) => x,
    );
    assert.strictEqual(
      e.details,
      `[kubernetesVersion] talosctl upgrade-k8s --dry-run refused 1.35.0 → 1.37.0 on ${CPS[0]}: talosctl upgrade-k8s failed on node ${CPS[0]} (exit 1): unsupported upgrade path 1.35->1.37 (from "1.35.0" to "1.37.0")`,
    );
  });

  it("a preview with the bootstrap node unreachable shows the change with a warning instead of failing", async () => {
    machines[0].powerOff();
    try {
      const p = await h.preview(URN, { ...args, kubernetesVersion: "1.36.0" });
      assert.deepStrictEqual([p.failures, p.op], [[], "update"]);
      const dial = `Unavailable: connection error: desc = "transport: Error while dialing: dial tcp ${CPS[0]}:50000: connect: connection refused"`;
      assert.ok(
        h.logs.includes(
          `[talos-bootstrap/k8s] WARNING: could not dry-run the Kubernetes upgrade 1.35.0 → 1.36.0 on ${CPS[0]} (talosctl upgrade-k8s failed: ${dial}); the preview shows the change without it`,
        ),
        h.logs.join("\n"),
      );
    } finally {
      await machines[0].start();
      await configured(machines[0]);
    }
  });

  it("1.36.0 previews as an in-place update (dry run passed) and up runs upgrade-k8s: every node's config carries the 1.36.0 images, health passed", async () => {
    const old = h.state.get(URN)!;
    const p = await h.preview(URN, { ...args, kubernetesVersion: "v1.36.0" });
    assert.deepStrictEqual([p.failures, p.op, p.inputs.kubernetesVersion], [[], "update", "1.36.0"]);
    assert.ok(
      h.logs.some((l) =>
        l.startsWith(
          `[talos-bootstrap/k8s] preview: talosctl upgrade-k8s --dry-run 1.35.0 → 1.36.0 on ${CPS[0]} passed`,
        ),
      ),
      h.logs.join("\n"),
    );
    const nodes = [...CPS, WORKER];
    const before = await Promise.all(nodes.map((n) => imagesOf(t, n, talosconfig)));
    assert.deepStrictEqual(
      before.map((b) => b.length > 0 && b.every((l) => l.endsWith(":v1.35.0"))),
      [true, true, true],
      before.join("\n"),
    );
    assert.strictEqual(before[0].length, 5);
    const up = await h.update(old.id, URN, old.outputs, p.inputs);
    h.record(URN, old.id, { ...args, kubernetesVersion: "1.36.0" }, up.properties, ["kubeconfig", "talosconfig"]);
    assert.deepStrictEqual(
      [up.properties.kubernetesVersion, (up.properties.health as { healthy: boolean }).healthy],
      ["1.36.0", true],
    );
    const after = await Promise.all(nodes.map((n) => imagesOf(t, n, talosconfig)));
    assert.deepStrictEqual(
      after,
      before.map((b) => b.map((l) => l.replace(/:v1\.35\.0$/, ":v1.36.0"))),
    );
    const steps = h.logs
      .filter((l) => l.startsWith("[talos-bootstrap/k8s] step ") && /step \d\/6/.test(l))
      .map((l) => l.replace(/ \(.*$/, ""));
    assert.deepStrictEqual(steps.slice(2, 4), [
      `[talos-bootstrap/k8s] step 3/6: upgrading Kubernetes 1.35.0 → 1.36.0 with talosctl upgrade-k8s on ${CPS[0]}`,
      "[talos-bootstrap/k8s] step 4/6: waiting for cluster health",
    ]);
  });

  it("a preview of 1.38.0 after 1.36.0 fails at check with the path error; no credential in state or logs", async () => {
    // Check alone: the engine stops at check failures (the harness's preview would go on to diff).
    const p = await h.check(URN, h.state.get(URN)!.inputs, { ...args, kubernetesVersion: "1.38.0" });
    assert.deepStrictEqual(p.failures, [
      {
        property: "kubernetesVersion",
        reason:
          "[kubernetesVersion] cannot change from 1.36.0 to 1.38.0 in one step: Kubernetes upgrades one minor version at a time (talosctl upgrade-k8s refuses to skip 1.37); set 1.37.x first, run pulumi up, then 1.38.0",
      },
    ]);
    const rec = h.state.get(URN)!;
    const creds = [rec.outputs.kubeconfig, rec.outputs.talosconfig].filter((x): x is string => typeof x === "string");
    const keys = creds.flatMap((c) =>
      [...c.matchAll(/(?:^|\s)(?:key|crt|client-key-data|client-certificate-data): (\S+)/gm)].map((m) => m[1]),
    );
    assert.ok(keys.length >= 4, `found ${keys.length} credential values`);
    assertNoSecrets([h.persistedState(), h.logs], [...keys, ...creds, secretsYaml], ["state", "logs"]);
  });
});
