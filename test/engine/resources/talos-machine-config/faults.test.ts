/**
 * Bad inputs and node faults of TalosMachineConfig through the REAL dynamic-provider host, the
 * talosctl stand-in and simulated nodes, with the exact errors a user sees: check failures per
 * input (patch list and index), a node rejecting the config, a busy node (retried), an unreachable
 * node (create fails; refresh keeps state), a no-reboot apply of a change that needs a reboot.
 * Does not prove: real Talos's texts beyond contracts/talosctl.md.
 */
import * as assert from "assert";
import { pollUntil } from "../../../../provider/internal/poll";
import { HostCallError } from "../../../../provider/sim/pulumi/host-errors";
import { configHash } from "../../../../provider/talos/config";
import { NodeWorld, SimNode, nodeInputs, startNodeWorld, up } from "./world";
import { UNREACHABLE_HINT } from "../../../../provider/runtime/talos-machine-config/errors";

const URN = "urn:pulumi:stack::project::pulumi-nodejs:dynamic/talos-hetzner:TalosMachineConfig::";

describe("engine: TalosMachineConfig bad input and faults", function () {
  this.timeout(120000);
  let w: NodeWorld;
  let n: SimNode;
  before(async () => {
    w = await startNodeWorld(["v1.13.9"], 1);
    n = w.nodes[0];
  });
  after(async () => w?.stop());

  it("fails check with the input, patch and path named", async () => {
    const big = require("crypto").randomBytes(30000).toString("base64");
    const cases: Array<[Record<string, unknown>, string, string | RegExp]> = [
      [
        { nodePatches: ["machine:\n  nodeLabels: [a\n"] },
        "nodePatches",
        /^nodePatches\[0\]: invalid YAML at line \d+: /,
      ],
      [
        { nodePatches: ["machine: {}", '[{"op": "replace", "path": "/machine/kubelet/nope/x", "value": 1}]'] },
        "nodePatches",
        "nodePatches[1]: JSON 6902 operation #0 (replace /machine/kubelet/nope/x) on document v1alpha1 failed: path not found",
      ],
      [
        { talosVersion: "v1.12.4", clusterPatches: ["apiVersion: v1alpha1\nkind: KubeSpanConfig\nenabled: true\n"] },
        "clusterPatches",
        'clusterPatches[0]: document kind "KubeSpanConfig" is not known to Talos v1.12 (introduced in v1.13)',
      ],
      [
        { rolePatches: ["machine:\n  network:\n    hostname: other\n"] },
        "rolePatches",
        "rolePatches[0]: static hostname is already set in v1alpha1 config; since Talos v1.12 the hostname is set with a HostnameConfig document",
      ],
      // Without the hostname input the conflict is found by talosctl validate (gen config's HostnameConfig), blamed on the patch.
      [
        {
          hostname: undefined,
          clusterPatches: ["machine: {nodeLabels: {a: b}}"],
          nodePatches: ["machine:\n  network:\n    hostname: other\n"],
        },
        "nodePatches",
        "nodePatches[0]: the controlplane config after this patch is not valid for metal mode: static hostname is already set in v1alpha1 config",
      ],
      [{ role: "master" }, "role", '[role] must be "controlplane" or "worker", got "master"'],
      [
        { endpoint: n.ip },
        "endpoint",
        /^\[endpoint\] no scheme and port specified for the cluster endpoint URL\ntry: "https:\/\/127\.10\.\d+\.\d+:6443"$/,
      ],
      [
        { endpoint: "cp.example.com:6443" },
        "endpoint",
        '[endpoint] no scheme specified for the cluster endpoint URL\ntry: "https://cp.example.com:6443"',
      ],
      [
        { delivery: "user-data", nodePatches: [{ machine: { nodeAnnotations: { big } } }] },
        "delivery",
        /^\[delivery\] machine config too large for Hetzner user-data: \d+ bytes plain, \d+ bytes as gzip\+base64; the limit is 32768 bytes$/,
      ],
    ];
    for (const [over, property, reason] of cases) {
      const r = await w.h.check(`${URN}bad`, {}, nodeInputs(w, n, over));
      assert.strictEqual(r.failures.length, 1, `${JSON.stringify(over).slice(0, 120)}: ${JSON.stringify(r.failures)}`);
      assert.strictEqual(r.failures[0].property, property);
      if (typeof reason === "string") assert.strictEqual(r.failures[0].reason, reason);
      else assert.match(r.failures[0].reason, reason);
    }
  });

  it("names the node when it rejects the config (InvalidArgument: install disk missing)", async () => {
    await assert.rejects(up(w, `${URN}rejected`, nodeInputs(w, n, { installDisk: "/dev/sdz" })), (e: HostCallError) => {
      assert.strictEqual(
        e.details,
        `node ${n.ip} rejected the machine config: 1 error occurred:\n\t* specified install disk does not exist: "/dev/sdz"`,
      );
      return true;
    });
    assert.strictEqual(w.simNode(n.machineId).maintenance, true, "the node stays in maintenance mode");
  });

  it("fails create on a node still unreachable after timeoutSeconds, naming it and the endpoints", async () => {
    const ghost = "127.9.254.254";
    await assert.rejects(
      up(w, `${URN}ghost`, nodeInputs(w, n, { node: ghost, timeoutSeconds: 1 })),
      (e: HostCallError) => {
        assert.strictEqual(
          e.details,
          `node ${ghost} is unreachable (Talos API through ${ghost}): Unavailable: connection error: desc = "transport: Error while dialing: dial tcp ${ghost}:50000: connect: connection refused"\n${UNREACHABLE_HINT}`,
        );
        return true;
      },
    );
  });

  it("never overwrites a node configured by another cluster", async () => {
    const other = w.nodes[1];
    const before = w.simNode(other.machineId).active!.text;
    await assert.rejects(up(w, `${URN}foreign`, nodeInputs(w, other)), (e: HostCallError) => {
      assert.strictEqual(
        e.details,
        `node ${other.ip} is configured by another cluster (its Talos API does not trust this cluster's CA); TalosMachineConfig never wipes a configured node: reset it first or use that cluster's secrets`,
      );
      return true;
    });
    assert.strictEqual(w.simNode(other.machineId).active!.text, before);
  });

  it("retries while the node is busy with another apply (FailedPrecondition), then installs", async () => {
    // The node's apply handler reads `busy` once per call: answer "busy" to the first two applies,
    // as a node finishing another apply would, then let the third through.
    const sim = w.simNode(n.machineId);
    let refused = 0;
    Object.defineProperty(sim, "busy", {
      configurable: true,
      get: () => refused < 2 && ++refused > 0,
      set: () => undefined,
    });
    try {
      const r = await up(w, `${URN}busy`, nodeInputs(w, n));
      assert.strictEqual(r.outputs.appliedMode, "maintenance");
    } finally {
      delete (sim as { busy?: boolean }).busy;
      sim.busy = false;
    }
    const retries = w.h.logs.filter((l) =>
      l.includes("node busy (another apply configuration is already in progress); retry"),
    );
    assert.deepStrictEqual(
      retries.map((l) => l.replace(/ in \d+ ms$/, "")),
      [1, 2].map(
        (i) =>
          `[cp-${n.ip.split(".").pop()}]   node busy (another apply configuration is already in progress); retry ${i}`,
      ),
    );
  });

  it("refuses applyMode no-reboot for a change that needs a reboot", async () => {
    const news = nodeInputs(w, n, {
      applyMode: "no-reboot",
      rolePatches: [{ machine: { env: { HTTP_PROXY: "http://proxy:3128" } } }],
    });
    await assert.rejects(up(w, `${URN}busy`, news), (e: HostCallError) => {
      assert.strictEqual(
        e.details,
        `node ${n.ip} cannot apply this config change with applyMode "no-reboot": it needs a reboot (changed: machine.env); use applyMode "auto", "reboot" or "staged"`,
      );
      return true;
    });
  });

  it("stages a change (reboot pending), and a try-mode change is reverted by the node, then shown as drift", async () => {
    const labels = (l: Record<string, string>, extra: Record<string, unknown> = {}) =>
      nodeInputs(w, n, { nodePatches: [{ machine: { nodeLabels: l } }], ...extra });
    const staged = await up(w, `${URN}busy`, labels({ stage: "yes" }, { applyMode: "staged" }));
    assert.deepStrictEqual(
      [
        staged.outputs.appliedMode,
        staged.outputs.rebootPending,
        staged.outputs.liveConfigHash === staged.outputs.configHash,
      ],
      ["staged", true, true],
    );
    assert.notStrictEqual(
      configHash(w.simNode(n.machineId).active!.text),
      staged.outputs.configHash,
      "the running config is unchanged until a reboot",
    );
    const settled = await up(w, `${URN}busy`, labels({ stage: "yes" }));
    assert.deepStrictEqual([settled.outputs.appliedMode, settled.outputs.rebootPending], ["no-reboot", false]);
    // 2000 s of Talos time are 2 s in the simulator (timeScale 0.001).
    const tried = await up(
      w,
      `${URN}busy`,
      labels({ stage: "yes", try: "yes" }, { applyMode: "try", tryTimeoutSeconds: 2000 }),
    );
    assert.deepStrictEqual(
      [tried.outputs.appliedMode, tried.outputs.rebootPending, tried.outputs.liveConfigHash],
      ["try", true, settled.outputs.configHash],
    );
    await pollUntil(
      async () => (configHash(w.simNode(n.machineId).active!.text) === settled.outputs.configHash ? true : undefined),
      { what: "the try-mode revert", timeoutMs: 15000, initialMs: 200 },
    );
    const refreshed = await w.h.refresh(`${URN}busy`);
    assert.deepStrictEqual(
      [refreshed.outputs!.drift, refreshed.outputs!.rebootPending, refreshed.diff!.changes],
      [['- machine.nodeLabels.try: "yes"'], false, "some"],
    );
  });

  it("keeps the state and warns when the node is unreachable during refresh", async () => {
    const before = w.h.state.get(`${URN}busy`)!.outputs;
    const machine = w.sim.world.machines.get(n.machineId)!;
    machine.powerOff();
    try {
      const r = await w.h.refresh(`${URN}busy`);
      assert.deepStrictEqual([r.gone, r.outputs], [false, before]);
      assert.strictEqual(r.diff!.changes, "some", "the drift the previous refresh found is kept, not forgotten");
      assert.ok(
        w.h.logs.some((l) =>
          l.startsWith(
            `[cp-${n.ip.split(".").pop()}] WARNING: refresh kept the last known state: node ${n.ip} is unreachable`,
          ),
        ),
        w.h.logs.join("\n"),
      );
    } finally {
      machine.powerOn();
    }
  });
});
