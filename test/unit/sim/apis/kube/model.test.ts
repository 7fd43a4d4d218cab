/**
 * The simulated Kubernetes state and routes without TLS or Talos nodes: node registration from Talos views, CoreDNS
 * seeding and spreading, Pending pods while nothing is schedulable, eviction grace periods and replacement, PDB
 * status, persistence across instances, and the exact Status answers for unknown paths, wrong methods, media types
 * and field selectors.
 * Does not prove: the HTTPS listener, client-certificate checks or the runtime wiring (integration kube-sim test).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SimKube } from "../../../../../provider/sim/apis/kube/model";
import { versionOfImage } from "../../../../../provider/sim/apis/kube/names";
import { TalosNodeView } from "../../../../../provider/sim/apis/kube/reconcile";
import { route } from "../../../../../provider/sim/apis/kube/routes";
import { SimKubeStore } from "../../../../../provider/sim/apis/kube/state";

const view = (hostname: string, i: number, controlPlane = false): TalosNodeView => ({
  machineId: `m-${i}`,
  bootId: `boot-${i}`,
  hostname,
  ip: `10.0.0.${i}`,
  controlPlane,
  tainted: controlPlane,
  kubeletImage: "ghcr.io/siderolabs/kubelet:v1.35.2",
  talosTag: "v1.12.5",
  arch: "amd64",
  ready: true,
});

describe("kube sim: state model", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kube-sim-"));
  let views: TalosNodeView[];
  let k: SimKube;
  let clock = 0;
  const wait = async (ms: number) => {
    clock += ms;
  };
  const fresh = () =>
    new SimKube(
      "abc",
      "c",
      new SimKubeStore(dir, "abc"),
      0.001,
      () => views,
      () => clock,
    );
  beforeEach(() => {
    fs.rmSync(path.join(dir, "kube"), { recursive: true, force: true });
    views = [view("cp-1", 1, true), view("w-1", 2), view("w-2", 3)];
    k = fresh();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("takes the kubelet version from the image tag, always with a leading v", () => {
    assert.deepStrictEqual(
      [
        "ghcr.io/siderolabs/kubelet:v1.36.3",
        "registry:5000/kubelet:1.34.1",
        "kubelet:v1.33.0@sha256:abcd",
        "kubelet",
      ].map(versionOfImage),
      ["v1.36.3", "v1.34.1", "v1.33.0", ""],
    );
    assert.deepStrictEqual(
      k.nodes().map((n) => [n.name, n.kubeletVersion, n.osImage, n.ready]),
      [
        ["cp-1", "v1.35.2", "Talos (v1.12.5)", true],
        ["w-1", "v1.35.2", "Talos (v1.12.5)", true],
        ["w-2", "v1.35.2", "Talos (v1.12.5)", true],
      ],
    );
  });

  it("keeps Pending pods unbound while no node can take them, then schedules them on uncordon", async () => {
    for (const n of ["cp-1", "w-1", "w-2"]) k.setUnschedulable(n, true);
    k.addWorkload({ namespace: "default", name: "web", replicas: 2 });
    assert.deepStrictEqual(
      k
        .pods()
        .filter((p) => p.name.startsWith("web-"))
        .map((p) => [p.nodeName, p.phase]),
      [
        ["", "Pending"],
        ["", "Pending"],
      ],
    );
    k.setUnschedulable("cp-1", false);
    assert.deepStrictEqual(
      k
        .pods()
        .filter((p) => p.name.startsWith("web-"))
        .map((p) => p.nodeName),
      ["", ""],
      "the control plane's NoSchedule taint keeps user pods off",
    );
    k.setUnschedulable("w-2", false);
    await wait(5);
    assert.deepStrictEqual(
      k
        .pods()
        .filter((p) => p.name.startsWith("web-"))
        .map((p) => [p.nodeName, p.phase]),
      [
        ["w-2", "Running"],
        ["w-2", "Running"],
      ],
    );
  });

  it("evicts with a grace period, replaces ReplicaSet pods elsewhere, and refuses below minAvailable", async () => {
    k.addWorkload({ namespace: "default", name: "web", replicas: 2, minAvailable: 1 });
    await wait(5);
    const [a, b] = k.pods().filter((p) => p.name.startsWith("web-"));
    assert.notStrictEqual(a.nodeName, b.nodeName);
    k.setUnschedulable(a.nodeName, true);
    assert.strictEqual(k.evict("default", a.name).status, 201);
    const r = k.evict("default", b.name);
    assert.strictEqual(r.status, 429, "the replacement is not running yet, so only one pod is healthy");
    assert.deepStrictEqual(r.status === 429 && [r.pdb.name, r.desired, r.healthy], ["web", 1, 1]);
    assert.deepStrictEqual(
      (route(k, "GET", "/apis/policy/v1/poddisruptionbudgets", undefined, "").body as { items: object[] }).items,
      [
        {
          kind: "PodDisruptionBudget",
          apiVersion: "policy/v1",
          metadata: { name: "web", namespace: "default" },
          spec: { minAvailable: 1, selector: { matchLabels: { app: "web" } } },
          status: { currentHealthy: 1, desiredHealthy: 1, disruptionsAllowed: 0, expectedPods: 2 },
        },
      ],
    );
    assert.strictEqual(k.pods().find((p) => p.name === a.name)?.deleting, true);
    await wait(40);
    const web = k.pods().filter((p) => p.name.startsWith("web-"));
    assert.deepStrictEqual(
      web.map((p) => p.name === a.name),
      [false, false],
      "the evicted pod is gone after its grace period",
    );
    assert.deepStrictEqual(web.map((p) => p.nodeName).sort(), [b.nodeName, b.nodeName]);
    assert.strictEqual(k.evict("default", b.name).status, 201);
    assert.deepStrictEqual(
      k.events.map((e) => [e.kind, e.node, e.pod]),
      [
        ["cordon", a.nodeName, undefined],
        ["evict", a.nodeName, `default/${a.name}`],
        ["evict-blocked", b.nodeName, `default/${b.name}`],
        ["evict", b.nodeName, `default/${b.name}`],
      ],
    );
  });

  it("lists a node NotReady while its Talos node is down or rebooting, and persists cordons", () => {
    k.setUnschedulable("w-1", true);
    views = [views[0], { ...views[1], ready: false }];
    assert.deepStrictEqual(
      k.nodes().map((n) => [n.name, n.ready, n.unschedulable]),
      [
        ["cp-1", true, false],
        ["w-1", false, true],
        ["w-2", false, false],
      ],
    );
    const again = fresh();
    assert.deepStrictEqual(
      again.nodes().map((n) => n.unschedulable),
      [false, true, false],
    );
  });

  it("answers unknown paths, wrong methods, media types and selectors with the API's Status", () => {
    const body = (code: number, reason: string, message: string, details?: object) => ({
      status: code,
      body: {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message,
        reason,
        ...(details ? { details } : {}),
        code,
      },
    });
    assert.deepStrictEqual(
      route(k, "GET", "/api/v1/secrets", undefined, ""),
      body(404, "NotFound", "the server could not find the requested resource", {}),
    );
    assert.deepStrictEqual(
      route(k, "PUT", "/api/v1/nodes/w-1", {}, "application/json"),
      body(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", {}),
    );
    assert.strictEqual(
      route(k, "PATCH", "/api/v1/nodes/w-1", { spec: { unschedulable: true } }, "application/json").status,
      415,
    );
    assert.deepStrictEqual(
      route(k, "GET", "/api/v1/nodes/w-9", undefined, ""),
      body(404, "NotFound", 'nodes "w-9" not found', { name: "w-9", kind: "nodes" }),
    );
    assert.deepStrictEqual(
      route(k, "GET", "/api/v1/pods?fieldSelector=status.phase%3DRunning", undefined, ""),
      body(400, "BadRequest", "field label not supported: status.phase"),
    );
    assert.deepStrictEqual(
      route(
        k,
        "POST",
        "/api/v1/namespaces/default/pods/x/eviction",
        { kind: "Eviction", metadata: { name: "y" } },
        "application/json",
      ),
      body(400, "BadRequest", "name in URL does not match name in Eviction object"),
    );
    assert.deepStrictEqual(
      route(
        k,
        "POST",
        "/api/v1/namespaces/default/pods/x/eviction",
        { kind: "Eviction", metadata: { name: "x" } },
        "application/json",
      ),
      body(404, "NotFound", 'pods "x" not found', { name: "x", kind: "pods" }),
    );
  });
});
