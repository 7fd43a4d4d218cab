/**
 * TalosBootstrap's Kubernetes upgrade with a scripted talosctl (no host, no simulator): the options
 * upgrade-k8s gets on update (from/to/node/endpoints/deadline), numbered steps with the progress
 * re-logged, health afterwards, the error naming the step, the version recorded at create (kubelet
 * image, or unset), and the preview's dry-run decision (definite refusal fails, unreachable warns).
 * Does not prove: what talosctl prints or refuses (contracts/talosctl.md §14; the engine test runs
 * the stand-in), nor that the engine fails a preview on a diff error (contracts/pulumi-dynamic.md).
 */
import * as assert from "assert";
import { DeadlineError } from "../../../../provider/internal/errors";
import { setLogSink } from "../../../../provider/internal/log";
import { b64, issue, newCA } from "../../../../provider/sim/talos/pki/cert";
import { TalosApiError, TalosctlError, TalosResource } from "../../../../provider/talos/talosctl";
import { ClusterClient, ClusterDeps, UpgradeK8sOptions } from "../../../../provider/runtime/shared/cluster-deps";
import { previewK8sUpgrade } from "../../../../provider/runtime/talos-bootstrap/k8s-preview";
import { runBootstrap } from "../../../../provider/runtime/talos-bootstrap/run";
import { BootstrapInputs, BootstrapOutputs } from "../../../../provider/runtime/talos-bootstrap/types";

const NODE = "10.0.0.2";
const TALOSCONFIG =
  "context: c\ncontexts:\n    c:\n        endpoints: []\n        ca: Q0E=\n        crt: Q1JU\n        key: S0VZ\n";
const INPUTS: BootstrapInputs = {
  clusterName: "c",
  baseTalosconfig: TALOSCONFIG,
  bootstrapNode: NODE,
  controlPlaneNodes: [NODE],
  deadlines: { healthSeconds: 30 },
};
const PROGRESS = [
  'discovered controlplane nodes ["10.0.0.2"]',
  'updating "kube-apiserver" to version "1.36.0"',
  ' > "10.0.0.2": starting update',
  ' < "10.0.0.2": successfully updated',
  "",
];

function kubeconfig(): string {
  const ca = newCA("ecdsa", { O: ["kubernetes"] });
  const admin = issue(ca, "ecdsa", {
    subject: { O: ["system:masters"], CN: "admin" },
    validityMs: 365 * 86_400_000,
    clientAuth: true,
    serverAuth: false,
  });
  return `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://${NODE}:6443\nusers:\n- name: admin@c\n  user:\n    client-certificate-data: ${b64(admin.crt)}\n    client-key-data: ${b64(admin.key)}\n`;
}
const KUBECONFIG = kubeconfig();

/** A talosctl whose answers are scripted; every call is recorded. */
function fake(
  o: { upgrade?: (x: UpgradeK8sOptions) => Promise<string[]>; machineconfig?: () => Promise<TalosResource[]> } = {},
) {
  const calls: string[] = [];
  const upgrades: UpgradeK8sOptions[] = [];
  const client: ClusterClient = {
    async run(args) {
      calls.push(args[0]);
      return { exitCode: 0, stdout: "", stderr: "waiting for etcd to be healthy: OK\n" };
    },
    async bootstrap() {
      calls.push("bootstrap");
      return { alreadyBootstrapped: true };
    },
    async kubeconfig() {
      calls.push("kubeconfig");
      return KUBECONFIG;
    },
    async etcdMembers() {
      calls.push("etcd members");
      return [{ node: NODE, id: "1", hostname: "cp-1", peerUrls: [], clientUrls: [], learner: false }];
    },
    async getResources(type) {
      calls.push(`get ${type}`);
      return o.machineconfig ? o.machineconfig() : [];
    },
    async upgradeK8s(x) {
      calls.push(`upgrade-k8s${x.dryRun ? " --dry-run" : ""}`);
      upgrades.push(x);
      return o.upgrade ? o.upgrade(x) : PROGRESS;
    },
  };
  const deps: ClusterDeps = { talosctl: () => client, sleep: async () => undefined, now: () => Date.now() };
  return { client, deps, calls, upgrades };
}

function collectLogs(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const prev = setLogSink((l) => lines.push(l));
  return { lines, restore: () => void setLogSink(prev) };
}

const PREV = {
  ...INPUTS,
  kubeconfig: KUBECONFIG,
  talosconfig: TALOSCONFIG,
  alreadyBootstrapped: false,
  kubernetesVersion: "1.35.0",
  drift: [],
} as unknown as BootstrapOutputs;
const mc = (text: string): TalosResource[] => [
  {
    node: NODE,
    metadata: {
      namespace: "config",
      type: "MachineConfigs.config.talos.dev",
      id: "v1alpha1",
      version: 1,
      owner: null,
      phase: "running",
      created: "",
      updated: "",
    },
    spec: text,
  },
];

describe("TalosBootstrap Kubernetes upgrade (scripted talosctl)", () => {
  let logs: ReturnType<typeof collectLogs>;
  beforeEach(() => {
    logs = collectLogs();
  });
  afterEach(() => logs.restore());

  it("update with a new version: upgrade-k8s once on the bootstrap node with --from/--to and the deadline, progress re-logged, then health", async () => {
    const f = fake();
    const out = await runBootstrap(
      { ...INPUTS, endpoints: ["10.0.0.9"], kubernetesVersion: "1.36.0", kubernetesUpgradeTimeoutSeconds: 600 },
      f.deps,
      { ...PREV, endpoints: ["10.0.0.9"] },
    );
    assert.deepStrictEqual(f.calls, ["bootstrap", "upgrade-k8s", "health", "kubeconfig", "etcd members"]);
    assert.deepStrictEqual(f.upgrades, [
      {
        node: NODE,
        endpoints: ["10.0.0.9"],
        talosconfig: TALOSCONFIG,
        from: "1.35.0",
        to: "1.36.0",
        timeoutMs: 600_000,
      },
    ]);
    assert.deepStrictEqual([out.kubernetesVersion, out.health?.healthy], ["1.36.0", true]);
    const at = logs.lines.indexOf(
      "[talos-bootstrap/c] step 3/6: upgrading Kubernetes 1.35.0 → 1.36.0 with talosctl upgrade-k8s on 10.0.0.2 (up to 600s)",
    );
    assert.ok(at > 0, logs.lines.join("\n"));
    assert.deepStrictEqual(logs.lines.slice(at + 1, at + 6), [
      '[talos-bootstrap/c]   discovered controlplane nodes ["10.0.0.2"]',
      '[talos-bootstrap/c]   updating "kube-apiserver" to version "1.36.0"',
      '[talos-bootstrap/c]    > "10.0.0.2": starting update',
      '[talos-bootstrap/c]    < "10.0.0.2": successfully updated',
      "[talos-bootstrap/c] step 4/6: waiting for cluster health (1 control-plane and 0 worker nodes, up to 30s)",
    ]);
  });

  it("an unchanged or unset version runs no upgrade and keeps the recorded one (default deadline 1800s when it does run)", async () => {
    for (const v of [undefined, "1.35.0"]) {
      const f = fake();
      const out = await runBootstrap({ ...INPUTS, kubernetesVersion: v }, f.deps, PREV);
      assert.deepStrictEqual(
        [f.calls, out.kubernetesVersion],
        [["bootstrap", "health", "kubeconfig", "etcd members"], "1.35.0"],
        String(v),
      );
    }
    const f = fake();
    await runBootstrap({ ...INPUTS, kubernetesVersion: "1.36.0" }, f.deps, { ...PREV, kubernetesVersion: undefined });
    assert.deepStrictEqual(
      f.upgrades.map((u) => [u.from, u.to, u.timeoutMs]),
      [[undefined, "1.36.0", 1_800_000]],
      "no recorded version: talosctl detects --from",
    );
  });

  it("fails naming the step and carrying talosctl's error, before health", async () => {
    const f = fake({
      upgrade: async () => {
        throw new TalosctlError("upgrade-k8s", 1, 'error updating "kube-apiserver": image pull failed\n');
      },
    });
    await assert.rejects(runBootstrap({ ...INPUTS, kubernetesVersion: "1.36.0" }, f.deps, PREV), {
      name: "StepError",
      message:
        '[talos-bootstrap/c] upgrading Kubernetes 1.35.0 → 1.36.0 with talosctl upgrade-k8s on 10.0.0.2 (up to 1800s) failed: talosctl upgrade-k8s failed (exit 1): error updating "kube-apiserver": image pull failed',
    });
    assert.deepStrictEqual(f.calls, ["bootstrap", "upgrade-k8s"]);
  });

  it("an unhealthy cluster after the upgrade is a partial update that keeps the old version, so the next up retries", async () => {
    const f = fake();
    f.client.run = async () => ({
      exitCode: 1,
      stdout: "",
      stderr:
        "waiting for kubelet to be healthy: ...\nwaiting for kubelet to be healthy: kubelet not ready\nhealthcheck error: rpc error: code = DeadlineExceeded desc = context deadline exceeded\n",
    });
    const e = await runBootstrap({ ...INPUTS, kubernetesVersion: "1.36.0" }, f.deps, PREV).then(
      () => assert.fail("passed"),
      (x: { name: string; message: string; partial: Record<string, unknown> }) => x,
    );
    assert.deepStrictEqual(
      [e.name, e.message],
      [
        "PartialResourceError",
        '[c] cluster health not reached within 30s: check "kubelet to be healthy" did not pass (last error: kubelet not ready); no check passed',
      ],
    );
    assert.deepStrictEqual(
      [f.upgrades.length, "kubernetesVersion" in e.partial, e.partial.drift],
      [1, false, [e.message]],
    );
  });

  it("create records the set version, else the bootstrap node's kubelet image, else nothing", async () => {
    const set = fake();
    assert.strictEqual(
      (await runBootstrap({ ...INPUTS, kubernetesVersion: "1.34.1" }, set.deps)).kubernetesVersion,
      "1.34.1",
    );
    assert.ok(!set.calls.includes("get machineconfig") && !set.calls.some((c) => c.startsWith("upgrade-k8s")));
    const learned = fake({
      machineconfig: async () => mc("machine:\n    kubelet:\n        image: ghcr.io/siderolabs/kubelet:v1.35.2\n"),
    });
    assert.strictEqual((await runBootstrap(INPUTS, learned.deps)).kubernetesVersion, "1.35.2");
    assert.ok(logs.lines.includes("[talos-bootstrap/c]   Kubernetes 1.35.2 (kubelet image of 10.0.0.2)"));
    const failing = fake({
      machineconfig: async () => {
        throw new TalosApiError("get", [{ node: NODE, grpcCode: "PermissionDenied", detail: "not authorized" }]);
      },
    });
    const out = await runBootstrap(INPUTS, failing.deps);
    assert.deepStrictEqual(["kubernetesVersion" in out, out.health?.healthy], [false, true]);
    assert.ok(
      logs.lines.includes(
        "[talos-bootstrap/c]   Kubernetes version not recorded: cannot read it from 10.0.0.2's kubelet image (talosctl get failed on node 10.0.0.2: PermissionDenied: not authorized)",
      ),
      logs.lines.join("\n"),
    );
  });
});

describe("TalosBootstrap Kubernetes upgrade preview (scripted talosctl)", () => {
  let logs: ReturnType<typeof collectLogs>;
  beforeEach(() => {
    logs = collectLogs();
  });
  afterEach(() => logs.restore());
  const olds = PREV as unknown as Record<string, unknown>;

  it("dry-runs only a changed, set version, with --from, 30s and the recorded credentials", async () => {
    const f = fake();
    for (const v of [undefined, "1.35.0", "v1.35.0", "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "bad"])
      await previewK8sUpgrade(olds, { ...INPUTS, kubernetesVersion: v }, f.deps);
    assert.deepStrictEqual(f.calls, []);
    await previewK8sUpgrade(olds, { ...INPUTS, kubernetesVersion: "v1.36.0" }, f.deps);
    assert.deepStrictEqual(f.upgrades, [
      {
        node: NODE,
        endpoints: [NODE],
        talosconfig: TALOSCONFIG,
        from: "1.35.0",
        to: "1.36.0",
        dryRun: true,
        timeoutMs: 30_000,
      },
    ]);
    assert.deepStrictEqual(logs.lines, [
      "[talos-bootstrap/c] preview: talosctl upgrade-k8s --dry-run 1.35.0 → 1.36.0 on 10.0.0.2 passed (4 progress lines)",
    ]);
  });

  it("fails the preview on a definite refusal, naming kubernetesVersion and carrying talosctl's text", async () => {
    const refusal = new TalosctlError(
      "upgrade-k8s",
      1,
      'error creating upgrade path unsupported upgrade path 1.35->1.37 (from "1.35.0" to "1.37.0")\n',
    );
    const f = fake({
      upgrade: async () => {
        throw refusal;
      },
    });
    await assert.rejects(previewK8sUpgrade(olds, { ...INPUTS, kubernetesVersion: "1.37.0" }, f.deps), {
      name: "InputError",
      message:
        '[kubernetesVersion] talosctl upgrade-k8s --dry-run refused 1.35.0 → 1.37.0 on 10.0.0.2: talosctl upgrade-k8s failed (exit 1): error creating upgrade path unsupported upgrade path 1.35->1.37 (from "1.35.0" to "1.37.0")',
    });
  });

  it("an unreachable node only warns; the offline rules still refuse a skipped minor", async () => {
    const dial = new TalosApiError("upgrade-k8s", [
      {
        node: null,
        grpcCode: "Unavailable",
        detail:
          'connection error: desc = "transport: Error while dialing: dial tcp 10.0.0.2:50000: connect: connection refused"',
      },
    ]);
    for (const e of [
      dial,
      new DeadlineError("talosctl upgrade-k8s", 30_000),
      new TalosctlError(
        "upgrade-k8s",
        1,
        'error fetching controlplane nodes: Get "https://10.0.0.2:6443/api/v1/nodes": dial tcp 10.0.0.2:6443: connect: connection refused\n',
      ),
    ]) {
      const f = fake({
        upgrade: async () => {
          throw e;
        },
      });
      await previewK8sUpgrade(olds, { ...INPUTS, kubernetesVersion: "1.36.0" }, f.deps);
      await assert.rejects(previewK8sUpgrade(olds, { ...INPUTS, kubernetesVersion: "1.37.0" }, f.deps), {
        name: "InputError",
        message:
          "[kubernetesVersion] cannot change from 1.35.0 to 1.37.0 in one step: Kubernetes upgrades one minor version at a time (talosctl upgrade-k8s refuses to skip 1.36); set 1.36.x first, run pulumi up, then 1.37.0",
      });
    }
    assert.strictEqual(
      logs.lines[0],
      `[talos-bootstrap/c] WARNING: could not dry-run the Kubernetes upgrade 1.35.0 → 1.36.0 on 10.0.0.2 (${dial.message}); the preview shows the change without it`,
    );
    assert.strictEqual(logs.lines.length, 6);
  });

  it("without recorded credentials (a create that never finished) only the offline rules apply", async () => {
    const f = fake();
    const { talosconfig: _t, ...noCreds } = olds;
    await previewK8sUpgrade(noCreds, { ...INPUTS, kubernetesVersion: "1.36.0" }, f.deps);
    await assert.rejects(previewK8sUpgrade(noCreds, { ...INPUTS, kubernetesVersion: "1.34.0" }, f.deps), {
      message:
        "[kubernetesVersion] cannot change from 1.35.0 to 1.34.0: that is a downgrade, and talosctl upgrade-k8s only upgrades Kubernetes; set 1.35.0 or a later version",
    });
    assert.deepStrictEqual(f.calls, []);
  });
});
