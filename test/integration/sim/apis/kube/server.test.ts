/**
 * The simulated Kubernetes API of a bootstrapped three-node cluster (one control plane, two workers) driven by the
 * library's KubeClient with the admin kubeconfig from the talosctl stand-in: nodes and kubelet versions, seeded
 * system pods, drain/uncordon round trip with replacement pods, a PodDisruptionBudget that blocks a drain until its
 * deadline, NotReady while a node is down, node deletion and re-registration, a foreign client certificate → 401.
 * Does not prove: Kubernetes scheduling beyond spreading replicas, or kubectl itself (there is none here).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { FakeWorld } from "../../../../helpers/fake-world";
import { isError } from "../../../../../provider/internal/errors";
import { pollUntil } from "../../../../../provider/internal/poll";
import { retry } from "../../../../../provider/internal/retry";
import { KubeClient, drainNode, httpsTransport, parseKubeconfig, waitNodeReady } from "../../../../../provider/kube";
import { b64, issue, newCA } from "../../../../../provider/sim/talos/pki/cert";
import { SimTalosRuntime, installTalosRuntime, talosctlPath } from "../../../../../provider/sim/talos/runtime";
import { TalosTestMachine, testMachineSpec } from "../../../../../provider/sim/testing/talos-machine";
import { TalosApiError, Talosctl } from "../../../../../provider/talos/talosctl";

// Loopback addresses of this process's nodes (another process running these tests gets other ones).
const NET = `127.${150 + (process.pid % 50)}.81`;
const CP = `${NET}.2`;
const PDB = "Cannot evict pod as it would violate the pod's disruption budget.";

describe("Simulated Kubernetes API through KubeClient", function () {
  this.timeout(60000);
  const world = new FakeWorld(0.001);
  let rt: SimTalosRuntime;
  const machines: TalosTestMachine[] = [];
  let kubeconfig: string;
  let k: KubeClient;
  const t = Talosctl.locate({ binary: talosctlPath(), env: { ...process.env, TALOSCTL_SIM_VERSION: "v1.13.9" } });
  const fast = { sleep: async () => undefined };

  before(async () => {
    rt = installTalosRuntime(world);
    const secretsYaml = await t.genSecrets("v1.13.9");
    const configs = await t.genConfig({
      clusterName: "kc",
      endpoint: `https://${CP}:6443`,
      secretsYaml,
      talosVersion: "v1.13.9",
      kubernetesVersion: "1.36.3",
      installImage: "factory.talos.dev/installer/s:v1.13.9",
      installDisk: "/dev/sda",
    });
    const named = (cfg: string, host: string) => cfg.replace("auto: stable", `hostname: ${host}`);
    for (const [i, host] of ["kc-cp-1", "kc-w-1", "kc-w-2", "kc-cp-2"].entries()) {
      const m = new TalosTestMachine(world, testMachineSpec(host, `${NET}.${i + 2}`), {
        version: "v1.13.9",
        arch: "amd64",
        platform: "metal",
        schematic: "s",
      });
      m.state = named(host.includes("cp") ? configs.controlplane : configs.worker, host);
      machines.push(m);
      await m.start();
    }
    const secure = { node: CP, endpoints: [CP], talosconfig: configs.talosconfig };
    await retry(() => t.bootstrap(secure), {
      attempts: 20,
      initialMs: 20,
      retryable: (e) => isError(e, "TalosApiError") && (e as TalosApiError).grpcCode === "FailedPrecondition",
    });
    kubeconfig = await t.kubeconfig(secure);
    k = new KubeClient(kubeconfig, { timeoutMs: 5000 });
    await pollUntil(() => k.listNodes().then(() => true), {
      what: "the Kubernetes API",
      timeoutMs: 5000,
      initialMs: 10,
      maxMs: 50,
      transient: (e) => isError(e, "KubeUnreachableError"),
    });
  });
  after(async () => {
    for (const m of machines) await m.destroy();
  });

  it("lists the cluster's nodes with the kubelet version of their configs and serves /version", async () => {
    assert.strictEqual(k.server, `https://${CP}:6443`);
    assert.deepStrictEqual(
      await k.listNodes(),
      [
        ["kc-cp-1", 2],
        ["kc-cp-2", 5],
        ["kc-w-1", 3],
        ["kc-w-2", 4],
      ].map(([name, ip]) => ({
        name,
        addresses: [`${NET}.${ip}`],
        ready: true,
        unschedulable: false,
        kubeletVersion: "v1.36.3",
        osImage: "Talos (v1.13.9)",
      })),
    );
    assert.strictEqual((await k.nodeByAddress(`${NET}.3`))?.name, "kc-w-1");
    const v = await httpsTransport(parseKubeconfig(kubeconfig), 5000)("GET", "/version");
    assert.deepStrictEqual([v.status, (v.body as { gitVersion: string }).gitVersion], [200, "v1.36.3"]);
    assert.ok(fs.existsSync(path.join(world.stateDir, "kube", `${rt.node("kc-cp-1")!.cluster}.json`)));
  });

  it("seeds DaemonSet pods on every node, static pods' mirrors on the control plane and two CoreDNS replicas", async () => {
    const cp = (await k.podsOnNode("kc-cp-1"))
      .map((p) => [p.name.replace(/-[a-z0-9]{5}$/, "-*"), p.ownerKind ?? "", p.mirror])
      .filter(([n]) => !String(n).startsWith("coredns"));
    assert.deepStrictEqual(cp, [
      ["kube-proxy-*", "DaemonSet", false],
      ["kube-flannel-ds-*", "DaemonSet", false],
      ["kube-apiserver-kc-cp-1", "Node", true],
      ["kube-controller-manager-kc-cp-1", "Node", true],
      ["kube-scheduler-kc-cp-1", "Node", true],
    ]);
    const dns = rt
      .kube("kc")
      .pods()
      .filter((p) => p.name.startsWith("coredns-"));
    assert.deepStrictEqual(
      dns.map((p) => [p.namespace, p.ownerKind, p.phase]),
      [
        ["kube-system", "ReplicaSet", "Running"],
        ["kube-system", "ReplicaSet", "Running"],
      ],
    );
    assert.strictEqual(new Set(dns.map((p) => p.nodeName)).size, 2, "replicas are spread");
  });

  it("drains a worker (its pods move to the other worker), then uncordons it", async () => {
    const kube = rt.kube("kc");
    kube.addWorkload({ namespace: "default", name: "web", replicas: 4, emptyDir: true, minAvailable: 2 });
    await new Promise((r) => setTimeout(r, 20)); // replicas start running (2 s realistic)
    const before = (await k.podsOnNode("kc-w-1"))
      .filter((p) => p.ownerKind === "ReplicaSet")
      .map((p) => `${p.namespace}/${p.name}`)
      .sort();
    const lines: string[] = [];
    const r = await drainNode(k, "kc-w-1", { timeoutMs: 30000, log: (l) => lines.push(l) });
    assert.deepStrictEqual(r.evicted.sort(), before);
    assert.strictEqual(r.skipped.length, 2);
    assert.strictEqual(
      lines[1],
      `drain 2/3: evicting ${before.length} pod(s) from kc-w-1 (skipped 2 DaemonSet pod(s))`,
    );
    assert.deepStrictEqual(
      (await k.podsOnNode("kc-w-1")).map((p) => p.ownerKind),
      ["DaemonSet", "DaemonSet"],
    );
    assert.deepStrictEqual(
      kube
        .pods()
        .filter((p) => p.name.startsWith("web-") && !p.deleting)
        .map((p) => p.nodeName),
      ["kc-w-2", "kc-w-2", "kc-w-2", "kc-w-2"],
    );
    assert.strictEqual((await k.getNode("kc-w-1"))?.unschedulable, true);
    await k.uncordon("kc-w-1");
    assert.strictEqual((await k.getNode("kc-w-1"))?.unschedulable, false);
    assert.deepStrictEqual(
      kube.events.filter((e) => e.node === "kc-w-1").map((e) => e.kind),
      ["cordon", ...before.map(() => "evict"), "uncordon"],
    );
  });

  it("a PodDisruptionBudget blocks the drain until its deadline, with the API's exact 429", async () => {
    rt.kube("kc").addWorkload({ namespace: "default", name: "db", replicas: 1, minAvailable: 1 });
    await new Promise((r) => setTimeout(r, 20));
    const db = rt
      .kube()
      .pods()
      .find((p) => p.name.startsWith("db-"))!;
    const raw = await httpsTransport(parseKubeconfig(kubeconfig), 5000)(
      "POST",
      `/api/v1/namespaces/default/pods/${db.name}/eviction`,
      {
        contentType: "application/json",
        json: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name: db.name, namespace: "default" } },
      },
    );
    assert.deepStrictEqual(raw, {
      status: 429,
      body: {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: PDB,
        reason: "TooManyRequests",
        details: {
          causes: [
            {
              reason: "DisruptionBudget",
              message: "The disruption budget db needs 1 healthy pods and has 1 currently",
            },
          ],
        },
        code: 429,
      },
    });
    let clock = 0;
    const err = await drainNode(k, db.nodeName, {
      timeoutMs: 300_000,
      sleep: async (ms) => {
        clock += ms;
      },
      now: () => clock,
    }).catch((e) => e);
    assert.strictEqual(
      err.message,
      `drain of node ${db.nodeName} did not finish within 300s: 1 pod(s) remain: default/${db.name} (${PDB})`,
    );
    assert.ok(rt.kube().events.some((e) => e.kind === "evict-blocked" && e.pod === `default/${db.name}`));
    await k.uncordon(db.nodeName);
  });

  it("a node that is down is listed NotReady and Ready again after it boots", async () => {
    const w2 = machines[2];
    w2.powerOff();
    await w2.settled();
    assert.deepStrictEqual((await k.getNode("kc-w-2"))?.ready, false);
    await w2.start();
    const n = await waitNodeReady(k, "kc-w-2", { timeoutMs: 5000, ...fast });
    assert.deepStrictEqual([n.ready, n.kubeletVersion], [true, "v1.36.3"]);
  });

  it("a deleted node stays gone until its next boot, and its pods are collected", async () => {
    await k.deleteNode("kc-w-1");
    await k.deleteNode("kc-w-1");
    assert.deepStrictEqual(
      (await k.listNodes()).map((n) => n.name),
      ["kc-cp-1", "kc-cp-2", "kc-w-2"],
    );
    assert.deepStrictEqual(await k.podsOnNode("kc-w-1"), []);
    assert.strictEqual(await k.getNode("kc-w-1"), undefined);
    await machines[1].start();
    assert.strictEqual((await waitNodeReady(k, "kc-w-1", { timeoutMs: 5000, ...fast })).name, "kc-w-1");
    assert.strictEqual((await k.podsOnNode("kc-w-1")).filter((p) => p.ownerKind === "DaemonSet").length, 2);
  });

  it("every control plane serves the same state: a client pointed at the second one sees the first one down", async () => {
    const cp2 = new KubeClient(kubeconfig, { server: `https://${NET}.5:6443/` });
    assert.strictEqual(cp2.server, `https://${NET}.5:6443`);
    await k.cordon("kc-w-2");
    machines[0].powerOff();
    await machines[0].settled();
    const down = await k.listNodes().catch((e) => e);
    assert.ok(isError(down, "KubeUnreachableError"), String(down));
    assert.deepStrictEqual(
      (await cp2.listNodes()).map((n) => [n.name, n.ready, n.unschedulable]),
      [
        ["kc-cp-1", false, false],
        ["kc-cp-2", true, false],
        ["kc-w-1", true, false],
        ["kc-w-2", true, true],
      ],
    );
    await cp2.uncordon("kc-w-2");
    await machines[0].start();
    assert.strictEqual((await waitNodeReady(k, "kc-cp-1", { timeoutMs: 5000, ...fast })).name, "kc-cp-1");
  });

  it("answers 401 Unauthorized to a client certificate from another CA", async () => {
    const other = newCA("ecdsa", { O: ["kubernetes"] });
    const stranger = issue(other, "ecdsa", {
      subject: { O: ["system:masters"], CN: "admin" },
      validityMs: 3600_000,
      clientAuth: true,
      serverAuth: false,
    });
    const foreign = kubeconfig
      .replace(/client-certificate-data: .*/, `client-certificate-data: ${b64(stranger.crt)}`)
      .replace(/client-key-data: .*/, `client-key-data: ${b64(stranger.key)}`);
    const err = await new KubeClient(foreign).listNodes().catch((e) => e);
    assert.ok(isError(err, "KubeApiError"), String(err));
    assert.strictEqual(err.message, "Kubernetes API GET /api/v1/nodes failed: Unauthorized (401 Unauthorized)");
  });
});
