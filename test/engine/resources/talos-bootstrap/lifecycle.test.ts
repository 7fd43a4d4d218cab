/**
 * TalosBootstrap through the REAL dynamic-provider host against the simulated hybrid cluster
 * (test/engine/talos-bootstrap-world.test.ts): check errors, bootstrap → health → kubeconfig,
 * re-run as a no-op, a node running a worker config, health never reached, refresh (bounded health,
 * kubeconfig renewal window, unreachable node keeps state), delete leaving the cluster running,
 * and no credential in recorded state or logs.
 * Does not prove: behaviour of a real Talos node or talosctl (the simulator's apid and stand-in
 * follow contracts/talosctl.md), nor anything the Pulumi CLI adds beyond contracts/pulumi-dynamic.md.
 */
import * as assert from "assert";
import * as crypto from "crypto";
import { TalosBootstrap } from "../../../../provider/resources/talos-bootstrap";
import { isMap, readYamlDocuments } from "../../../../provider/talos/config/yaml-io";
import { ClusterWorld, credentialValues, urnOf } from "./world";
import { secret } from "../../harness";
import { isThinShim, registeredInputs } from "../../harness-provider";

const CHECKS = [
  "etcd to be healthy",
  "etcd members to be consistent across nodes",
  "etcd members to be control plane nodes",
  "apid to be ready",
  "all nodes memory sizes",
  "all nodes disk sizes",
  "no diagnostics",
  "kubelet to be healthy",
  "all nodes to finish boot sequence",
  "all k8s nodes to report",
  "all control plane static pods to be running",
  "all control plane components to be ready",
  "all k8s nodes to report ready",
  "kube-proxy to report ready",
  "coredns to report ready",
  "all k8s nodes to report schedulable",
];
const SECRET_OUTS = ["kubeconfig", "talosconfig"];

function contextOf(talosconfig: string): Record<string, unknown> {
  const cfg = readYamlDocuments(talosconfig)[0] as Record<string, Record<string, unknown>>;
  const ctx = cfg.contexts[cfg.context as unknown as string];
  assert.ok(isMap(ctx));
  return ctx;
}

describe("engine: TalosBootstrap on the hybrid cluster", function () {
  this.timeout(180_000);
  let w: ClusterWorld;
  let args: Record<string, unknown>;

  before(async () => {
    w = await ClusterWorld.get();
    args = {
      clusterName: "hybrid",
      secretsYaml: secret(w.secretsYaml),
      bootstrapNode: w.nodes[0].address,
      controlPlaneNodes: w.controlPlanes.map((n) => n.address),
      workerNodes: w.workers.map((n) => n.address),
      deadlines: { bootstrapSeconds: 30, healthSeconds: 30 },
    };
  });

  it("registers a small shim and marks secretsYaml secret", async () => {
    const { urn, inputs } = await registeredInputs(
      () =>
        new TalosBootstrap("boot", {
          clusterName: "c",
          secretsYaml: "s3cr3t-bundle",
          bootstrapNode: "10.0.0.2",
          controlPlaneNodes: ["10.0.0.2"],
        }),
    );
    assert.strictEqual(urn, urnOf("TalosBootstrap", "boot"));
    assert.ok(isThinShim(w.providers.bootstrap));
    assert.deepStrictEqual(Object.keys(inputs).sort(), [
      "__provider",
      "bootstrapNode",
      "clusterName",
      "controlPlaneNodes",
      "secretsYaml",
    ]);
    assert.deepStrictEqual(inputs.secretsYaml, {
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      value: "s3cr3t-bundle",
    });
    assert.ok(!w.providers.bootstrap.includes("s3cr3t-bundle"));
  });

  it("rejects at check a worker as bootstrap node, an empty control-plane list and bad fields, each by name", async () => {
    const worker = w.workers[0].address;
    const p = await w.h.preview(urnOf("TalosBootstrap", "bad"), {
      __provider: w.providers.bootstrap,
      ...args,
      bootstrapNode: worker,
    });
    assert.deepStrictEqual(p.failures, [
      {
        property: "bootstrapNode",
        reason: `[bootstrapNode] ${worker} is a worker (listed in workerNodes); etcd is bootstrapped on a control-plane node: pick one of controlPlaneNodes (${w.controlPlanes.map((n) => n.address).join(", ")})`,
      },
    ]);
    const empty = await w.h.preview(urnOf("TalosBootstrap", "bad"), {
      __provider: w.providers.bootstrap,
      clusterName: "",
      bootstrapNode: "10.0.0.2",
      controlPlaneNodes: [],
      workerNodes: ["cp-1"],
      deadlines: { healthSeconds: 0 },
    });
    assert.deepStrictEqual(empty.failures, [
      { property: "clusterName", reason: "[clusterName] must be a non-empty string" },
      {
        property: "secretsYaml",
        reason:
          "[secretsYaml] is required: pass TalosSecrets.secretsYaml (or an existing talosconfig as baseTalosconfig)",
      },
      {
        property: "workerNodes",
        reason: '[workerNodes[0]] must be an IP address (talosctl health --worker-nodes takes IPs), got "cp-1"',
      },
      {
        property: "controlPlaneNodes",
        reason:
          "[controlPlaneNodes] must list at least one control-plane node IP: bootstrap and the health check need them all",
      },
      {
        property: "bootstrapNode",
        reason:
          "[bootstrapNode] 10.0.0.2 is not in controlPlaneNodes; etcd is bootstrapped on a control-plane node: list it in controlPlaneNodes",
      },
      {
        property: "deadlines",
        reason: "[deadlines.healthSeconds] must be a number of seconds above 0 and at most 86400, got 0",
      },
    ]);
  });

  it("creates: bootstraps etcd once, waits for health with the explicit lists, returns credentials, members and the API endpoint", async () => {
    const rec = await w.up("TalosBootstrap", "boot", args, SECRET_OUTS);
    const o = rec.outputs;
    const cps = w.controlPlanes.map((n) => n.address);
    assert.deepStrictEqual(
      [rec.id, o.alreadyBootstrapped, o.kubernetesEndpoint, o.drift],
      ["talos-bootstrap/hybrid", false, `https://${cps[0]}:6443`, []],
    );
    assert.deepStrictEqual(o.health, {
      controlPlaneNodes: cps,
      workerNodes: w.workers.map((n) => n.address),
      passed: CHECKS,
      healthy: true,
      failing: null,
      detail: null,
    });
    assert.deepStrictEqual(
      (o.etcdMembers as { hostname: string; peerUrls: string[] }[]).map((m) => [m.hostname, m.peerUrls]),
      w.controlPlanes.map((n) => [n.name, [`https://${n.address}:2380`]]),
    );
    const ctx = contextOf(o.talosconfig as string);
    assert.deepStrictEqual(Object.keys(ctx), ["endpoints", "ca", "crt", "key"]);
    assert.deepStrictEqual(ctx.endpoints, cps);
    const crt = new crypto.X509Certificate(
      /client-certificate-data: (\S+)/.exec(o.kubeconfig as string)![1] &&
        Buffer.from(/client-certificate-data: (\S+)/.exec(o.kubeconfig as string)![1], "base64").toString(),
    );
    assert.strictEqual(o.kubeconfigExpiry, new Date(crt.validTo).toISOString());
    assert.deepStrictEqual(rec.secretKeys.sort(), ["kubeconfig", "secretsYaml", "talosconfig"]);
    const members = await w.talosctl.etcdMembers({
      node: cps[1],
      endpoints: cps,
      talosconfig: o.talosconfig as string,
    });
    assert.deepStrictEqual(
      members.map((m) => m.hostname),
      ["cp-1", "cp-2", "cp-3"],
      "the issued talosconfig works against another control plane",
    );
    const steps = w.h.logs
      .filter((l) => l.startsWith("[talos-bootstrap/hybrid] step "))
      .map((l) => l.replace(/: .*/, ""));
    assert.deepStrictEqual(
      steps,
      ["1/5", "2/5", "3/5", "4/5", "5/5"].map((s) => `[talos-bootstrap/hybrid] step ${s}`),
    );
  });

  it("re-running is a no-op: no change in preview, an update keeps the credentials, a second resource finds etcd bootstrapped", async () => {
    const urn = urnOf("TalosBootstrap", "boot");
    const old = w.h.state.get(urn)!;
    const p = await w.h.preview(urn, { __provider: w.providers.bootstrap, ...args });
    assert.deepStrictEqual([p.op, p.diff?.changes, p.diff?.replaces], ["same", "none", []]);
    const up = await w.h.update(old.id, urn, old.outputs, p.inputs);
    assert.deepStrictEqual(
      [
        up.properties.alreadyBootstrapped,
        up.properties.talosconfig === old.outputs.talosconfig,
        up.properties.kubeconfig === old.outputs.kubeconfig,
      ],
      [false, true, true],
    );
    const again = await w.up("TalosBootstrap", "boot-again", args, SECRET_OUTS);
    assert.deepStrictEqual(
      [again.id, again.outputs.alreadyBootstrapped, (again.outputs.health as { healthy: boolean }).healthy],
      ["talos-bootstrap/hybrid", true, true],
    );
    assert.ok(
      w.h.logs.includes(
        "[talos-bootstrap/hybrid]   etcd was already bootstrapped (AlreadyExists: etcd data directory is not empty); nothing to do",
      ),
      w.h.logs.join("\n"),
    );
  });

  it("refuses at once a listed control plane that runs a worker config, with advice", async () => {
    const wk = w.workers[0].address;
    const started = Date.now();
    const e = await w.upError("TalosBootstrap", "boot-worker", {
      ...args,
      bootstrapNode: wk,
      controlPlaneNodes: [...w.controlPlanes.map((n) => n.address), wk],
      workerNodes: [w.workers[1].address],
    });
    assert.strictEqual(
      e.details,
      `[bootstrapNode] node ${wk} refused bootstrap (Unimplemented: bootstrap is only available on control plane nodes): it runs a worker config; bootstrap etcd on a control-plane node, one of controlPlaneNodes whose machine config has machine.type controlplane`,
    );
    assert.deepStrictEqual([e.initFailure, Date.now() - started < 10_000], [undefined, true]);
  });

  it("fails naming the check that never passed, keeping a partial resource for the next up", async () => {
    const off = w.robot.state.servers.get(2325004)!.machine.spec.ipv4!;
    const e = await w.upError("TalosBootstrap", "boot-unhealthy", {
      ...args,
      workerNodes: [...w.workers.map((n) => n.address), off],
      deadlines: { healthSeconds: 2 },
    });
    const dial = `${off}: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp ${off}:50000: connect: connection refused"`;
    const msg = `[hybrid] cluster health not reached within 2s: check "apid to be ready" did not pass (last error: ${dial}); passed: ${CHECKS.slice(0, 3).join(", ")}`;
    assert.strictEqual(e.details, msg);
    assert.deepStrictEqual(e.initFailure?.reasons, [msg]);
    const props = e.initFailure!.properties;
    assert.deepStrictEqual(
      [e.initFailure!.id, props.alreadyBootstrapped, props.drift, "kubeconfig" in props, "talosconfig" in props],
      ["talos-bootstrap/hybrid", true, [msg], false, false],
    );
    assert.deepStrictEqual(props.health, {
      controlPlaneNodes: args.controlPlaneNodes,
      workerNodes: [...w.workers.map((n) => n.address), off],
      passed: CHECKS.slice(0, 3),
      healthy: false,
      failing: "apid to be ready",
      detail: dial,
    });
  });

  // Issue 16, item 8: pulumi up retries a create that failed with init errors as an update of the partial resource.
  it("converges on the next up after the failed health check, once the down node is off the list", async () => {
    const urn = urnOf("TalosBootstrap", "boot-unhealthy");
    const off = w.robot.state.servers.get(2325004)!.machine.spec.ipv4!;
    const partial = await w.upError("TalosBootstrap", "boot-unhealthy", {
      ...args,
      workerNodes: [...w.workers.map((n) => n.address), off],
      deadlines: { healthSeconds: 2 },
    });
    const p = await w.h.preview(urn, { __provider: w.providers.bootstrap, ...args });
    const up = await w.h.update(partial.initFailure!.id, urn, partial.initFailure!.properties, p.inputs);
    const health = up.properties.health as { healthy: boolean; failing: string | null };
    assert.deepStrictEqual(
      [health.healthy, health.failing, up.properties.drift, typeof up.properties.kubeconfig],
      [true, null, [], "string"],
    );
  });

  it("refreshes: bounded health and etcd members; the kubeconfig is renewed only inside the renewal window", async () => {
    const urn = urnOf("TalosBootstrap", "boot");
    const before = w.h.state.get(urn)!;
    const r = await w.h.refresh(urn);
    assert.deepStrictEqual(
      [r.gone, r.diff?.changes, r.outputs?.drift, r.outputs?.kubeconfig === before.outputs.kubeconfig],
      [false, "none", [], true],
    );
    w.h.state.set(urn, {
      ...before,
      outputs: { ...before.outputs, kubeconfigRenewBeforeDays: 400 },
      inputs: { ...before.inputs, kubeconfigRenewBeforeDays: 400 },
    });
    const renewed = await w.h.refresh(urn);
    assert.notStrictEqual(renewed.outputs?.kubeconfig, before.outputs.kubeconfig);
    assert.ok(
      Date.parse(renewed.outputs?.kubeconfigExpiry as string) >= Date.parse(before.outputs.kubeconfigExpiry as string),
    );
    assert.ok(
      w.h.logs.some((l) =>
        l.startsWith(
          `[talos-bootstrap/hybrid] renewed the kubeconfig: its client certificate expired ${before.outputs.kubeconfigExpiry}, within 400 days; the new one expires `,
        ),
      ),
    );
    const { kubeconfigRenewBeforeDays: _days, ...outputs } = w.h.state.get(urn)!.outputs;
    w.h.state.set(urn, { ...w.h.state.get(urn)!, inputs: before.inputs, outputs });
  });

  it("keeps its state and shows drift when the bootstrap node is unreachable during a refresh", async () => {
    const urn = urnOf("TalosBootstrap", "boot");
    const before = w.h.state.get(urn)!;
    const cp1 = w.world.machines.get(w.nodes[0].machineId)!;
    cp1.powerOff();
    try {
      const r = await w.h.refresh(urn);
      const drift = r.outputs?.drift as string[];
      assert.deepStrictEqual([r.gone, r.diff?.changes, drift.length], [false, "some", 2]);
      assert.match(
        drift[0],
        new RegExp(
          `^health could not be checked: talosctl health failed on node ${w.nodes[0].address.replace(/\./g, "\\.")}: Unavailable: connection error`,
        ),
      );
      assert.match(drift[1], /^etcd members could not be read: /);
      assert.deepStrictEqual(
        [r.outputs?.etcdMembers, r.outputs?.kubeconfig, r.outputs?.talosconfig],
        [before.outputs.etcdMembers, before.outputs.kubeconfig, before.outputs.talosconfig],
      );
      const p = await w.h.preview(urn, { __provider: w.providers.bootstrap, ...args });
      assert.strictEqual(p.op, "update", "the drift makes the next up run the steps again");
    } finally {
      cp1.powerOn();
      await w.waitConfigured(w.nodes[0]);
    }
    const healed = await w.h.refresh(urn);
    assert.deepStrictEqual([healed.outputs?.drift, healed.diff?.changes], [[], "none"]);
  });

  it("deletes without touching the cluster, and never records or logs a credential in plaintext", async () => {
    const urn = urnOf("TalosBootstrap", "boot");
    const rec = w.h.state.get(urn)!;
    await w.h.delete(rec.id, urn, rec.outputs);
    assert.ok(
      w.h.logs.includes(
        "[talos-bootstrap/hybrid] deleted from the stack only: the cluster is left running (etcd, nodes and issued credentials are untouched)",
      ),
    );
    const members = await w.talosctl.etcdMembers({
      node: w.nodes[0].address,
      endpoints: [w.nodes[0].address],
      talosconfig: rec.outputs.talosconfig as string,
    });
    assert.strictEqual(members.length, 3);
    const creds = [...w.h.state.values()]
      .filter((r) => r.urn.includes(":TalosBootstrap::"))
      .flatMap((r) => [r.outputs.kubeconfig, r.outputs.talosconfig])
      .filter((t): t is string => typeof t === "string");
    const values = creds.flatMap(credentialValues);
    assert.ok(values.length >= 8, `found ${values.length} credential values`);
    w.assertNoSecretsLeaked([...values, ...creds]);
  });
});
