/**
 * A node's life over the Talos runtime, driven through the library's Talosctl wrapper and the real
 * stand-in executable: maintenance → apply (metal installs and reboots, cloud continues) →
 * configured → bootstrap (twice) → health → kubeconfig → etcd members; KubeSpan peers up both ways
 * and down when one machine's firewall drops UDP 51820; configured-mode apply modes; reset back to
 * maintenance.
 * Does not prove: real Talos timing (durations are scaled), Kubernetes itself (k8s checks pass once
 * the Talos-level conditions hold).
 */
import * as assert from "assert";
import { FakeWorld } from "../../../../helpers/fake-world";
import { isError } from "../../../../../provider/internal/errors";
import { pollUntil } from "../../../../../provider/internal/poll";
import { retry } from "../../../../../provider/internal/retry";
import { SimTalosRuntime, installTalosRuntime } from "../../../../../provider/sim/talos/runtime";
import { chooseTalosctl } from "../../../../../provider/sim/talos/talosctl-binary";
import { TalosTestMachine, testMachineSpec } from "../../../../../provider/sim/testing/talos-machine";
import { GeneratedConfigs, TalosApiError, Talosctl } from "../../../../../provider/talos/talosctl";

// Loopback addresses of this process's nodes (another process running these tests gets other ones).
const NET = `127.${150 + (process.pid % 50)}.78`;

const CP = `${NET}.2`;
const W = `${NET}.3`;

describe("Talos node lifecycle through the Talosctl wrapper", function () {
  this.timeout(90000);
  let rt: SimTalosRuntime;
  let cp: TalosTestMachine;
  let worker: TalosTestMachine;
  let configs: GeneratedConfigs;
  // The real client over the nodes' Talos API when built, else the stand-in.
  const client = chooseTalosctl();
  const env = { ...process.env, TALOSCTL_SIM_VERSION: "v1.13.9" };
  const t = Talosctl.locate({ binary: client.path, env });
  const secure = (node: string) => ({ node, endpoints: [CP], talosconfig: configs.talosconfig });
  const configured = (m: TalosTestMachine) =>
    pollUntil(async () => (rt.node(m.id) && !rt.node(m.id)!.maintenance ? true : undefined), {
      what: `${m.id} configured`,
      timeoutMs: 5000,
      initialMs: 20,
      maxMs: 100,
    });

  before(async () => {
    console.log(`      talosctl: ${client.kind} (${client.path})`);
    const world = new FakeWorld(0.001);
    rt = installTalosRuntime(world);
    cp = new TalosTestMachine(world, testMachineSpec("cp-1", CP), {
      version: "v1.13.9",
      arch: "amd64",
      platform: "metal",
      schematic: "s",
    });
    worker = new TalosTestMachine(
      world,
      { ...testMachineSpec("w-1", W, "vda"), kind: "cloud" },
      { version: "v1.13.9", arch: "amd64", platform: "hcloud", schematic: "s" },
    );
    await cp.start();
    await worker.start();
  });
  after(async () => {
    await cp.destroy();
    await worker.destroy();
  });

  it("maintenance mode answers insecure reads", async () => {
    assert.deepStrictEqual(
      (await t.getResources("disks", { node: CP, insecure: true })).map((d) => [
        d.node,
        d.metadata.id,
        (d.spec as { dev_path: string }).dev_path,
      ]),
      [["", "sda", "/dev/sda"]],
    );
    assert.strictEqual((await t.version({ node: CP, insecure: true })).tag, "v1.13.9");
  });

  it("renders and validates configs with KubeSpan", async () => {
    const secretsYaml = await t.genSecrets("v1.13.9");
    configs = await t.genConfig({
      clusterName: "life",
      endpoint: `https://${CP}:6443`,
      secretsYaml,
      talosVersion: "v1.13.9",
      kubernetesVersion: "1.36.3",
      installImage: "factory.talos.dev/installer/s:v1.13.9",
      installDisk: "/dev/sda",
      withKubespan: true,
    });
    assert.deepStrictEqual(await t.validate(configs.controlplane, "metal"), []);
    assert.match(configs.worker, /\nkind: KubeSpanConfig\nenabled: true\n$/);
  });

  it("refuses a metal install onto a disk the machine does not have", async () => {
    const err = await t
      .applyConfig({
        node: CP,
        config: configs.controlplane.replace("disk: /dev/sda", "disk: /dev/nvme9n1"),
        mode: "auto",
        insecure: true,
        dryRun: false,
      })
      .catch((e) => e);
    assert.ok(isError(err, "TalosApiError"), String(err));
    assert.strictEqual((err as TalosApiError).grpcCode, "InvalidArgument");
    assert.strictEqual(
      (err as TalosApiError).detail,
      '1 error occurred:\n\t* specified install disk does not exist: "/dev/nvme9n1"',
    );
    assert.ok(!err.message.includes(configs.controlplane.slice(0, 50)));
  });

  it("applies in maintenance: metal installs and reboots configured, cloud continues in place", async () => {
    const r = await t.applyConfig({
      node: CP,
      config: configs.controlplane,
      mode: "auto",
      insecure: true,
      dryRun: false,
    });
    assert.deepStrictEqual(r, {
      modeDetails: "Applied configuration without a reboot",
      rebootNeeded: false,
      diff: null,
      warnings: [],
      dryRun: false,
    });
    await t.applyConfig({
      node: W,
      config: configs.worker.replace("disk: /dev/sda", "disk: /dev/vda"),
      mode: "auto",
      insecure: true,
      dryRun: false,
    });
    await configured(cp);
    await configured(worker);
    assert.deepStrictEqual([cp.boots, worker.boots], [2, 1]);
    assert.strictEqual(cp.state, configs.controlplane);
  });

  it("bootstraps once (the second call reports AlreadyExists as already bootstrapped), is healthy, serves a kubeconfig", async () => {
    const first = await retry(() => t.bootstrap(secure(CP)), {
      attempts: 20,
      initialMs: 20,
      retryable: (e) => isError(e, "TalosApiError") && (e as TalosApiError).grpcCode === "FailedPrecondition",
    });
    assert.deepStrictEqual(first, { alreadyBootstrapped: false });
    assert.deepStrictEqual(await t.bootstrap(secure(CP)), { alreadyBootstrapped: true });
    const lines = await t.health({ ...secure(CP), controlPlanes: [CP], workers: [W], waitTimeout: 60000 });
    assert.strictEqual(lines[0], `discovered nodes: ["${CP}" "${W}"]`);
    assert.strictEqual(lines[lines.length - 1], "waiting for all k8s nodes to report schedulable: OK");
    const kc = await t.kubeconfig(secure(CP));
    assert.match(kc, new RegExp(`server: https://${CP.replace(/\./g, "\\.")}:6443\n`));
    const members = await t.etcdMembers(secure(CP));
    assert.deepStrictEqual(
      members.map((m) => [m.node, m.hostname, m.peerUrls, m.learner]),
      [[CP, rt.node("cp-1")!.hostname, [`https://${CP}:2380`], false]],
    );
    assert.match(members[0].id, /^[0-9a-f]{16}$/);
  });

  it("health fails with DeadlineExceeded when a listed node is unreachable", async () => {
    const err = await t
      .health({ ...secure(CP), controlPlanes: [CP], workers: [`${NET}.99`], waitTimeout: 1000 })
      .catch((e) => e);
    assert.ok(isError(err, "TalosApiError"), String(err));
    assert.deepStrictEqual(
      [(err as TalosApiError).grpcCode, (err as TalosApiError).detail],
      ["DeadlineExceeded", "context deadline exceeded"],
    );
  });

  it("KubeSpan peers are up both ways, and down when one firewall drops UDP 51820", async () => {
    const states = async (node: string) =>
      (await t.getResources("kubespanpeerstatuses", secure(node))).map(
        (r) => (r.spec as { state: string; label: string }).state,
      );
    assert.deepStrictEqual([await states(CP), await states(W)], [["up"], ["up"]]);
    const ident = (await t.getResources("kubespanidentities", { ...secure(W), id: "local" }))[0].spec as {
      address: string;
      publicKey: string;
    };
    const peerOfCp = (await t.getResources("kubespanpeerspecs", secure(CP)))[0];
    assert.deepStrictEqual(
      [peerOfCp.metadata.id, `${(peerOfCp.spec as { address: string }).address}/128`],
      [ident.publicKey, ident.address],
    );
    assert.strictEqual(Buffer.from(ident.publicKey, "base64").length, 32);
    worker.setInboundFilter((proto, port) => !(proto === "udp" && port === 51820));
    assert.deepStrictEqual([await states(CP), await states(W)], [["down"], ["down"]]);
    worker.setInboundFilter(undefined);
    assert.deepStrictEqual(await states(CP), ["up"]);
    assert.deepStrictEqual(await t.getResources("kubespanidentities", { ...secure(CP), id: "nope" }), []);
  });

  it("configured apply: label change is immediate, an env change needs a reboot (dry run shows the diff)", async () => {
    const labelled = configs.controlplane.replace("    nodeLabels:\n", "    nodeLabels:\n        tier: gold\n");
    const now = await t.applyConfig({ ...secure(CP), config: labelled, mode: "auto", insecure: false, dryRun: false });
    assert.deepStrictEqual([now.modeDetails, now.rebootNeeded], ["Applied configuration without a reboot", false]);
    const env = labelled.replace("    install:\n", "    env:\n        HTTP_PROXY: http://proxy:3128\n    install:\n");
    const dry = await t.applyConfig({ ...secure(CP), config: env, mode: "auto", insecure: false, dryRun: true });
    assert.deepStrictEqual([dry.modeDetails, dry.rebootNeeded], ["Applied configuration with a reboot", true]);
    assert.ok(dry.diff?.startsWith("--- a\n+++ b\n@@ "), dry.diff ?? "");
    assert.ok(dry.diff?.includes("\n+    env:\n+        HTTP_PROXY: http://proxy:3128\n"));
    const err = await t
      .applyConfig({ ...secure(CP), config: env, mode: "no-reboot", insecure: false, dryRun: false })
      .catch((e) => e);
    assert.strictEqual((err as TalosApiError).grpcCode, "InvalidArgument");
    assert.ok((err as TalosApiError).detail.startsWith("this config change can't be applied in immediate mode"));
  });

  it("reset --reboot wipes STATE and the node comes back in maintenance", async () => {
    await t.reset({ ...secure(W), graceful: true, reboot: true, wait: true });
    await worker.settled();
    assert.strictEqual(worker.state, null);
    assert.strictEqual(rt.node("w-1")!.maintenance, true);
    assert.deepStrictEqual(
      (await t.getResources("disks", { node: W, insecure: true })).map((d) => d.metadata.id),
      ["vda"],
    );
  });
});
