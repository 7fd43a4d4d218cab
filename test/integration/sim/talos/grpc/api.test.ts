/**
 * The real talosctl against simulated nodes over the real Talos API (gRPC, TLS, mutual TLS):
 * apply-config --insecure in maintenance, then version/bootstrap/etcd members with the cluster's
 * talosconfig, a stranger's certificate refused, one endpoint answering for two nodes, and a
 * waiting reboot and reset followed by talosctl's action tracker through the event stream, and health.
 * Does not prove: upgrade, get, the tracker's handling of a slow or failed boot, or
 * that a refused stranger sees the exact alert text a Go server sends (OpenSSL closes instead).
 */
import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { FakeWorld } from "../../../../helpers/fake-world";
import { realTalosctlPath, runTalosctl, TalosctlRun } from "../../../../helpers/real-talosctl";
import { SimTalosRuntime, installTalosRuntime } from "../../../../../provider/sim/talos/runtime";
import { TalosTestMachine, testMachineSpec } from "../../../../../provider/sim/testing/talos-machine";
import { missingRealApi, until } from "./support";

// Loopback addresses of this process's nodes (another process running these tests gets other ones).
const NET = `127.${150 + (process.pid % 50)}.91`;
const CP = `${NET}.2`;
const CP2 = `${NET}.3`;

describe("real talosctl against simulated nodes over the Talos gRPC API", function () {
  this.timeout(120000);
  let world: FakeWorld;
  let rt: SimTalosRuntime;
  let dir: string;
  let bin: string;
  const machines: TalosTestMachine[] = [];
  const talosctl = (args: string[], cwd = dir): Promise<TalosctlRun> => runTalosctl(bin, args, cwd);
  const admin = (...args: string[]) => talosctl(["--talosconfig", "talosconfig", ...args]);

  before(async function () {
    const why = missingRealApi();
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    bin = realTalosctlPath() as string;
    world = new FakeWorld(0.001);
    rt = installTalosRuntime(world);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "grpc-api-"));
    for (const [id, ip] of [
      ["grpc-cp1", CP],
      ["grpc-cp2", CP2],
      ["grpc-w1", `${NET}.4`],
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
    const gen = await talosctl(["gen", "config", "grpc", `https://${CP}:6443`]);
    assert.strictEqual(gen.code, 0, gen.stderr);
  });
  after(async () => {
    for (const m of machines) await m.destroy();
  });

  it("apply-config --insecure reaches a maintenance node, which installs and comes back configured", async () => {
    const run = await talosctl(["apply-config", "--insecure", "-n", CP, "-f", "controlplane.yaml"]);
    assert.deepStrictEqual(run, { code: 0, stdout: "", stderr: "Applied configuration without a reboot\n" });
    await until("grpc-cp1 configured", () => machines[0].boots >= 2 && rt.node("grpc-cp1")?.maintenance === false);
  });

  it("version over mutual TLS names the node and its Talos version", async () => {
    const run = await admin("-e", CP, "-n", CP, "version");
    assert.strictEqual(run.code, 0, run.stderr);
    assert.ok(run.stdout.includes(`Server:\n\tNODE:        ${CP}\n\tTag:         v1.13.9\n`), run.stdout);
  });

  it("a configured node refuses a client without a certificate, as mutual TLS does", async () => {
    const run = await talosctl(["version", "--insecure", "-n", CP]);
    assert.strictEqual(run.code, 1);
    assert.ok(!run.stdout.includes("NODE:"), run.stdout);
    assert.ok(run.stderr.startsWith("error getting version: rpc error: code = Unavailable desc = "), run.stderr);
  });

  it("bootstrap succeeds once; the second answers AlreadyExists for that node", async () => {
    assert.deepStrictEqual(await admin("-e", CP, "-n", CP, "bootstrap"), { code: 0, stdout: "", stderr: "" });
    const again = await admin("-e", CP, "-n", CP, "bootstrap");
    assert.deepStrictEqual(again, {
      code: 1,
      stdout: "",
      stderr: `error executing bootstrap: 1 error occurred:\n\t* ${CP}: rpc error: code = AlreadyExists desc = etcd data directory is not empty\n\n\n`,
    });
  });

  it("etcd members lists both control planes once the second joins", async () => {
    assert.strictEqual((await talosctl(["apply-config", "--insecure", "-n", CP2, "-f", "controlplane.yaml"])).code, 0);
    await until("grpc-cp2 configured", () => machines[1].boots >= 2 && rt.node("grpc-cp2")?.maintenance === false);
    const run = await admin("-e", CP, "-n", CP, "etcd", "members");
    assert.strictEqual(run.code, 0, run.stderr);
    const row = (id: string, ip: string) => [
      CP,
      rt.node(id)!.saved.etcd!.memberId,
      rt.node(id)!.hostname,
      `https://${ip}:2380`,
      `https://${ip}:2379`,
      "false",
    ];
    const table = run.stdout
      .trimEnd()
      .split("\n")
      .map((l) => l.trim().split(/\s{2,}/));
    assert.deepStrictEqual(table, [
      ["NODE", "ID", "HOSTNAME", "PEER URLS", "CLIENT URLS", "LEARNER"],
      row("grpc-cp1", CP),
      row("grpc-cp2", CP2),
    ]);
  });

  it("one endpoint answers for --nodes a,b per node, and names the node it could not reach", async () => {
    const both = await admin("-e", CP, "-n", `${CP},${CP2}`, "version");
    assert.strictEqual(both.code, 0, both.stderr);
    const server = both.stdout.slice(both.stdout.indexOf("Server:"));
    assert.deepStrictEqual(
      server.split("\n").filter((l) => /NODE:|Tag:/.test(l)),
      [`\tNODE:        ${CP}`, "\tTag:         v1.13.9", `\tNODE:        ${CP2}`, "\tTag:         v1.13.9"],
    );
    const gone = `${NET}.9`;
    const partial = await admin("-e", CP, "-n", `${CP},${gone}`, "version");
    assert.strictEqual(partial.code, 0);
    assert.strictEqual(
      partial.stderr,
      `WARNING: 1 error occurred:\n\t* ${gone}: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp ${gone}:50000: connect: connection refused"\n\n\n`,
    );
  });

  it("a client certificate from another cluster's CA is refused by the node", async () => {
    const other = path.join(dir, "other");
    fs.mkdirSync(other);
    assert.strictEqual((await talosctl(["gen", "config", "other", `https://${CP}:6443`], other)).code, 0);
    // The cluster's CA (so the client trusts the node) with the stranger's certificate and key.
    const own = YAML.parse(fs.readFileSync(path.join(dir, "talosconfig"), "utf8"));
    const theirs = YAML.parse(fs.readFileSync(path.join(other, "talosconfig"), "utf8")).contexts.other;
    own.contexts.grpc = { ...own.contexts.grpc, crt: theirs.crt, key: theirs.key };
    fs.writeFileSync(path.join(dir, "stranger"), YAML.stringify(own), { mode: 0o600 });
    const run = await talosctl(["--talosconfig", "stranger", "-e", CP, "-n", CP, "version"]);
    assert.strictEqual(run.code, 1);
    assert.ok(!run.stdout.includes("NODE:"), run.stdout);
    assert.ok(run.stderr.startsWith("error getting version: rpc error: code = Unavailable desc = "), run.stderr);
  });

  it("kubeconfig - prints the admin kubeconfig for the cluster's endpoint, its certificate chaining to the cluster CA by key id", async () => {
    const run = await admin("-e", CP, "-n", CP, "kubeconfig", "-");
    assert.strictEqual(run.code, 0, run.stderr);
    const kc = YAML.parse(run.stdout);
    assert.deepStrictEqual(
      [kc.clusters[0].cluster.server, kc["current-context"]],
      [`https://${CP}:6443`, "admin@grpc"],
    );
    // OpenSSL's X509_check_issued also matches the Authority Key Identifier to the CA's own one;
    // without that a TLS server (the simulated kube-apiserver) rejects the certificate of a Go client.
    const pem = (b64: string) => new crypto.X509Certificate(Buffer.from(b64, "base64"));
    const leaf = pem(kc.users[0].user["client-certificate-data"]);
    assert.ok(leaf.checkIssued(pem(kc.clusters[0].cluster["certificate-authority-data"])), leaf.toString());
  });

  it("etcd remove-member removes by id; a second removal answers NotFound with the decimal id; the last member cannot forfeit", async () => {
    const hex = rt.node("grpc-cp2")!.saved.etcd!.memberId;
    assert.deepStrictEqual(await admin("-e", CP, "-n", CP, "etcd", "remove-member", hex), {
      code: 0,
      stdout: "",
      stderr: "",
    });
    const again = await admin("-e", CP, "-n", CP, "etcd", "remove-member", hex);
    assert.deepStrictEqual(again, {
      code: 1,
      stdout: "",
      stderr: `1 error occurred:\n\t* ${CP}: rpc error: code = NotFound desc = failed to remove member ${BigInt(`0x${hex}`)}: etcdserver: member not found\n\n\n`,
    });
    // The remaining member is alone now, and Talos refuses to forfeit the leadership of a single-member etcd.
    assert.deepStrictEqual(await admin("-e", CP, "-n", CP, "etcd", "forfeit-leadership"), {
      code: 1,
      stdout: "",
      stderr: `1 error occurred:\n\t* ${CP}: rpc error: code = Unknown desc = failed to forfeit leadership: cannot forfeit leadership, only one member\n\n\n`,
    });
  });

  it("reboot --wait=false reboots the node named through the endpoint", async () => {
    const boots = machines[1].boots;
    assert.deepStrictEqual(await admin("-e", CP, "-n", CP2, "reboot", "--wait=false"), {
      code: 0,
      stdout: "",
      stderr: "",
    });
    await until("grpc-cp2 rebooted", () => machines[1].boots === boots + 1);
  });

  it("reboot (waiting) is tracked through the event stream until the boot id changes", async () => {
    const boots = machines[0].boots;
    const run = await runTalosctl(
      bin,
      ["--talosconfig", "talosconfig", "-e", CP, "-n", CP, "reboot", "--progress=plain", "--timeout=60s"],
      dir,
      90000,
    );
    assert.strictEqual(run.code, 0, run.stderr);
    const lines = run.stderr.trimEnd().split("\n");
    assert.strictEqual(lines[0], `"${CP}": waiting for actor ID`);
    assert.ok(lines.includes(`"${CP}": sequence: reboot action: START`), run.stderr);
    assert.strictEqual(lines[lines.length - 1], `"${CP}": post check passed`);
    assert.strictEqual(machines[0].boots, boots + 1);
  });

  it("apply-config over mutual TLS: no-reboot, dry run with the diff, staged", async () => {
    const same = await admin("-e", CP, "-n", CP, "apply-config", "-f", "controlplane.yaml", "--mode=no-reboot");
    assert.deepStrictEqual(same, { code: 0, stdout: "", stderr: "Applied configuration without a reboot\n" });
    fs.writeFileSync(path.join(dir, "label.yaml"), "machine:\n  nodeLabels:\n    tier: gold\n");
    const dry = await admin(
      "-e",
      CP,
      "-n",
      CP,
      "apply-config",
      "-f",
      "controlplane.yaml",
      "-p",
      "@label.yaml",
      "--dry-run",
    );
    assert.strictEqual(dry.code, 0, dry.stderr);
    assert.ok(
      dry.stderr.startsWith(
        "Dry run summary:\nApplied configuration without a reboot (skipped in dry-run).\nConfig diff:\n\n--- a\n+++ b\n",
      ),
      dry.stderr,
    );
    assert.ok(dry.stderr.includes("\n+        tier: gold\n"), dry.stderr);
    const staged = await admin(
      "-e",
      CP,
      "-n",
      CP,
      "apply-config",
      "-f",
      "controlplane.yaml",
      "-p",
      "@label.yaml",
      "--mode=staged",
    );
    assert.deepStrictEqual(staged, {
      code: 0,
      stdout: "",
      stderr: "Staged configuration to be applied after the next reboot\n",
    });
  });

  it("a worker (no CA key of its own) serves mutual TLS with a certificate from the cluster's CA", async () => {
    const w = `${NET}.4`;
    assert.strictEqual((await talosctl(["apply-config", "--insecure", "-n", w, "-f", "worker.yaml"])).code, 0);
    await until("grpc-w1 configured", () => machines[2].boots >= 2 && rt.node("grpc-w1")?.maintenance === false);
    const run = await admin("-e", w, "-n", w, "version");
    assert.strictEqual(run.code, 0, run.stderr);
    assert.ok(run.stdout.includes(`Server:\n\tNODE:        ${w}\n\tTag:         v1.13.9\n`), run.stdout);
  });

  it("health runs the node's server-side checks, the Kubernetes ones against the simulated API: passes, then fails naming an unexpected node, a cordoned node, a control plane outside etcd", async () => {
    const w = `${NET}.4`;
    // grpc-cp2 left etcd (remove-member above), but its kubelet still registers a Kubernetes node,
    // which "all k8s nodes to report" expects to be listed: here as a worker, as it is outside etcd.
    const health = (workers: string) =>
      admin("-e", CP, "-n", CP, "health", "--wait-timeout=20s", "--control-plane-nodes", CP, "--worker-nodes", workers);
    const ok = await health(`${w},${CP2}`);
    assert.strictEqual(ok.code, 0, ok.stderr);
    const lines = ok.stderr.trimEnd().split("\n");
    assert.deepStrictEqual(
      [lines[0], ...lines.slice(-16).filter((l) => !l.endsWith(": ..."))],
      [
        `discovered nodes: ["${CP}" "${w}" "${CP2}"]`,
        "waiting for all nodes to finish boot sequence: OK",
        "waiting for all k8s nodes to report: OK",
        "waiting for all control plane static pods to be running: OK",
        "waiting for all control plane components to be ready: OK",
        "waiting for all k8s nodes to report ready: OK",
        "waiting for kube-proxy to report ready: OK",
        "waiting for coredns to report ready: OK",
        "waiting for all k8s nodes to report schedulable: OK",
      ],
    );
    const missing = await health(w);
    assert.strictEqual(missing.code, 1);
    assert.ok(
      missing.stderr.endsWith(
        `waiting for all k8s nodes to report: unexpected nodes with IPs ["${CP2}"]\nhealthcheck error: rpc error: code = DeadlineExceeded desc = context deadline exceeded\n`,
      ),
      missing.stderr,
    );
    const cordoned = rt.node("grpc-cp2")!.hostname;
    rt.kube("grpc").setUnschedulable(cordoned, true);
    const unschedulable = await health(`${w},${CP2}`);
    rt.kube("grpc").setUnschedulable(cordoned, false);
    assert.ok(
      unschedulable.stderr.endsWith(
        `waiting for all k8s nodes to report schedulable: some nodes are not schedulable: [${cordoned}]\nhealthcheck error: rpc error: code = DeadlineExceeded desc = context deadline exceeded\n`,
      ),
      unschedulable.stderr,
    );
    // grpc-cp2 left etcd (remove-member above) but is still a configured control plane.
    const bad = await admin(
      "-e",
      CP,
      "-n",
      CP,
      "health",
      "--wait-timeout=20s",
      "--control-plane-nodes",
      `${CP},${CP2}`,
      "--worker-nodes",
      w,
    );
    assert.strictEqual(bad.code, 1);
    assert.ok(
      bad.stderr.endsWith(
        `waiting for etcd members to be control plane nodes: etcd member ips ["${CP}"] are not subset of control plane node ips ["${CP}" "${CP2}"]\nhealthcheck error: rpc error: code = DeadlineExceeded desc = context deadline exceeded\n`,
      ),
      bad.stderr,
    );
  });

  it("reset as the library runs it (graceful, no reboot, waiting) is tracked until services stop; the machine powers off", async () => {
    const w = `${NET}.4`;
    const run = await runTalosctl(
      bin,
      [
        "--talosconfig",
        "talosconfig",
        "-e",
        w,
        "-n",
        w,
        "reset",
        "--graceful=true",
        "--reboot=false",
        "--wait=true",
        "--timeout=60s",
      ],
      dir,
      90000,
    );
    assert.strictEqual(run.code, 0, run.stderr);
    const lines = run.stderr.trimEnd().split("\n");
    assert.strictEqual(lines[0], `"${w}": waiting for actor ID`);
    assert.strictEqual(lines[lines.length - 1], `"${w}": events check condition met`);
    await until("grpc-w1 powered off", () => machines[2].status() === "off");
    assert.strictEqual(machines[2].state, null);
  });

  it("reset --reboot (waiting) is tracked until the node answers in maintenance mode", async () => {
    const boots = machines[1].boots;
    const run = await runTalosctl(
      bin,
      ["--talosconfig", "talosconfig", "-e", CP2, "-n", CP2, "reset", "--graceful=false", "--reboot", "--timeout=60s"],
      dir,
      90000,
    );
    assert.strictEqual(run.code, 0, run.stderr);
    const lines = run.stderr.trimEnd().split("\n");
    assert.strictEqual(lines[lines.length - 1], `"${CP2}": post check passed`);
    assert.strictEqual(machines[1].boots, boots + 1);
    assert.strictEqual(rt.node("grpc-cp2")?.maintenance, true);
  });
});
