/**
 * The stand-in's Talos-API commands against simulated nodes (contracts/talosctl.md §7–§12, §23):
 * apply-config --insecure in maintenance (v1.12 vs v1.13 texts), bootstrap twice, get -o json
 * envelope, version, kubeconfig -, unreachable node, wrong CA.
 * Does not prove: gRPC/TLS wire compatibility with a real talosctl (the simulator speaks HTTP+JSON).
 */
import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FakeWorld } from "../../../helpers/fake-world";
import { talosctlMain } from "../../../../provider/sim/talos/talosctl/main";
import { SimTalosRuntime, installTalosRuntime } from "../../../../provider/sim/talos/runtime";
import { TalosTestMachine, testMachineSpec } from "../../../../provider/sim/testing/talos-machine";

// Loopback addresses of this process's nodes (another process running these tests gets other ones).
const NET = `127.${150 + (process.pid % 50)}.77`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function talosctl(version: string, args: string[], cwd: string): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await talosctlMain(args, { HOME: cwd, TALOSCTL_SIM_VERSION: version }, cwd, {
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
  });
  return { code, stdout, stderr };
}

async function bootNode(world: FakeWorld, id: string, ip: string, version: string): Promise<TalosTestMachine> {
  const m = new TalosTestMachine(world, testMachineSpec(id, ip), {
    version,
    arch: "amd64",
    platform: "metal",
    schematic: "s",
  });
  world.machines.set(id, m);
  await m.start();
  return m;
}

/** Polls (bounded) until the machine's node is configured after an install reboot. */
async function waitConfigured(rt: SimTalosRuntime, m: TalosTestMachine): Promise<void> {
  for (let i = 0; i < 100 && !(m.boots >= 2 && rt.node(m.id) && !rt.node(m.id)!.maintenance); i++)
    await new Promise((r) => setTimeout(r, 20));
  await m.settled();
  assert.ok(!rt.node(m.id)!.maintenance, `${m.id} did not come up configured`);
}

describe("talosctl stand-in against simulated nodes", function () {
  this.timeout(60000);
  let world: FakeWorld;
  let rt: SimTalosRuntime;
  let dir: string;
  const machines: TalosTestMachine[] = [];

  before(() => {
    world = new FakeWorld(0.001);
    rt = installTalosRuntime(world);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "standin-api-"));
  });
  after(async () => {
    for (const m of machines) await m.destroy();
  });

  for (const [version, ip, expected] of [
    ["v1.12.4", `${NET}.2`, ""],
    ["v1.13.9", `${NET}.3`, "Applied configuration without a reboot\n"],
  ]) {
    it(`apply-config --insecure in maintenance prints ${expected ? "mode details" : "nothing"} on ${version}, then the node installs and reboots configured`, async () => {
      const m = await bootNode(world, `apply-${version}`, ip, version);
      machines.push(m);
      const d = fs.mkdtempSync(path.join(dir, "a-"));
      assert.strictEqual((await talosctl(version, ["gen", "config", "c", `https://${ip}:6443`], d)).code, 0);
      const dry = await talosctl(
        version,
        ["apply-config", "--insecure", "-n", ip, "-f", "controlplane.yaml", "--dry-run"],
        d,
      );
      if (version === "v1.12.4")
        assert.strictEqual(
          dry.stderr,
          "Dry run summary:\nNode is running in maintenance mode and does not have a config yet.\n",
        );
      else
        assert.ok(
          dry.stderr.startsWith(
            "Dry run summary:\nApplied configuration without a reboot (skipped in dry-run).\nConfig diff:\n\n--- a\n+++ b\n@@ -0,0 +1,",
          ),
          dry.stderr.slice(0, 300),
        );
      if (version === "v1.12.4") {
        const staged = await talosctl(
          version,
          ["apply-config", "--insecure", "-n", ip, "-f", "controlplane.yaml", "-m", "staged"],
          d,
        );
        assert.strictEqual(
          staged.stderr,
          "error applying new configuration: rpc error: code = Unimplemented desc = apply configuration --mode='staged' is not supported in maintenance mode\n",
        );
      }
      assert.deepStrictEqual(
        await talosctl(version, ["apply-config", "--insecure", "-n", ip, "-f", "controlplane.yaml"], d),
        { code: 0, stdout: "", stderr: expected },
      );
      await waitConfigured(rt, m);
      const v = await talosctl(version, ["version", "--talosconfig", "talosconfig", "-e", ip, "-n", ip], d);
      assert.ok(v.stdout.includes(`Server:\n\tNODE:        ${ip}\n\tTag:         ${version}\n`), v.stdout + v.stderr);
    });
  }

  it("bootstrap twice: the second fails with the exact AlreadyExists text; get -o json envelope; kubeconfig -", async () => {
    const ip = `${NET}.3`;
    const d = fs
      .readdirSync(dir)
      .map((x) => path.join(dir, x))
      .find((x) => fs.readFileSync(path.join(x, "controlplane.yaml"), "utf8").includes(ip)) as string;
    const tc = ["--talosconfig", "talosconfig", "-e", ip, "-n", ip];
    const first = await talosctl("v1.13.9", ["bootstrap", ...tc], d);
    assert.deepStrictEqual(first, { code: 0, stdout: "", stderr: "" });
    assert.deepStrictEqual(await talosctl("v1.13.9", ["bootstrap", ...tc], d), {
      code: 1,
      stdout: "",
      stderr: `error executing bootstrap: 1 error occurred:\n\t* ${ip}: rpc error: code = AlreadyExists desc = etcd data directory is not empty\n\n\n`,
    });
    const got = await talosctl("v1.13.9", ["get", "machineconfig", "v1alpha1", "-o", "json", ...tc], d);
    assert.strictEqual(got.code, 0, got.stderr);
    const obj = JSON.parse(got.stdout);
    assert.deepStrictEqual(Object.keys(obj), ["metadata", "node", "spec"]);
    assert.deepStrictEqual(Object.keys(obj.metadata), [
      "annotations",
      "created",
      "id",
      "namespace",
      "owner",
      "phase",
      "type",
      "updated",
      "version",
    ]);
    assert.deepStrictEqual(
      [obj.node, obj.metadata.owner, obj.metadata.annotations, obj.metadata.type, typeof obj.metadata.version],
      [ip, null, { "talos.dev/yaml-spec": 1 }, "MachineConfigs.config.talos.dev", "number"],
    );
    assert.strictEqual(obj.spec, fs.readFileSync(path.join(d, "controlplane.yaml"), "utf8"));
    assert.ok(
      got.stdout.startsWith(
        '{\n    "metadata": {\n        "annotations": {\n            "talos.dev/yaml-spec": 1\n        },\n        "created": "',
      ),
    );
    assert.ok(got.stdout.endsWith('"\n}\n'));
    const kc = await talosctl("v1.13.9", ["kubeconfig", "-", ...tc], d);
    assert.strictEqual(kc.code, 0, kc.stderr);
    assert.ok(
      kc.stdout.startsWith(
        `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://${ip}:6443\n`,
      ),
      kc.stdout.slice(0, 200),
    );
    assert.ok(kc.stdout.endsWith("  name: admin@c\ncurrent-context: admin@c\n"));
    const caB64 = /certificate-authority-data: (\S+)/.exec(kc.stdout)![1];
    const crtB64 = /client-certificate-data: (\S+)/.exec(kc.stdout)![1];
    const ca = new crypto.X509Certificate(Buffer.from(caB64, "base64").toString());
    const crt = new crypto.X509Certificate(Buffer.from(crtB64, "base64").toString());
    assert.ok(crt.verify(ca.publicKey));
    assert.strictEqual(crt.subject, "O=system:masters\nCN=admin");
  });

  it("upgrade with a v1.13 client on a v1.12 node: legacy fallback, tracker lines, new version after the reboot", async () => {
    const ip = `${NET}.2`;
    const d = fs
      .readdirSync(dir)
      .map((x) => path.join(dir, x))
      .find((x) => fs.readFileSync(path.join(x, "controlplane.yaml"), "utf8").includes(`${ip}:6443`)) as string;
    const tc = ["--talosconfig", "talosconfig", "-e", ip, "-n", ip];
    const r = await talosctl("v1.13.9", ["upgrade", ...tc, "--image", "factory.talos.dev/installer/s:v1.13.9"], d);
    const q = JSON.stringify(ip);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `^New upgrade API is not available, falling back to legacy\n${q}: waiting for actor ID\n${q}: actor ID: [0-9a-f-]{36}\n${q}: post check passed\n$`.replace(
          /\./g,
          "\\.",
        ),
      ),
    );
    assert.ok(
      (await talosctl("v1.13.9", ["version", ...tc], d)).stdout.includes(
        `\tNODE:        ${ip}\n\tTag:         v1.13.9\n`,
      ),
    );
  });

  it("an unreachable node and a talosconfig of another cluster fail with grpc-go texts", async () => {
    const d = fs.mkdtempSync(path.join(dir, "u-"));
    assert.deepStrictEqual(await talosctl("v1.13.9", ["version", "--insecure", "-n", `${NET}.99`], d), {
      code: 1,
      stdout: `Client:\n${(await talosctl("v1.13.9", ["version", "--client"], d)).stdout.slice(8)}Server:\n`,
      stderr: `error getting version: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp ${NET}.99:50000: connect: connection refused"\n`,
    });
    await talosctl("v1.13.9", ["gen", "config", "other", "https://x:6443"], d);
    const r = await talosctl(
      "v1.13.9",
      ["bootstrap", "--talosconfig", "talosconfig", "-e", `${NET}.3`, "-n", `${NET}.3`],
      d,
    );
    assert.strictEqual(
      r.stderr,
      'error executing bootstrap: rpc error: code = Unavailable desc = connection error: desc = "transport: authentication handshake failed: tls: failed to verify certificate: x509: certificate signed by unknown authority"\n',
    );
    const none = await talosctl("v1.13.9", ["get", "disks", "--talosconfig", "talosconfig", "-e", `${NET}.3`], d);
    // The text contains "command" and "flag", so talosctl's heuristic dumps the usage too (contract §1).
    assert.ok(
      none.stderr.startsWith(
        "nodes are not set for the command: please use `--nodes` flag or configuration file to set the nodes to run the command against\n\nUsage:\n  talosctl get <type> [<id>] [flags]\n",
      ),
      none.stderr,
    );
  });
});
