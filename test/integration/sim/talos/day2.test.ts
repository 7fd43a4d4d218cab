/**
 * Day-2 operations through the library's Talosctl wrapper and the stand-in against a simulated
 * bootstrapped cluster (3 control planes + 1 worker on v1.12.4): installer images the registry does
 * not have (legacy and v1.13 paths, node untouched), the etcd upgrade check, a v1.12 → v1.13 upgrade
 * (version and journal), the hang-after-upgrade fault (tracker deadline names the node), the v1.13
 * streaming path, upgrade-k8s (dry run, real, unsupported path) and etcd remove-member.
 * Does not prove: real Talos/Kubernetes timing, image pulls or pod restarts (upgrade-k8s only patches configs).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FakeWorld } from "../../../helpers/fake-world";
import { isError } from "../../../../provider/internal/errors";
import { retry } from "../../../../provider/internal/retry";
import { talosctlMain } from "../../../../provider/sim/talos/talosctl/main";
import { SimTalosRuntime, installTalosRuntime, talosctlPath } from "../../../../provider/sim/talos/runtime";
import { chooseTalosctl } from "../../../../provider/sim/talos/talosctl-binary";
import { TalosTestMachine, testMachineSpec } from "../../../../provider/sim/testing/talos-machine";
import { TalosApiError, Talosctl } from "../../../../provider/talos/talosctl";

const NET = `127.${150 + (process.pid % 50)}.79`;
const [CP1, CP2, CP3, W] = [2, 3, 4, 5].map((i) => `${NET}.${i}`);
const FACTORY = (schematic: string, tag: string) => `factory.talos.dev/metal-installer/${schematic}:${tag}`;

describe("Talos day-2 operations in the simulator", function () {
  this.timeout(90000);
  let rt: SimTalosRuntime;
  let talosconfig: string;
  const machines: TalosTestMachine[] = [];
  const env = { ...process.env, TALOSCTL_SIM_VERSION: "v1.13.9" };
  // The real client over the nodes' Talos API when built, else the stand-in; upgrade-k8s stays on the
  // stand-in until the simulated nodes serve what the real one reads (COSI state, Kubernetes).
  const client = chooseTalosctl();
  const t = Talosctl.locate({ binary: client.path, env });
  const k8s = Talosctl.locate({ binary: talosctlPath(), env });
  const secure = (node: string) => ({ node, endpoints: [CP1], talosconfig });
  const node = (ip: string) => rt.nodeByAddress(ip)!;
  const byIp = (ip: string) => machines.find((m) => m.spec.ipv4 === ip)!;
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => assert.fail("expected a failure"),
      (e: Error) => e,
    );

  before(async () => {
    console.log(`      talosctl: ${client.kind} (${client.path})`);
    const world = new FakeWorld(0.001);
    rt = installTalosRuntime(world);
    const secretsYaml = await t.genSecrets("v1.12.4");
    const cfg = await t.genConfig({
      clusterName: "day2",
      endpoint: `https://${CP1}:6443`,
      secretsYaml,
      talosVersion: "v1.12.4",
      kubernetesVersion: "1.35.0",
      installImage: FACTORY("s", "v1.12.4"),
      installDisk: "/dev/sda",
    });
    talosconfig = cfg.talosconfig;
    for (const [i, ip] of [CP1, CP2, CP3, W].entries()) {
      const m = new TalosTestMachine(world, testMachineSpec(`day2-${i}`, ip), {
        version: "v1.12.4",
        arch: "amd64",
        platform: "metal",
        schematic: "s",
      });
      m.state = ip === W ? cfg.worker : cfg.controlplane;
      machines.push(m);
      await m.start();
    }
    await retry(() => t.bootstrap(secure(CP1)), {
      attempts: 40,
      initialMs: 20,
      retryable: (e) => isError(e, "TalosApiError") && (e as TalosApiError).grpcCode === "FailedPrecondition",
    });
    assert.strictEqual((await t.etcdMembers(secure(CP1))).length, 3);
  });
  after(async () => {
    for (const m of machines) await m.destroy();
  });

  for (const [what, image] of [
    ["an unknown version", "ghcr.io/siderolabs/installer:v1.13.99"],
    ["an unknown schematic", FACTORY("a".repeat(64), "v1.13.9")],
  ]) {
    it(`legacy path: ${what} fails with containerd's not-found text and leaves the node untouched`, async () => {
      const before = rt.journal.length;
      const err = (await failure(t.upgrade({ ...secure(CP1), image, timeoutMs: 10000 }))) as TalosApiError;
      const detail = `error validating installer image "${image}": failed to resolve reference "${image}": ${image}: not found`;
      assert.deepStrictEqual([err.name, err.node, err.grpcCode, err.detail], ["TalosApiError", CP1, "Unknown", detail]);
      assert.strictEqual(node(CP1).version.tag, "v1.12.4");
      assert.deepStrictEqual(rt.journal.slice(before), []);
    });
  }

  it("legacy path: refuses a control-plane upgrade while another etcd member is down", async () => {
    const cp3 = byIp(CP3);
    const memberId = node(CP3).saved.etcd!.memberId;
    cp3.powerOff();
    await cp3.settled();
    const err = (await failure(
      t.upgrade({ ...secure(CP2), image: FACTORY("s", "v1.13.9"), timeoutMs: 10000 }),
    )) as TalosApiError;
    assert.strictEqual(
      err.message,
      `talosctl upgrade failed on node ${CP2}: Unknown: error validating etcd for upgrade: etcd member ${memberId} is not healthy; all members must be healthy to perform an upgrade: context deadline exceeded`,
    );
    await cp3.start();
  });

  it("upgrades v1.12.4 → v1.13.9 on the legacy path: the node reboots into the new version, the journal records it", async () => {
    const before = rt.journal.length;
    await t.upgrade({ ...secure(CP1), image: FACTORY("s", "v1.13.9"), timeoutMs: 20000 });
    await byIp(CP1).settled();
    assert.strictEqual((await t.version(secure(CP1))).tag, "v1.13.9");
    const host = node(CP1).hostname;
    assert.deepStrictEqual(
      rt.journal.slice(before).map((j) => [j.machineId, j.hostname, j.event, j.version]),
      [
        ["day2-0", host, "upgrade", "v1.13.9"],
        ["day2-0", host, "boot", "v1.13.9"],
      ],
    );
  });

  it("hangAfterUpgrade: the node boots the new version but never answers; the tracker's deadline names the node", async () => {
    rt.faults.hangAfterUpgrade.add("day2-1");
    const err = await failure(t.upgrade({ ...secure(CP2), image: FACTORY("s", "v1.13.9"), timeoutMs: 2000 }));
    assert.strictEqual(
      err.message,
      `talosctl upgrade failed on node ${CP2} (exit 1): the node did not answer again before talosctl's --timeout (tracker: unavailable, retrying...)`,
    );
    assert.strictEqual(node(CP2).version.tag, "v1.13.9");
    const down = (await failure(t.version(secure(CP2)))) as TalosApiError;
    assert.deepStrictEqual([down.grpcCode, down.node], ["Unavailable", CP2]);
    rt.faults.hangAfterUpgrade.delete("day2-1");
    assert.strictEqual((await t.version(secure(CP2))).tag, "v1.13.9");
  });

  it("v1.13 streaming path: pull error names the node; an upgrade pulls, upgrades and reboots with the tracker", async () => {
    const missing = FACTORY("s", "v1.13.10");
    const run = await standin([
      "upgrade",
      "--talosconfig",
      "tc",
      "-e",
      CP1,
      "-n",
      CP1,
      "--image",
      missing,
      "--drain=false",
    ]);
    assert.deepStrictEqual(run, {
      code: 1,
      stdout: "",
      stderr: `error pulling upgrade image: error from node ${CP1}: rpc error: code = NotFound desc = failed to resolve reference "${missing}": ${missing}: not found\n`,
    });
    const before = rt.journal.length;
    const ok = await standin([
      "upgrade",
      "--talosconfig",
      "tc",
      "-e",
      CP1,
      "-n",
      CP1,
      "--image",
      FACTORY("s", "v1.13.8"),
      "--drain=false",
    ]);
    const q = JSON.stringify(CP1);
    assert.strictEqual(ok.code, 0, ok.stderr);
    assert.match(
      ok.stderr,
      new RegExp(
        `^${CP1}: upgrade completed\n${q}: waiting for actor ID\n${q}: actor ID: [0-9a-f-]{36}\n${q}: post check passed\n$`.replace(
          /\./g,
          "\\.",
        ),
      ),
    );
    await byIp(CP1).settled();
    assert.deepStrictEqual(
      rt.journal.slice(before).map((j) => [j.event, j.version]),
      [
        ["upgrade", "v1.13.8"],
        ["reboot", "v1.13.9"],
        ["boot", "v1.13.8"],
      ],
    );
  });

  it("the library's upgrade of a v1.13 node: a missing image fails at the pull as NotFound naming the node; an existing one lands", async () => {
    const missing = FACTORY("s", "v1.13.10");
    const err = (await failure(t.upgrade({ ...secure(CP1), image: missing, timeoutMs: 10000 }))) as TalosApiError;
    assert.deepStrictEqual(
      [err.name, err.node, err.grpcCode, err.detail],
      ["TalosApiError", CP1, "NotFound", `failed to resolve reference "${missing}": ${missing}: not found`],
    );
    assert.strictEqual(node(CP1).version.tag, "v1.13.8");
    await t.upgrade({ ...secure(CP1), image: FACTORY("s", "v1.13.9"), timeoutMs: 20000 });
    await byIp(CP1).settled();
    assert.strictEqual((await t.version(secure(CP1))).tag, "v1.13.9");
  });

  it("upgrade-k8s: --dry-run prints the plan and changes nothing; the real run patches every node's active and persistent config", async () => {
    // 1.35.4, not 1.36: CP3 and the worker still run Talos v1.12.4, which rejects Kubernetes 1.36 images (v1.12 runs 1.30–1.35).
    const dry = await k8s.upgradeK8s({ ...secure(CP1), to: "1.35.4", dryRun: true });
    assert.deepStrictEqual(dry, k8sLines(true));
    assert.ok(machines.every((m) => node(m.spec.ipv4!).active!.text.includes("kubelet:v1.35.0")));
    assert.deepStrictEqual(await k8s.upgradeK8s({ ...secure(CP1), to: "1.35.4" }), k8sLines(false));
    for (const m of machines) {
      const n = node(m.spec.ipv4!);
      for (const text of [n.active!.text, n.persistent!]) {
        assert.match(text, /image: ghcr\.io\/siderolabs\/kubelet:v1\.35\.4\n/, m.id);
        if (m.spec.ipv4 !== W)
          assert.match(
            text,
            /image: registry\.k8s\.io\/kube-apiserver:v1\.35\.4\n[\s\S]*image: registry\.k8s\.io\/kube-proxy:v1\.35\.4\n/,
            m.id,
          );
      }
    }
  });

  it("upgrade-k8s refuses an unsupported path with go-kubernetes's text", async () => {
    const err = await failure(k8s.upgradeK8s({ ...secure(CP1), from: "1.34.0", to: "1.36.0" }));
    assert.strictEqual(
      err.message,
      `talosctl upgrade-k8s failed on node ${CP1} (exit 1): unsupported upgrade path 1.34->1.36 (from "1.34.0" to "1.36.0")`,
    );
    const run = await standin(["upgrade-k8s", "--talosconfig", "tc", "-e", CP1, "-n", CP1, "--to", "1.38.0"]);
    assert.deepStrictEqual(run, {
      code: 1,
      stdout: "automatically detected the lowest Kubernetes version 1.35.4\n",
      stderr: 'unsupported upgrade path 1.35->1.38 (from "1.35.4" to "1.38.0")\n',
    });
  });

  it("etcd remove-member by hex id; an unknown id is etcd's member-not-found", async () => {
    const members = await t.etcdMembers(secure(CP1));
    const gone = members.find((m) => m.hostname === node(CP3).hostname)!;
    await t.etcdRemoveMember({ ...secure(CP1), memberId: gone.id });
    assert.deepStrictEqual(
      (await t.etcdMembers(secure(CP1))).map((m) => m.id).sort(),
      members
        .filter((m) => m !== gone)
        .map((m) => m.id)
        .sort(),
    );
    const err = (await failure(t.etcdRemoveMember({ ...secure(CP1), memberId: "00000000000000ff" }))) as TalosApiError;
    assert.deepStrictEqual(
      [err.node, err.grpcCode, err.detail],
      [CP1, "NotFound", "failed to remove member 255: etcdserver: member not found"],
    );
    await t.etcdForfeitLeadership(secure(CP1));
  });

  async function standin(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "day2-"));
    fs.writeFileSync(path.join(dir, "tc"), talosconfig);
    let stdout = "";
    let stderr = "";
    const code = await talosctlMain(args, { HOME: dir, TALOSCTL_SIM_VERSION: "v1.13.9" }, dir, {
      out: (s) => void (stdout += s),
      err: (s) => void (stderr += s),
    });
    return { code, stdout, stderr };
  }

  function k8sLines(dry: boolean): string[] {
    const q = (ip: string) => JSON.stringify(ip);
    const out = [
      "automatically detected the lowest Kubernetes version 1.35.0",
      `discovered controlplane nodes ${sortedQ([CP1, CP2, CP3])}`,
      `discovered worker nodes ${sortedQ([W])}`,
    ];
    const cps = orderOf([CP1, CP2, CP3]);
    const done = (ip: string, wait: string[]) =>
      dry ? [] : [` > ${q(ip)}: machine configuration patched`, ...wait, ` < ${q(ip)}: successfully updated`];
    for (const svc of ["kube-apiserver", "kube-controller-manager", "kube-scheduler"]) {
      out.push(`updating "${svc}" to version "1.35.4"`);
      for (const ip of cps)
        out.push(
          ` > ${q(ip)}: starting update`,
          ` > update ${svc}: 1.35.0 -> 1.35.4`,
          ...(dry ? [" > skipped in dry-run"] : []),
          ...done(ip, [` > ${q(ip)}: waiting for ${svc} pod update`]),
        );
    }
    out.push('updating kube-proxy to version "1.35.4"');
    for (const ip of cps) out.push(` > ${q(ip)}: starting update`, ...(dry ? [" > skipped in dry-run"] : []));
    out.push('updating kubelet to version "1.35.4"');
    for (const ip of [...cps, W])
      out.push(
        ` > ${q(ip)}: starting update`,
        " > update kubelet: 1.35.0 -> 1.35.4",
        ...(dry ? [" > skipped in dry-run"] : []),
        ...done(ip, [` > ${q(ip)}: waiting for kubelet restart`, ` > ${q(ip)}: waiting for node update`]),
      );
    return out;
  }

  // Nodes are listed like Kubernetes lists them: by node name (hostname).
  function orderOf(ips: string[]): string[] {
    return [...ips].sort((a, b) => node(a).hostname.localeCompare(node(b).hostname));
  }
  function sortedQ(ips: string[]): string {
    return `[${orderOf(ips)
      .map((ip) => JSON.stringify(ip))
      .join(" ")}]`;
  }
});
