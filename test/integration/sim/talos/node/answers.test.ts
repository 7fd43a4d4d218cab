/**
 * What a simulated node answers where the library depends on Talos's exact behaviour (issue 14), read
 * from the machined source at v1.13.9: etcd APIs on a worker and on a control plane before bootstrap,
 * forfeiting the leadership of the only member, the mutual-TLS refusal of an insecure client, the
 * Kubernetes support matrix at apply and the installer's host-version limit at upgrade. Driven through
 * the library's Talosctl wrapper and the stand-in.
 * Does not prove: the real client's rendering of these answers (no real node here), timing.
 */
import * as assert from "assert";
import { FakeWorld } from "../../../../helpers/fake-world";
import { isError } from "../../../../../provider/internal/errors";
import { retry } from "../../../../../provider/internal/retry";
import { SimTalosRuntime, installTalosRuntime } from "../../../../../provider/sim/talos/runtime";
import { chooseTalosctl } from "../../../../../provider/sim/talos/talosctl-binary";
import { TalosTestMachine, testMachineSpec } from "../../../../../provider/sim/testing/talos-machine";
import { TalosApiError, Talosctl } from "../../../../../provider/talos/talosctl";

const NET = `127.${150 + (process.pid % 50)}.83`;
const [CP, W, OLD] = [2, 3, 4].map((i) => `${NET}.${i}`);

describe("Talos sim: node answers the library depends on", function () {
  this.timeout(90000);
  let rt: SimTalosRuntime;
  let talosconfig = "";
  let cpConfig = "";
  const machines: TalosTestMachine[] = [];
  // The real client over the nodes' Talos API when built, else the stand-in (TALOSCTL_SIM_VERSION is the stand-in's).
  const client = chooseTalosctl();
  const env = { ...process.env, TALOSCTL_SIM_VERSION: "v1.13.9" };
  const t = Talosctl.locate({ binary: client.path, env });

  const secure = (node: string) => ({ node, endpoints: [node], talosconfig });
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => assert.fail("expected a refusal"),
      (e: TalosApiError) => {
        assert.strictEqual(e.name, "TalosApiError", e.message);
        return [e.grpcCode, e.detail];
      },
    );

  before(async () => {
    console.log(`      talosctl: ${client.kind} (${client.path})`);
    const world = new FakeWorld(0.001);
    rt = installTalosRuntime(world);
    const secretsYaml = await t.genSecrets("v1.13.9");
    const base = { clusterName: "answers", endpoint: `https://${CP}:6443`, secretsYaml, installDisk: "/dev/sda" };
    const cfg = await t.genConfig({
      ...base,
      talosVersion: "v1.13.9",
      kubernetesVersion: "1.36.3",
      installImage: "ghcr.io/siderolabs/installer:v1.13.9",
    });
    const old = await t.genConfig({
      ...base,
      talosVersion: "v1.9.6",
      kubernetesVersion: "1.32.4",
      installImage: "ghcr.io/siderolabs/installer:v1.9.6",
    });
    [talosconfig, cpConfig] = [cfg.talosconfig, cfg.controlplane];
    for (const [i, ip, version, state] of [
      [0, CP, "v1.13.9", cfg.controlplane],
      [1, W, "v1.13.9", cfg.worker],
      [2, OLD, "v1.9.6", old.worker],
    ] as const) {
      const m = new TalosTestMachine(world, testMachineSpec(`answers-${i}`, ip), {
        version,
        arch: "amd64",
        platform: "metal",
        schematic: "s",
      });
      m.state = state;
      machines.push(m);
      await m.start();
    }
  });
  after(async () => {
    for (const m of machines) await m.destroy();
  });

  it("etcd APIs on a worker: Unimplemented, naming the API (machinehelper.CheckControlplane)", async () => {
    assert.deepStrictEqual(await refusal(t.etcdMembers(secure(W))), [
      "Unimplemented",
      "member list is only available on control plane nodes",
    ]);
    assert.deepStrictEqual(await refusal(t.etcdForfeitLeadership(secure(W))), [
      "Unimplemented",
      "etcd forfeit leadership is only available on control plane nodes",
    ]);
  });

  it("etcd members on a control plane before bootstrap: the node's own dial of etcd at :2379 fails (Unavailable)", async () => {
    const e = await t.etcdMembers(secure(CP)).then(
      () => undefined,
      (x: TalosApiError) => x,
    );
    assert.deepStrictEqual(
      [e?.grpcCode, e?.node, e?.detail],
      [
        "Unavailable",
        CP,
        `connection error: desc = "transport: Error while dialing: dial tcp ${CP}:2379: connect: connection refused"`,
      ],
    );
  });

  it("forfeit-leadership of the only etcd member fails with Talos's text (gRPC Unknown)", async () => {
    await retry(() => t.bootstrap(secure(CP)), {
      attempts: 40,
      initialMs: 20,
      retryable: (e) => isError(e, "TalosApiError") && (e as TalosApiError).grpcCode === "FailedPrecondition",
    });
    assert.strictEqual((await t.etcdMembers(secure(CP))).length, 1);
    assert.deepStrictEqual(await refusal(t.etcdForfeitLeadership(secure(CP))), [
      "Unknown",
      "failed to forfeit leadership: cannot forfeit leadership, only one member",
    ]);
  });

  it("an insecure client meets the configured node's mutual TLS while reading the server preface", async () => {
    assert.deepStrictEqual(await refusal(t.getResources("disks", { node: CP, insecure: true })), [
      "Unavailable",
      'connection error: desc = "error reading server preface: remote error: tls: certificate required"',
    ]);
  });

  it("apply-config of Kubernetes images outside v1.13's range (1.31–1.36) is InvalidArgument with RuntimeValidate's texts", async () => {
    const config = cpConfig
      .replace("ghcr.io/siderolabs/kubelet:v1.36.3", "ghcr.io/siderolabs/kubelet:v1.20.0")
      .replace("registry.k8s.io/kube-apiserver:v1.36.3", "registry.k8s.io/kube-apiserver:v1.37.0");
    const [code, detail] = await refusal(
      t.applyConfig({ ...secure(CP), config, mode: "auto", insecure: false, dryRun: false }),
    );
    assert.deepStrictEqual(
      [code, detail.split("\n")],
      [
        "InvalidArgument",
        [
          "2 errors occurred:",
          "\t* kubelet image is not valid: version of Kubernetes 1.20.0 is too old to be used with Talos 1.13.9",
          "\t* kube-apiserver image is not valid: version of Kubernetes 1.37.0 is too new to be used with Talos 1.13.9",
        ],
      ],
    );
  });

  it("an upgrade from v1.9.6 straight to v1.13.9 is refused by the installer's pre-flight check; the node stays on v1.9.6", async () => {
    const before = rt.journal.length;
    const [code, detail] = await refusal(
      t.upgrade({ ...secure(OLD), image: "ghcr.io/siderolabs/installer:v1.13.9", timeoutMs: 10000 }),
    );
    assert.deepStrictEqual(
      [code, detail],
      ["Unknown", "pre-flight checks failed: host version 1.9.6 is too old to upgrade to Talos 1.13.9"],
    );
    assert.strictEqual(rt.nodeByAddress(OLD)!.version.tag, "v1.9.6");
    assert.deepStrictEqual(rt.journal.slice(before), []);
  });
});
