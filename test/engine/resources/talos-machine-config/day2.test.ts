/**
 * TalosMachineConfig day-2 through the REAL dynamic-provider host, the talosctl stand-in, simulated
 * nodes and the simulated Kubernetes API: a bootstrapped one-control-plane cluster on v1.12.4 is
 * upgraded to v1.13.9 (preview shows plannedAction; the Kubernetes API sees cordon then uncordon;
 * the rendered config changes only in machine.install.image because configVersion stays pinned; the
 * only etcd member is not asked to forfeit its leadership, which Talos refuses; a preview afterwards
 * shows no change), then a reboot-impact change goes drain → reboot → uncordon.
 * Does not prove: real Talos or Kubernetes behaviour, multi-node ordering (TalosCluster's tests do).
 */
import * as assert from "assert";
import { isError } from "../../../../provider/internal/errors";
import { pollUntil } from "../../../../provider/internal/poll";
import { retry } from "../../../../provider/internal/retry";
import { KubeClient } from "../../../../provider/kube";
import { diffConfigs } from "../../../../provider/talos/config";
import { SimTalosRuntime } from "../../../../provider/sim/talos/runtime";
import { TalosApiError } from "../../../../provider/talos/talosctl";
import { changedInputKeys } from "../../../../provider/sim/pulumi/display";
import { NodeWorld, SimNode, nodeInputs, startNodeWorld, up } from "./world";

const URN = "urn:pulumi:stack::project::pulumi-nodejs:dynamic/talos-hetzner:TalosMachineConfig::cp";

describe("engine: TalosMachineConfig day-2 (roll and graceful reboot)", function () {
  this.timeout(180000);
  let w: NodeWorld;
  let n: SimNode;
  let talosconfig: string;
  const rt = () => w.sim.world.talosRuntime as SimTalosRuntime;
  const kubeEvents = () =>
    rt()
      .kube("sim")
      .events.map((e) => `${e.kind} ${e.node}`);

  before(async () => {
    w = await startNodeWorld(["v1.12.4"]);
    n = w.nodes[0];
    const r = await up(w, URN, nodeInputs(w, n));
    assert.strictEqual(r.outputs.appliedMode, "maintenance");
    talosconfig = (
      await w.talosctl.genConfig({
        clusterName: "sim",
        endpoint: `https://${n.ip}:6443`,
        secretsYaml: w.secretsYaml,
        talosVersion: "v1.12.4",
        kubernetesVersion: "1.35.0",
        installImage: "ghcr.io/siderolabs/installer:v1.12.4",
      })
    ).talosconfig;
    const secure = { node: n.ip, endpoints: [n.ip], talosconfig };
    await retry(() => w.talosctl.bootstrap(secure), {
      attempts: 60,
      initialMs: 200,
      maxMs: 1000,
      retryable: (e) => isError(e, "TalosApiError") && (e as TalosApiError).grpcCode === "FailedPrecondition",
    });
    const k = new KubeClient(await w.talosctl.kubeconfig(secure), { timeoutMs: 5000 });
    await pollUntil(async () => ((await k.nodeByAddress(n.ip))?.ready ? true : undefined), {
      what: "the Kubernetes node",
      timeoutMs: 60000,
      initialMs: 100,
      maxMs: 1000,
      transient: (e) => isError(e, "KubeUnreachableError"),
    });
  });
  after(async () => w?.stop());

  it("previews the upgrade as plannedAction, rolls the node v1.12.4 → v1.13.9 with cordon and uncordon, then previews no change", async () => {
    const news = nodeInputs(w, n, { talosVersion: "v1.13.9", rollPosition: "1 of 1" });
    const p = await w.h.preview(URN, news);
    assert.strictEqual(
      p.inputs.plannedAction,
      "upgrade Talos v1.12.4 → v1.13.9 (forfeit etcd leadership, drain, upgrade, uncordon) — 1 of 1",
    );
    const old = w.h.state.get(URN)!;
    const r = await up(w, URN, news);
    assert.strictEqual(r.op, "update");
    assert.deepStrictEqual(
      diffConfigs(old.inputs.redactedConfig as string, r.checked.redactedConfig as string).map((c) => [
        c.path,
        c.before,
        c.after,
      ]),
      [["machine.install.image", "ghcr.io/siderolabs/installer:v1.12.4", "ghcr.io/siderolabs/installer:v1.13.9"]],
    );
    assert.strictEqual(r.checked.configVersion, "v1.12.4");
    assert.strictEqual((await w.talosctl.version({ node: n.ip, endpoints: [n.ip], talosconfig })).tag, "v1.13.9");
    // The only etcd member: Talos refuses to forfeit its leadership, so the roll must not have asked.
    assert.ok(
      w.h.logs.some((l) =>
        l.includes(`${n.ip} is the only etcd member: no leadership to hand over (Talos refuses to forfeit it)`),
      ),
      w.h.logs.join("\n"),
    );
    await assert.rejects(w.talosctl.etcdForfeitLeadership({ node: n.ip, endpoints: [n.ip], talosconfig }), {
      message: `talosctl etcd forfeit-leadership failed on node ${n.ip}: Unknown: failed to forfeit leadership: cannot forfeit leadership, only one member`,
    });
    const events = kubeEvents().filter((e) => /cordon/.test(e));
    assert.deepStrictEqual(events, [`cordon cp-${n.ip.split(".").pop()}`, `uncordon cp-${n.ip.split(".").pop()}`]);
    assert.deepStrictEqual([r.outputs.liveConfigHash === r.outputs.configHash, r.outputs.drift], [true, []]);
    const again = await w.h.preview(URN, news);
    const state = w.h.state.get(URN)!;
    assert.deepStrictEqual([again.diff!.changes, again.inputs.plannedAction], ["none", undefined]);
    assert.deepStrictEqual(changedInputKeys(state.inputs, again.inputs), ["plannedAction"]);
  });

  it("applies a reboot-impact change gracefully: cordon, reboot, uncordon", async () => {
    const before = kubeEvents().length;
    const boot = w.simNode(n.machineId).bootId;
    const news = nodeInputs(w, n, {
      talosVersion: "v1.13.9",
      rolePatches: [{ machine: { env: { HTTP_PROXY: "http://proxy:3128" } } }],
    });
    const p = await w.h.preview(URN, news);
    assert.strictEqual(p.inputs.plannedAction, "reboot to apply machine.env (drain, reboot, uncordon)");
    const r = await up(w, URN, news);
    assert.deepStrictEqual([r.outputs.appliedMode, r.outputs.rebootPending], ["reboot", false]);
    assert.notStrictEqual(w.simNode(n.machineId).bootId, boot, "the node rebooted");
    assert.deepStrictEqual(
      kubeEvents()
        .slice(before)
        .filter((e) => /cordon/.test(e)),
      [`cordon cp-${n.ip.split(".").pop()}`, `uncordon cp-${n.ip.split(".").pop()}`],
    );
  });
});
