/**
 * `TalosCluster` under `pulumi.runtime.setMocks`, driven by the UNMODIFIED hybrid example program and
 * by clusters built directly (dedicated workers, two pools, no Cloud workers): the exact child
 * resources (types, names, parents) and their key inputs; the day-2 wiring (each Cloud worker's `-node`
 * apply config rendering the same config as its first boot, the roll order as `dependsOn` between the
 * apply configs behind the snapshot, servers ignoring image/userData changes); no child input holding a
 * plaintext secret (every secret value only inside a secret wrapper); and scaling the Cloud pool
 * (2 → 5, 3 → 2) changing only the added/removed servers and configs plus the two verification
 * resources' node lists, the other configs' `rollPosition` being a change the provider's diff ignores.
 * Does not prove that any child works (no provider code runs under mocks) or what the engine would
 * plan beyond that diff rule; test/integration/demo.test.ts runs the same program for real.
 */
import * as assert from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { linkPackageForPrograms } from "../../provider/sim/demo-package";
import { runProgramOnce, resolveOutput } from "../../provider/sim/runner/program";
import { pulumiFile } from "../../provider/sim/runner/pulumi-internals";
import { isSecret, SIG_KEY } from "../../provider/sim/runner/values";
import { pollUntil } from "../../provider/internal/poll";
import { kubeSpanPatch } from "../../provider/talos/config";
import { kubeSpanFirewallRules, talosAdminFirewallRules } from "../../provider/talos/firewall-rules";
import { TalosCluster } from "../../provider/resources/talos-cluster";
import { diffMachineConfig } from "../../provider/runtime/talos-machine-config";
import { assertNoSecrets } from "../helpers/secrets-scan";

const EXAMPLE = path.resolve(__dirname, "../../../examples/hybrid-cluster");
const PROJECT = "talos-hetzner-hybrid";
const SECRETS_YAML = "cluster:\n  token: unit-secrets-bundle-8c1f2a\n";
const KUBECONFIG = "kubeconfig: client-key-data unit-5d2e90";
const TALOSCONFIG = "talosconfig: admin key unit-77aa31";
const ADMIN = ["198.51.100.0/24"];
const DYN = "pulumi-nodejs:dynamic/talos-hetzner:";
const SERVER = "hcloud:index/server:Server";
const FIREWALL = "hcloud:index/firewall:Firewall";
const CLUSTER = "pulumi-talos-hetzner:index:TalosCluster";

type Props = Record<string, any>;
interface Recorded { type: string; name: string; inputs: Props }
/** A registration's resource options as the monitor received them (dependencies by child name). */
interface Options { dependsOn: string[]; ignoreChanges: string[] }

const POOL = { serverType: "cx33", location: "fsn1" };
const cpNumber = (i: number) => 2321001 + i;
const cpIp = (i: number) => `10.0.0.${i + 2}`;
const cloudIp = (name: string) => `203.0.113.${Number(name.split("-").pop()) + 10}`;
const userDataOf = (name: string) => `#talos user-data of ${name} with keys unit-${name.length}`;

/** When the fake RobotServers were installed: long ago unless a test installs them in its own run. */
let installedAt: () => string = () => "2026-01-01T00:00:00.000Z";

/** Fake outputs per child type, deterministic in the child's name or inputs (not in registration order). */
function outputsFor(r: Recorded): Props {
  const kind = r.type.startsWith(DYN) ? r.type.slice(DYN.length) : r.type;
  const i = Number(r.inputs.serverNumber) - 2321001;
  switch (kind) {
    case "RobotServer": return { ipv4: cpIp(i), installDiskPath: `/dev/disk/by-id/nvme-eui.${i}`, networkPatch: `# routes of ${cpIp(i)}\n`, installedAt: installedAt() };
    case "TalosSecrets": return { secretsYaml: pulumi.secret(SECRETS_YAML) };
    case "TalosImage": return { imageId: 987654 };
    case "TalosMachineConfig": return r.inputs.delivery === "user-data" ? { userData: pulumi.secret(userDataOf(r.name.replace(/-config$/, ""))) } : {};
    case SERVER: return { ipv4Address: cloudIp(r.name) };
    case "TalosBootstrap": return { kubeconfig: pulumi.secret(KUBECONFIG), talosconfig: pulumi.secret(TALOSCONFIG) };
    case "KubeSpanMesh": return { mesh: [], table: "" };
    default: return {};
  }
}

function idFor(r: Recorded): string {
  if (r.type === SERVER) return String(5000 + Number(r.name.split("-").pop()));
  if (r.type === FIREWALL) return "77";
  return r.type.endsWith(":RobotServer") ? String(r.inputs.serverNumber) : `${r.name}-id`;
}

/** Runs a program under mocks with stack config; returns every registration (providers excluded), the URNs and the resolved exports. */
async function runUnderMocks(program: () => Promise<Record<string, unknown>>, config: Record<string, string>, expected: number): Promise<{ recorded: Recorded[]; urns: string[]; outputs: Props; options: Map<string, Options> }> {
  const recorded: Recorded[] = [];
  const options = new Map<string, Options>();
  await pulumi.runtime.setMocks({
    newResource: (a) => {
      const r = { type: a.type, name: a.name, inputs: a.inputs };
      if (!a.type.startsWith("pulumi:providers:")) recorded.push(r);
      return { id: a.custom ? idFor(r) : "", state: { ...a.inputs, ...outputsFor(r) } };
    },
    call: (a) => a.inputs,
  }, PROJECT, "dev", false);
  recordOptions(pulumiFile("runtime/settings.js").getMonitor(), options);
  pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [`${PROJECT}:${k}`, v])));
  const exported = await program();
  const outputs: Props = {};
  for (const [k, v] of Object.entries(exported)) outputs[k] = await resolveOutput(v);
  await pollUntil(async () => (recorded.length >= expected ? true : undefined), { what: `${expected} registrations (have ${recorded.length})`, timeoutMs: 10000, initialMs: 5, maxMs: 50 });
  await new Promise((r) => setTimeout(r, 50));
  const monitor = pulumiFile("runtime/settings.js").getMonitor();
  return { recorded, urns: [...monitor.resources.keys()].filter((u: string) => !u.includes("pulumi:providers:")), outputs, options };
}

/** Wraps the mock monitor's registerResource to keep each request's dependencies and ignoreChanges (the mocks' newResource sees neither). */
function recordOptions(monitor: any, into: Map<string, Options>): void {
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: unknown) => {
    const dependsOn = (req.getDependenciesList() as string[]).map((u) => u.split("::").pop()!).sort();
    into.set(req.getName(), { dependsOn, ignoreChanges: req.getIgnorechangesList() });
    return register(req, callback);
  };
}

/** Runs the unmodified hybrid example with `cloudWorkers` under mocks. */
function runExample(cloudWorkers: number, expected: number): ReturnType<typeof runUnderMocks> {
  linkPackageForPrograms();
  const cps = [0, 1, 2].map((i) => ({ serverNumber: cpNumber(i), installDisk: { wwn: `eui.00${i}` } }));
  return runUnderMocks(() => runProgramOnce(EXAMPLE), {
    controlPlanes: JSON.stringify(cps), adminCidrs: JSON.stringify(ADMIN), cloudWorkers: String(cloudWorkers),
    controlPlaneLabels: JSON.stringify({ "example.com/tier": "cp" }),
  }, expected);
}

/** The inputs with every secret wrapper replaced by "[secret]" and `__provider` dropped. */
function masked(v: unknown): unknown {
  if (isSecret(v)) return "[secret]";
  if (Array.isArray(v)) return v.map(masked);
  if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).filter(([k]) => k !== "__provider").map(([k, x]) => [k, masked(x)]));
  return v;
}
const plain = (v: unknown): unknown => (isSecret(v) ? plain(v.value) : v);
const byName = (rs: Recorded[]) => new Map(rs.map((r) => [r.name, r]));
const childUrn = (type: string, name: string) => `urn:pulumi:dev::${PROJECT}::${CLUSTER}$${type}::${name}`;

describe("TalosCluster under mocks: the hybrid example", function () {
  this.timeout(60000);
  let run: Awaited<ReturnType<typeof runExample>>;
  let r: Map<string, Recorded>;
  before(async () => {
    run = await runExample(2, 21);
    r = byName(run.recorded);
  });

  it("creates exactly the documented children, each parented by the component", () => {
    const expected: [string, string][] = [
      [CLUSTER, "hybrid"], [`${DYN}TalosSecrets`, "hybrid-secrets"], [`${DYN}TalosImage`, "hybrid-image"],
      ...[0, 1, 2].flatMap((i): [string, string][] => [[`${DYN}RobotServer`, `hybrid-cp-${i}`], [`${DYN}TalosMachineConfig`, `hybrid-cp-${i}-config`], [`${DYN}RobotFirewall`, `hybrid-cp-${i}-firewall`]]),
      [FIREWALL, "hybrid-firewall"],
      ...[0, 1].flatMap((i): [string, string][] => [[`${DYN}TalosMachineConfig`, `hybrid-cloud-${i}-config`], [SERVER, `hybrid-cloud-${i}`], [`${DYN}TalosMachineConfig`, `hybrid-cloud-${i}-node`]]),
      [`${DYN}TalosBootstrap`, "hybrid-bootstrap"], [`${DYN}KubeSpanMesh`, "hybrid-mesh"],
    ];
    const sort = (xs: string[]) => [...xs].sort();
    assert.deepStrictEqual(sort(run.recorded.map((x) => `${x.type} ${x.name}`)), sort(expected.map(([t, n]) => `${t} ${n}`)));
    assert.deepStrictEqual(sort(run.urns), sort([`urn:pulumi:dev::${PROJECT}::${CLUSTER}::hybrid`, ...expected.slice(1).map(([t, n]) => childUrn(t, n))]));
    // The snapshot comes before the dedicated servers: the roll's first config waits for it.
    const order = run.recorded.map((x) => x.name);
    assert.ok(order.indexOf("hybrid-image") < order.indexOf("hybrid-cp-0"), order.join(", "));
  });

  it("installs each control plane from its server number and disk selector", () => {
    assert.deepStrictEqual(masked(r.get("hybrid-cp-1")!.inputs), { serverNumber: 2321002, name: "hybrid-cp-1", image: { version: "v1.13.9" }, installDisk: { wwn: "eui.001" } });
  });

  it("applies each control plane's config with KubeSpan, the role patch and the server's disk and routes", () => {
    const c = r.get("hybrid-cp-1-config")!.inputs;
    assert.deepStrictEqual(masked(c), {
      secretsYaml: "[secret]", clusterName: "hybrid", endpoint: "https://10.0.0.2:6443", role: "controlplane", talosVersion: "v1.13.9",
      hostname: "hybrid-cp-1", clusterPatches: "[secret]", rolePatches: "[secret]", installImage: "ghcr.io/siderolabs/installer:v1.13.9",
      installDisk: "/dev/disk/by-id/nvme-eui.1", nodePatches: "[secret]", networkPatch: "[secret]", node: "10.0.0.3", delivery: "apply",
      configVersion: "v1.13.9", rollPosition: "2 of 5, after hybrid-cp-0",
    });
    assert.deepStrictEqual(plain(c.clusterPatches), [kubeSpanPatch({ talosVersion: "v1.13.9" })]);
    assert.deepStrictEqual(plain(c.rolePatches), [{ machine: { nodeLabels: { "example.com/tier": "cp" } } }]);
    assert.deepStrictEqual([plain(c.networkPatch), plain(c.secretsYaml)], ["# routes of 10.0.0.3\n", SECRETS_YAML]);
  });

  it("boots each Cloud worker from the snapshot with its own user-data behind the cluster firewall", () => {
    assert.deepStrictEqual(masked(r.get("hybrid-cloud-1")!.inputs), {
      name: "hybrid-cloud-1", serverType: "cx33", location: "fsn1", image: "987654", userData: "[secret]", firewallIds: [77],
      labels: { "talos-cluster": "hybrid", "talos-pool": "cloud", "talos-role": "worker" },
    });
    assert.strictEqual(plain(r.get("hybrid-cloud-1")!.inputs.userData), userDataOf("hybrid-cloud-1"));
    const c = r.get("hybrid-cloud-1-config")!.inputs;
    assert.deepStrictEqual([c.role, c.delivery, c.hostname, c.installImage, c.node], ["worker", "user-data", "hybrid-cloud-1", "ghcr.io/siderolabs/installer:v1.13.9", undefined]);
    assert.deepStrictEqual(plain(c.nodePatches), [{ machine: { nodeLabels: { "node.kubernetes.io/pool": "cloud" } } }]);
    assert.deepStrictEqual(masked(r.get("hybrid-image")!.inputs), { talosVersion: "v1.13.9", resourceName: "hybrid-image" });
  });

  it("applies each Cloud worker's first-boot config again to the running server as its -node config", () => {
    const { delivery, node, rollPosition, ...rendered } = r.get("hybrid-cloud-1-node")!.inputs;
    assert.deepStrictEqual([delivery, node, rollPosition], ["apply", cloudIp("hybrid-cloud-1"), "5 of 5, after hybrid-cloud-0"]);
    // Every render input equals the first boot's, so the create finds the node already running it.
    const { delivery: firstDelivery, ...firstBoot } = r.get("hybrid-cloud-1-config")!.inputs;
    assert.deepStrictEqual([firstDelivery, rendered], ["user-data", firstBoot]);
    assert.deepStrictEqual(masked(rendered), {
      configVersion: "v1.13.9", secretsYaml: "[secret]", clusterName: "hybrid", endpoint: "https://10.0.0.2:6443", role: "worker", talosVersion: "v1.13.9",
      hostname: "hybrid-cloud-1", clusterPatches: "[secret]", rolePatches: "[secret]", installImage: "ghcr.io/siderolabs/installer:v1.13.9", nodePatches: "[secret]", platform: "cloud",
    });
  });

  it("rolls the apply configs behind the snapshot, control planes one by one, then the Cloud workers", () => {
    const roll = (n: string) => run.options.get(n)!.dependsOn.filter((d) => /^hybrid-(image|cp-\d-config|cloud-\d-node)$/.test(d));
    const configs = ["hybrid-cp-0-config", "hybrid-cp-1-config", "hybrid-cp-2-config", "hybrid-cloud-0-node", "hybrid-cloud-1-node"];
    assert.deepStrictEqual(configs.map((n) => [n, roll(n), r.get(n)!.inputs.rollPosition]), [
      ["hybrid-cp-0-config", ["hybrid-image"], "1 of 5"],
      ["hybrid-cp-1-config", ["hybrid-cp-0-config"], "2 of 5, after hybrid-cp-0"],
      ["hybrid-cp-2-config", ["hybrid-cp-1-config"], "3 of 5, after hybrid-cp-1"],
      ["hybrid-cloud-0-node", ["hybrid-cp-2-config"], "4 of 5, after hybrid-cp-2"],
      ["hybrid-cloud-1-node", ["hybrid-cloud-0-node", "hybrid-cp-2-config"], "5 of 5, after hybrid-cloud-0"],
    ]);
    assert.deepStrictEqual(roll("hybrid-bootstrap"), [...configs].sort());
    assert.deepStrictEqual(r.get("hybrid-cloud-0-config")!.inputs.rollPosition, undefined);
  });

  it("lets servers ignore image changes (and Cloud servers userData): upgrades and config changes happen in place", () => {
    const ignoring = [...run.options].filter(([, o]) => o.ignoreChanges.length > 0).map(([n, o]) => [n, o.ignoreChanges]).sort();
    assert.deepStrictEqual(ignoring, [
      ["hybrid-cloud-0", ["image", "userData"]], ["hybrid-cloud-1", ["image", "userData"]],
      ["hybrid-cp-0", ["image"]], ["hybrid-cp-1", ["image"]], ["hybrid-cp-2", ["image"]], ["hybrid-secrets", ["talosVersion"]],
    ]);
  });

  it("opens KubeSpan everywhere and the Talos/Kubernetes APIs to admins and the dedicated nodes only", () => {
    const ips = [0, 1, 2].map(cpIp);
    assert.deepStrictEqual(masked(r.get("hybrid-firewall")!.inputs), { labels: { "talos-cluster": "hybrid" }, rules: [...kubeSpanFirewallRules(), ...talosAdminFirewallRules(ADMIN, ips)] });
    assert.deepStrictEqual(masked(r.get("hybrid-cp-2-firewall")!.inputs), { serverNumber: 2321003, adminCidrs: ADMIN, nodeAddresses: ips });
  });

  it("bootstraps the first control plane and verifies the mesh of all five nodes", () => {
    const cps = [0, 1, 2].map(cpIp);
    const workers = [0, 1].map((i) => cloudIp(`hybrid-cloud-${i}`));
    assert.deepStrictEqual(masked(r.get("hybrid-bootstrap")!.inputs), { clusterName: "hybrid", secretsYaml: "[secret]", bootstrapNode: cps[0], controlPlaneNodes: cps, endpoints: cps, workerNodes: workers });
    assert.deepStrictEqual(masked(r.get("hybrid-mesh")!.inputs), {
      nodes: [...cps.map((address, i) => ({ name: `hybrid-cp-${i}`, address, where: "robot" })), ...workers.map((address, i) => ({ name: `hybrid-cloud-${i}`, address, where: "cloud" }))],
      endpoints: cps, talosconfig: "[secret]",
    });
  });

  it("exports the node table, and the kubeconfig and talosconfig as secrets", () => {
    assert.deepStrictEqual(run.outputs.nodes.value, [
      ...[0, 1, 2].map((i) => ({ name: `hybrid-cp-${i}`, role: "controlplane", where: "robot", pool: "controlplane", serverId: String(cpNumber(i)), ipv4: cpIp(i) })),
      ...[0, 1].map((i) => ({ name: `hybrid-cloud-${i}`, role: "worker", where: "cloud", pool: "cloud", serverId: String(5000 + i), ipv4: cloudIp(`hybrid-cloud-${i}`) })),
    ]);
    assert.deepStrictEqual([run.outputs.kubeconfig, run.outputs.talosconfig], [{ value: KUBECONFIG, secret: true }, { value: TALOSCONFIG, secret: true }]);
    assert.deepStrictEqual([run.outputs.endpoint.value, run.outputs.endpoint.secret], ["https://10.0.0.2:6443", false]);
  });

  it("passes no secret in plaintext to any child", () => {
    const secrets = [SECRETS_YAML, KUBECONFIG, TALOSCONFIG, userDataOf("hybrid-cloud-0"), userDataOf("hybrid-cloud-1")];
    assertNoSecrets(run.recorded.map((x) => masked(x.inputs)), secrets, run.recorded.map((x) => x.name));
    // The scan would find them unmasked: the secrets really are in the inputs.
    assert.ok(JSON.stringify(run.recorded.map((x) => x.inputs)).includes(JSON.stringify(SECRETS_YAML)));
    assert.ok(run.recorded.every((x) => !JSON.stringify(x.inputs).includes(SIG_KEY) || JSON.stringify(masked(x.inputs)).includes("[secret]")));
  });
});

describe("TalosCluster under mocks: a first install", function () {
  this.timeout(60000);
  after(() => { installedAt = () => "2026-01-01T00:00:00.000Z"; });

  it("applies the configs of dedicated servers installed by this run at once (behind the snapshot only); Cloud workers still roll", async () => {
    installedAt = () => new Date().toISOString();
    const run = await runExample(2, 21);
    const roll = (n: string) => run.options.get(n)!.dependsOn.filter((d) => /^hybrid-(image|cp-\d-config|cloud-\d-node)$/.test(d));
    const configs = ["hybrid-cp-0-config", "hybrid-cp-1-config", "hybrid-cp-2-config", "hybrid-cloud-0-node", "hybrid-cloud-1-node"];
    assert.deepStrictEqual(configs.map((n) => [n, roll(n)]), [
      ["hybrid-cp-0-config", ["hybrid-image"]],
      ["hybrid-cp-1-config", ["hybrid-image"]],
      ["hybrid-cp-2-config", ["hybrid-image"]],
      ["hybrid-cloud-0-node", ["hybrid-cp-2-config"]],
      ["hybrid-cloud-1-node", ["hybrid-cloud-0-node", "hybrid-cp-2-config"]],
    ]);
    // Each dedicated node's config waits for its Robot firewall, so a refused removal keeps the filter.
    assert.deepStrictEqual([0, 1, 2].map((i) => run.options.get(`hybrid-cp-${i}-config`)!.dependsOn.filter((d) => d.endsWith("-firewall"))), [["hybrid-cp-0-firewall"], ["hybrid-cp-1-firewall"], ["hybrid-cp-2-firewall"]]);
  });
});

describe("TalosCluster under mocks: scaling the Cloud pool", function () {
  this.timeout(60000);

  /**
   * Names whose inputs differ between two runs, names only in one of them, and the configs whose inputs
   * differ only in what TalosMachineConfig's diff ignores (`rollPosition`) as [name, old, new position].
   */
  function compare(a: Recorded[], b: Recorded[]): { changed: string[]; added: string[]; removed: string[]; rollOnly: [string, string, string][] } {
    const [ma, mb] = [byName(a), byName(b)];
    const differ = [...ma.keys()].filter((n) => mb.has(n) && JSON.stringify(ma.get(n)!.inputs) !== JSON.stringify(mb.get(n)!.inputs));
    // The engine asks the provider's diff, which reports no change for a roll position alone.
    const ignored = (n: string) => ma.get(n)!.type === `${DYN}TalosMachineConfig` && diffMachineConfig(ma.get(n)!.inputs, mb.get(n)!.inputs).changes === false;
    return {
      changed: differ.filter((n) => !ignored(n)).sort(),
      added: [...mb.keys()].filter((n) => !ma.has(n)).sort(),
      removed: [...ma.keys()].filter((n) => !mb.has(n)).sort(),
      rollOnly: differ.filter(ignored).sort().map((n): [string, string, string] => [n, ma.get(n)!.inputs.rollPosition, mb.get(n)!.inputs.rollPosition]),
    };
  }
  const worker = (i: number) => [`hybrid-cloud-${i}`, `hybrid-cloud-${i}-config`, `hybrid-cloud-${i}-node`];

  it("2 → 5 adds three servers with their configs and changes only the bootstrap and mesh node lists", async () => {
    const two = await runExample(2, 21);
    const five = await runExample(5, 30);
    assert.deepStrictEqual(compare(two.recorded, five.recorded), {
      changed: ["hybrid-bootstrap", "hybrid-mesh"],
      added: [...worker(2), ...worker(3), ...worker(4)],
      removed: [],
      rollOnly: [
        ["hybrid-cloud-0-node", "4 of 5, after hybrid-cp-2", "4 of 8, after hybrid-cp-2"], ["hybrid-cloud-1-node", "5 of 5, after hybrid-cloud-0", "5 of 8, after hybrid-cloud-0"],
        ["hybrid-cp-0-config", "1 of 5", "1 of 8"], ["hybrid-cp-1-config", "2 of 5, after hybrid-cp-0", "2 of 8, after hybrid-cp-0"], ["hybrid-cp-2-config", "3 of 5, after hybrid-cp-1", "3 of 8, after hybrid-cp-1"],
      ],
    });
    assert.deepStrictEqual(five.recorded.find((x) => x.name === "hybrid-cloud-4-node")!.inputs.rollPosition, "8 of 8, after hybrid-cloud-3");
  });

  it("3 → 2 removes only the last server and its two configs", async () => {
    const three = await runExample(3, 24);
    const two = await runExample(2, 21);
    assert.deepStrictEqual(compare(three.recorded, two.recorded), {
      changed: ["hybrid-bootstrap", "hybrid-mesh"], added: [], removed: worker(2),
      rollOnly: [
        ["hybrid-cloud-0-node", "4 of 6, after hybrid-cp-2", "4 of 5, after hybrid-cp-2"], ["hybrid-cloud-1-node", "5 of 6, after hybrid-cloud-0", "5 of 5, after hybrid-cloud-0"],
        ["hybrid-cp-0-config", "1 of 6", "1 of 5"], ["hybrid-cp-1-config", "2 of 6, after hybrid-cp-0", "2 of 5, after hybrid-cp-0"], ["hybrid-cp-2-config", "3 of 6, after hybrid-cp-1", "3 of 5, after hybrid-cp-1"],
      ],
    });
  });
});

describe("TalosCluster under mocks: dedicated workers, two pools, a DNS endpoint, a schematic, no Robot firewalls", function () {
  this.timeout(60000);
  const SCHEMATIC = "376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba";

  it("creates the dedicated worker and both pools' nodes with the right configs and images", async () => {
    const run = await runUnderMocks(async () => {
      const c = new TalosCluster("edge", {
        clusterName: "edge-prod", talosVersion: "v1.12.4", kubernetesVersion: "1.33.2", endpoint: "k8s.example.com", schematicId: SCHEMATIC,
        controlPlanes: [{ serverNumber: 2321001, installDisk: { serial: "S1" } }],
        workers: { robot: [{ serverNumber: 2321002, installDisk: { serial: "S2" }, patches: ["machine:\n  sysctls:\n    vm.nr_hugepages: \"512\"\n"] }], cloudPools: [{ ...POOL, name: "a", count: 1 }, { ...POOL, name: "b", count: 1, labels: { tier: "b" } }] },
        patches: { worker: [{ machine: { kubelet: { extraArgs: { "max-pods": "250" } } } }] },
        kubeSpan: { mtu: 1380 }, adminCidrs: ADMIN, robotFirewall: false, cloudImage: { arch: "x86", location: "nbg1" },
      });
      return { nodes: c.nodes };
    }, {}, 16);
    const r = byName(run.recorded);
    assert.deepStrictEqual([...r.keys()].sort(), [
      "edge", "edge-a-0", "edge-a-0-config", "edge-a-0-node", "edge-b-0", "edge-b-0-config", "edge-b-0-node", "edge-bootstrap", "edge-cp-0", "edge-cp-0-config",
      "edge-firewall", "edge-image", "edge-mesh", "edge-secrets", "edge-worker-0", "edge-worker-0-config",
    ]);
    // Roll order: the control plane, the dedicated worker, then the pools in order, one at a time.
    assert.deepStrictEqual(["edge-cp-0-config", "edge-worker-0-config", "edge-a-0-node", "edge-b-0-node"].map((n) => r.get(n)!.inputs.rollPosition),
      ["1 of 4", "2 of 4, after edge-cp-0", "3 of 4, after edge-worker-0", "4 of 4, after edge-a-0"]);
    assert.deepStrictEqual(plain(r.get("edge-b-0-node")!.inputs.nodePatches), [{ machine: { nodeLabels: { tier: "b" } } }]);
    const worker = r.get("edge-worker-0-config")!.inputs;
    assert.deepStrictEqual([worker.role, worker.endpoint, worker.node, worker.kubernetesVersion, worker.clusterName, worker.installImage],
      ["worker", "https://k8s.example.com:6443", cpIp(1), "1.33.2", "edge-prod", `factory.talos.dev/metal-installer/${SCHEMATIC}:v1.12.4`]);
    assert.deepStrictEqual(plain(worker.rolePatches), [{ machine: { kubelet: { extraArgs: { "max-pods": "250" } } } }]);
    assert.deepStrictEqual(plain(worker.clusterPatches), [kubeSpanPatch({ talosVersion: "v1.12.4", mtu: 1380 })]);
    assert.deepStrictEqual(plain(r.get("edge-cp-0-config")!.inputs.rolePatches), []);
    assert.deepStrictEqual(plain(r.get("edge-b-0-config")!.inputs.nodePatches), [{ machine: { nodeLabels: { tier: "b" } } }]);
    assert.strictEqual(r.get("edge-a-0-config")!.inputs.installImage, `factory.talos.dev/hcloud-installer/${SCHEMATIC}:v1.12.4`);
    assert.deepStrictEqual(masked(r.get("edge-worker-0")!.inputs), { serverNumber: 2321002, name: "edge-worker-0", image: { version: "v1.12.4", schematicId: SCHEMATIC }, installDisk: { serial: "S2" } });
    assert.deepStrictEqual(masked(r.get("edge-image")!.inputs), { talosVersion: "v1.12.4", schematicId: SCHEMATIC, arch: "x86", location: "nbg1", resourceName: "edge-image" });
    assert.deepStrictEqual(masked(r.get("edge-bootstrap")!.inputs), {
      clusterName: "edge-prod", secretsYaml: "[secret]", bootstrapNode: cpIp(0), controlPlaneNodes: [cpIp(0)], endpoints: [cpIp(0)],
      workerNodes: [cpIp(1), cloudIp("edge-a-0"), cloudIp("edge-b-0")], kubernetesVersion: "1.33.2",
    });
    assert.deepStrictEqual(run.outputs.nodes.value.map((n: Props) => `${n.name} ${n.role} ${n.where} ${n.pool}`), [
      "edge-cp-0 controlplane robot controlplane", "edge-worker-0 worker robot robot", "edge-a-0 worker cloud a", "edge-b-0 worker cloud b",
    ]);
  });

  it("creates no snapshot or Cloud firewall without Cloud workers", async () => {
    const run = await runUnderMocks(async () => ({ nodes: new TalosCluster("metal", { talosVersion: "v1.13.9", controlPlanes: [{ serverNumber: 2321001, installDisk: { serial: "S1" } }], workers: { cloudPools: [{ ...POOL, name: "a", count: 0 }] }, adminCidrs: ADMIN }).nodes }), {}, 7);
    assert.deepStrictEqual(run.recorded.map((x) => x.name).sort(), ["metal", "metal-bootstrap", "metal-cp-0", "metal-cp-0-config", "metal-cp-0-firewall", "metal-mesh", "metal-secrets"]);
  });
});
