/**
 * etcd membership as the real talosctl sees it from simulated nodes: before bootstrap a control
 * plane has no etcd to ask, a worker refuses the etcd API, and a second control plane joins only
 * through the firewalls — added (as a learner, unstarted: no name, no client URL) once the members'
 * TCP 2379 admits it, started and promoted once TCP 2380 connects both ways.
 * Does not prove: learner promotion waiting for the raft log to catch up, or quorum loss.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FakeWorld } from "../../../../helpers/fake-world";
import { realTalosctlPath, runTalosctl, TalosctlRun } from "../../../../helpers/real-talosctl";
import { SimTalosRuntime, installTalosRuntime } from "../../../../../provider/sim/talos/runtime";
import { TalosTestMachine, testMachineSpec } from "../../../../../provider/sim/testing/talos-machine";
import { missingRealApi, untilValue } from "./support";

const NET = `127.${150 + (process.pid % 50)}.94`;
const CP = `${NET}.2`;
const CP2 = `${NET}.3`;
const W = `${NET}.4`;

/** A tabwriter table as rows of cells, cut at the header's column starts (cells may be empty). */
function table(stdout: string): string[][] {
  const [header, ...rows] = stdout.trimEnd().split("\n");
  const starts = [...header.matchAll(/(?:^|\s{2,})(\S)/g)].map((m) => (m.index ?? 0) + m[0].length - 1);
  return [header, ...rows].map((l) => starts.map((s, i) => l.slice(s, starts[i + 1]).trim()));
}

describe("etcd membership through the firewalls, read with the real talosctl", function () {
  this.timeout(120000);
  let dir: string;
  let bin: string;
  let rt: SimTalosRuntime;
  const machines: TalosTestMachine[] = [];
  const talosctl = (args: string[]): Promise<TalosctlRun> => runTalosctl(bin, args, dir);
  const admin = (...args: string[]) => talosctl(["--talosconfig", "talosconfig", "-e", CP, ...args]);
  const configure = async (i: number, ip: string, file: string) => {
    const run = await talosctl(["apply-config", "--insecure", "-n", ip, "-f", file]);
    assert.strictEqual(run.code, 0, run.stderr);
    await untilValue(
      `${ip} configured`,
      async () => rt.node(machines[i].id)?.maintenance,
      (m) => m === false,
    );
  };
  const members = async () => {
    const run = await admin("-n", CP, "etcd", "members");
    assert.strictEqual(run.code, 0, run.stderr);
    return table(run.stdout).slice(1);
  };

  before(async function () {
    const why = missingRealApi();
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    bin = realTalosctlPath() as string;
    const world = new FakeWorld(0.01);
    rt = installTalosRuntime(world);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "grpc-etcd-"));
    for (const [id, ip] of [
      ["etcd-cp1", CP],
      ["etcd-cp2", CP2],
      ["etcd-w1", W],
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
    assert.strictEqual((await talosctl(["gen", "config", "etcd", `https://${CP}:6443`])).code, 0);
    await configure(0, CP, "controlplane.yaml");
  });
  after(async () => {
    for (const m of machines) await m.destroy();
  });

  const id = (i: number) => rt.node(machines[i].id)!.saved.etcd!.memberId;
  const host = (i: number) => rt.node(machines[i].id)!.hostname;

  it("before bootstrap the control plane has no etcd to ask: its client port refuses", async () => {
    assert.deepStrictEqual(await admin("-n", CP, "etcd", "members"), {
      code: 1,
      stdout: "",
      stderr: `error getting members: 1 error occurred:\n\t* ${CP}: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp ${CP}:2379: connect: connection refused"\n\n\n`,
    });
  });

  it("a worker refuses the etcd API as Talos does (Unimplemented)", async () => {
    await configure(2, W, "worker.yaml");
    assert.deepStrictEqual(await admin("-n", W, "etcd", "members"), {
      code: 1,
      stdout: "",
      stderr: `error getting members: 1 error occurred:\n\t* ${W}: rpc error: code = Unimplemented desc = member list is only available on control plane nodes\n\n\n`,
    });
  });

  it("a second control plane whose TCP 2379/2380 the member's firewall drops is not added", async () => {
    await untilValue(
      "bootstrapped",
      () => admin("-n", CP, "bootstrap"),
      (r) => r.code === 0,
    );
    machines[0].setInboundFilter(
      (proto, port, ip) => !(proto === "tcp" && (port === 2379 || port === 2380) && ip === CP2),
    );
    await configure(1, CP2, "controlplane.yaml");
    await new Promise((r) => setTimeout(r, 300)); // several of the etcd service's retries
    assert.deepStrictEqual(await members(), [
      [CP, id(0), host(0), `https://${CP}:2380`, `https://${CP}:2379`, "false"],
    ]);
    assert.strictEqual(rt.node(machines[1].id)!.saved.etcd, undefined);
  });

  it("with 2379 open it is added as an unstarted learner; with 2380 open too it is started and promoted", async () => {
    machines[0].setInboundFilter((proto, port, ip) => !(proto === "tcp" && port === 2380 && ip === CP2));
    const first = [CP, id(0), host(0), `https://${CP}:2380`, `https://${CP}:2379`, "false"];
    const learner = await untilValue("learner", members, (rows) => rows.length === 2);
    assert.deepStrictEqual(learner, [first, [CP, id(1), "", `https://${CP2}:2380`, "", "true"]]);
    machines[0].setInboundFilter(undefined);
    const promoted = await untilValue("promoted", members, (rows) => rows[1][5] === "false");
    assert.deepStrictEqual(promoted, [
      first,
      [CP, id(1), host(1), `https://${CP2}:2380`, `https://${CP2}:2379`, "false"],
    ]);
  });
});
