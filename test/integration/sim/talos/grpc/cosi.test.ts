/**
 * The real talosctl's `get` against simulated nodes through cosi.resource.State: resource
 * definitions resolve aliases as Talos defines them, `-o json` parses with the library's parser,
 * sensitive types need os:admin, maintenance nodes serve disks insecurely but not the machine config,
 * and a missing id or an unknown type fails with Talos's texts.
 * Does not prove: `get -w` (Watch; cosi-watch.test.ts), or KubeSpan peer state over time (kubespan.test.ts).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { FakeWorld } from "../../../../helpers/fake-world";
import { realTalosctlPath, runTalosctl, TalosctlRun } from "../../../../helpers/real-talosctl";
import { parseJsonStream } from "../../../../../provider/talos/talosctl";
import { SimTalosRuntime, installTalosRuntime } from "../../../../../provider/sim/talos/runtime";
import { TalosTestMachine, testMachineSpec } from "../../../../../provider/sim/testing/talos-machine";
import { missingRealApi, until } from "./support";

const NET = `127.${150 + (process.pid % 50)}.92`;
const CP = `${NET}.2`;
const W = `${NET}.3`;
const SPARE = `${NET}.4`;

describe("real talosctl get against simulated nodes (COSI state)", function () {
  this.timeout(120000);
  let world: FakeWorld;
  let rt: SimTalosRuntime;
  let dir: string;
  let bin: string;
  const machines: TalosTestMachine[] = [];
  const talosctl = (args: string[]): Promise<TalosctlRun> => runTalosctl(bin, args, dir);
  const admin = (...args: string[]) => talosctl(["--talosconfig", "talosconfig", "-e", CP, ...args]);

  before(async function () {
    const why = missingRealApi("definitions");
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    bin = realTalosctlPath() as string;
    world = new FakeWorld(0.001);
    rt = installTalosRuntime(world);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "grpc-cosi-"));
    for (const [id, ip] of [
      ["cosi-cp1", CP],
      ["cosi-w1", W],
      ["cosi-spare", SPARE],
    ]) {
      const m = new TalosTestMachine(world, testMachineSpec(id, ip), {
        version: "v1.13.9",
        arch: "amd64",
        platform: "metal",
        schematic: "s",
      });
      world.machines.set(id, m);
      machines.push(m);
      await m.start();
    }
    assert.strictEqual((await talosctl(["gen", "config", "cosi", `https://${CP}:6443`, "--with-kubespan"])).code, 0);
    for (const [i, ip, file] of [
      [0, CP, "controlplane.yaml"],
      [1, W, "worker.yaml"],
    ] as const) {
      assert.strictEqual((await talosctl(["apply-config", "--insecure", "-n", ip, "-f", file])).code, 0);
      await until(`${ip} configured`, () => machines[i].boots >= 2 && rt.node(machines[i].id)?.maintenance === false);
    }
  });
  after(async () => {
    for (const m of machines) await m.destroy();
  });

  const hostname = (i: number) => rt.node(machines[i].id)!.hostname;

  it("get members -o json through the endpoint: one object per member, as the library's parser reads them", async () => {
    const run = await admin("-n", W, "get", "members", "-o", "json");
    assert.strictEqual(run.code, 0, run.stderr);
    const got = parseJsonStream(run.stdout) as { node: string; metadata: Record<string, unknown>; spec: unknown }[];
    const byId = new Map(got.map((r) => [r.metadata.id, r]));
    assert.deepStrictEqual(
      got.map((r) => [r.node, r.metadata.type, r.metadata.owner]),
      [
        [W, "Members.cluster.talos.dev", "cluster.MemberController"],
        [W, "Members.cluster.talos.dev", "cluster.MemberController"],
      ],
    );
    const worker = byId.get(hostname(1))!.spec as Record<string, unknown>;
    assert.deepStrictEqual(
      [
        worker.hostname,
        worker.machineType,
        worker.operatingSystem,
        worker.controlPlane,
        (worker.addresses as string[])[0],
      ],
      [hostname(1), "worker", "Talos (v1.13.9)", undefined, W],
    );
    assert.deepStrictEqual((byId.get(hostname(0))!.spec as Record<string, unknown>).controlPlane, { port: 6443 });
  });

  it("get rd lists Talos's own definitions and aliases; ksps is ambiguous, as in Talos", async () => {
    const run = await admin("-n", CP, "get", "rd");
    assert.strictEqual(run.code, 0, run.stderr);
    const rows = run.stdout
      .trimEnd()
      .split("\n")
      .map((l) => l.trim().split(/\s{2,}/));
    assert.deepStrictEqual(rows[0], ["NODE", "NAMESPACE", "TYPE", "ID", "VERSION", "ALIASES"]);
    assert.deepStrictEqual(
      rows.slice(1).map((r) => [r[3], r[5]]),
      [
        ["resourcedefinitions.meta.cosi.dev", "api-resources resourcedefinition rd rds"],
        ["machineconfigs.config.talos.dev", "machineconfig mc mcs"],
        ["members.cluster.talos.dev", "member"],
        ["disks.block.talos.dev", "disk"],
        ["kubespanidentities.kubespan.talos.dev", "kubespanidentity ksi ksis"],
        ["kubespanpeerspecs.kubespan.talos.dev", "kubespanpeerspec ksps"],
        ["kubespanpeerstatuses.kubespan.talos.dev", "kubespanpeerstatus ksps"],
        ["staticpods.kubernetes.talos.dev", "staticpod sp sps"],
        ["kubeletspecs.kubernetes.talos.dev", "kubeletspec ks"],
        ["apiserverconfigs.kubernetes.talos.dev", "apiserverconfig apisc apiscs"],
        ["controllermanagerconfigs.kubernetes.talos.dev", "controllermanagerconfig cmc cmcs"],
        ["schedulerconfigs.kubernetes.talos.dev", "schedulerconfig sc scs"],
        ["services.v1alpha1.talos.dev", "svc service"],
      ],
    );
    assert.deepStrictEqual(await admin("-n", CP, "get", "ksps"), {
      code: 1,
      stdout: "",
      stderr:
        'rpc error: code = InvalidArgument desc = resource type "ksps" is ambiguous: [kubespanpeerspecs.kubespan.talos.dev kubespanpeerstatuses.kubespan.talos.dev]\n',
    });
    assert.deepStrictEqual(await admin("-n", CP, "get", "nosuchthing"), {
      code: 1,
      stdout: "",
      stderr: 'rpc error: code = NotFound desc = resource "nosuchthing" is not registered\n',
    });
  });

  it("get kubespanidentities/kubespanpeerspecs for two nodes: each node's key, and the other as its peer", async () => {
    const ids = await admin("-n", `${CP},${W}`, "get", "kubespanidentities", "-o", "json");
    assert.strictEqual(ids.code, 0, ids.stderr);
    const keys = (parseJsonStream(ids.stdout) as { node: string; spec: Record<string, string> }[]).map((r) => [
      r.node,
      r.spec.publicKey,
    ]);
    assert.deepStrictEqual(
      keys.map(([n]) => n),
      [CP, W],
    );
    const specs = await admin("-n", `${CP},${W}`, "get", "kubespanpeerspecs", "-o", "json");
    assert.strictEqual(specs.code, 0, specs.stderr);
    const peers = (
      parseJsonStream(specs.stdout) as { node: string; metadata: { id: string }; spec: Record<string, unknown> }[]
    ).map((r) => [r.node, r.metadata.id, r.spec.label, r.spec.endpoints]);
    assert.deepStrictEqual(peers, [
      [CP, keys[1][1], hostname(1), [`${W}:51820`]],
      [W, keys[0][1], hostname(0), [`${CP}:51820`]],
    ]);
  });

  it("get mc v1alpha1 gives the applied config text as the spec, in -o json and -o yaml", async () => {
    const applied = fs.readFileSync(path.join(dir, "controlplane.yaml"), "utf8");
    const json = await admin("-n", CP, "get", "mc", "v1alpha1", "-o", "json");
    assert.strictEqual(json.code, 0, json.stderr);
    const [mc] = parseJsonStream(json.stdout) as { metadata: Record<string, unknown>; spec: unknown }[];
    assert.deepStrictEqual(
      [mc.metadata.owner, mc.metadata.annotations, mc.spec],
      [null, { "talos.dev/yaml-spec": 1 }, applied],
    );
    const yaml = await admin("-n", CP, "get", "mc", "v1alpha1", "-o", "yaml");
    assert.strictEqual(yaml.code, 0, yaml.stderr);
    const doc = YAML.parse(yaml.stdout) as { node: string; spec: string };
    assert.deepStrictEqual([doc.node, doc.spec], [CP, applied]);
  });

  it('a maintenance node serves disks insecurely (node "") but not the machine config', async () => {
    const disks = await talosctl(["get", "disks", "--insecure", "-n", SPARE, "-o", "json"]);
    assert.strictEqual(disks.code, 0, disks.stderr);
    const [sda] = parseJsonStream(disks.stdout) as {
      node: string;
      metadata: { id: string };
      spec: Record<string, unknown>;
    }[];
    assert.deepStrictEqual(
      [sda.node, sda.metadata.id, sda.spec.dev_path, sda.spec.size, typeof sda.spec.wwid],
      ["", "sda", "/dev/sda", machines[2].spec.disks[0].sizeBytes, "string"],
    );
    assert.deepStrictEqual(await talosctl(["get", "mc", "--insecure", "-n", SPARE]), {
      code: 1,
      stdout: "NODE   NAMESPACE   TYPE   ID   VERSION\n",
      stderr: "1 error occurred:\n\t* rpc error: code = PermissionDenied desc = not authorized\n\n\n",
    });
  });

  it("get <type> <id> of a missing id fails with cosi's NotFound text, which the library reads as 'none'", async () => {
    const run = await admin("-n", CP, "get", "kubespanidentities", "nope", "-o", "json");
    assert.deepStrictEqual(run, {
      code: 1,
      stdout: "",
      stderr:
        "1 error occurred:\n\t* rpc error: code = NotFound desc = resource KubeSpanIdentities.kubespan.talos.dev(kubespan/nope@undefined) doesn't exist\n\n\n",
    });
  });
});
