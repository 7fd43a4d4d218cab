/**
 * KubeSpan peer state as Talos reports it, read with the real talosctl: a peer publishes every
 * node address (a Hetzner Cloud node its IPv4 and IPv6), a new endpoint is `unknown` until the
 * 15 s connection timeout, then `down`; on the manager's next tick the next published endpoint is
 * tried; once the firewall admits UDP 51820 the handshake gets through and the peer is `up`.
 * Runs at a fifth of Talos's pace (15 s → 3 s, ticks every 6 s).
 * Does not prove: the 275 s down interval after handshakes stop, or pod CIDRs in allowedIPs.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FakeWorld } from "../../../../helpers/fake-world";
import { realTalosctlPath, runTalosctl, TalosctlRun } from "../../../../helpers/real-talosctl";
import { parseJsonStream } from "../../../../../provider/talos/talosctl";
import { SimTalosRuntime, installTalosRuntime } from "../../../../../provider/sim/talos/runtime";
import { TalosTestMachine, testMachineSpec } from "../../../../../provider/sim/testing/talos-machine";
import { missingRealApi, untilValue } from "./support";

const NET = `127.${150 + (process.pid % 50)}.93`;
const CP = `${NET}.2`;
const W = `${NET}.3`;
const W6 = "2a01:4f8:c0c:1234::1";
const ZERO = "0001-01-01T00:00:00Z";

type Status = {
  endpoint: string;
  state: string;
  lastUsedEndpoint: string;
  lastEndpointChange: string;
  lastHandshakeTime: string;
  receiveBytes: number;
};

describe("KubeSpan peer state over the real talosctl (Talos's timings)", function () {
  this.timeout(120000);
  let dir: string;
  let bin: string;
  let rt: SimTalosRuntime;
  const machines: TalosTestMachine[] = [];
  const admin = (...args: string[]): Promise<TalosctlRun> =>
    runTalosctl(bin, ["--talosconfig", "talosconfig", "-e", CP, ...args], dir);
  const one = async (type: string, node: string) => {
    const run = await admin("-n", node, "get", type, "-o", "json");
    assert.strictEqual(run.code, 0, run.stderr);
    const [r] = parseJsonStream(run.stdout) as { spec: unknown }[];
    return r.spec;
  };
  const status = (node: string) => one("kubespanpeerstatuses", node) as Promise<Status>;

  before(async function () {
    const why = missingRealApi("definitions");
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    bin = realTalosctlPath() as string;
    const world = new FakeWorld(0.2);
    rt = installTalosRuntime(world);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "grpc-kubespan-"));
    const image = { version: "v1.13.9", arch: "amd64" as const, schematic: "s" };
    const cp = new TalosTestMachine(world, testMachineSpec("ks-cp", CP), { ...image, platform: "metal" });
    const cloud = new TalosTestMachine(
      world,
      { ...testMachineSpec("ks-cloud", W), kind: "cloud", ipv6Net: "2a01:4f8:c0c:1234::/64" },
      { ...image, platform: "hcloud" },
    );
    // The cloud server's firewall drops KubeSpan until the test opens it.
    cloud.setInboundFilter((proto, port) => !(proto === "udp" && port === 51820));
    for (const m of [cp, cloud]) {
      world.machines.set(m.id, m);
      machines.push(m);
      await m.start();
    }
    const gen = await runTalosctl(bin, ["gen", "config", "ks", `https://${CP}:6443`, "--with-kubespan"], dir);
    assert.strictEqual(gen.code, 0, gen.stderr);
    for (const [ip, file] of [
      [CP, "controlplane.yaml"],
      [W, "worker.yaml"],
    ]) {
      const run = await runTalosctl(bin, ["apply-config", "--insecure", "-n", ip, "-f", file], dir);
      assert.strictEqual(run.code, 0, run.stderr);
    }
    await untilValue(
      "both configured",
      async () => machines.map((m) => rt.node(m.id)?.maintenance),
      (v) => v.every((m) => m === false),
    );
  });
  after(async () => {
    for (const m of machines) await m.destroy();
  });

  it("the cloud peer publishes its IPv4 and IPv6 endpoints; both and its KubeSpan address are routed to it", async () => {
    const spec = (await one("kubespanpeerspecs", CP)) as { address: string; allowedIPs: string[]; endpoints: string[] };
    assert.deepStrictEqual(spec.endpoints, [`${W}:51820`, `[${W6}]:51820`]);
    assert.deepStrictEqual(spec.allowedIPs, [`${W}/32`, `${W6}/128`, `${spec.address}/128`]);
    assert.match(spec.address, /^fd/);
  });

  it("a new endpoint is unknown without a handshake, down after the connection timeout", async () => {
    const first = await status(CP);
    assert.deepStrictEqual(
      [first.state, first.endpoint, first.lastUsedEndpoint, first.lastHandshakeTime, first.receiveBytes],
      ["unknown", `${W}:51820`, `${W}:51820`, ZERO, 0],
    );
    const down = await untilValue(
      "down",
      () => status(CP),
      (s) => s.state === "down",
    );
    assert.deepStrictEqual([down.endpoint, down.lastEndpointChange], [`${W}:51820`, first.lastEndpointChange]);
  });

  it("on the next tick the manager tries the peer's next endpoint (IPv6), unknown again", async () => {
    const next = await untilValue(
      "rotated",
      () => status(CP),
      (s) => s.lastUsedEndpoint !== `${W}:51820`,
    );
    assert.deepStrictEqual([next.endpoint, next.lastUsedEndpoint], [`[${W6}]:51820`, `[${W6}]:51820`]);
    assert.ok(["unknown", "down"].includes(next.state), next.state);
  });

  it("a peer with one endpoint stays on it; once the firewall admits UDP 51820 both sides are up", async () => {
    const fromCloud = await untilValue(
      "cloud sees cp down",
      () => status(W),
      (s) => s.state === "down",
    );
    assert.deepStrictEqual([fromCloud.endpoint, fromCloud.lastHandshakeTime], [`${CP}:51820`, ZERO]);
    machines[1].setInboundFilter(undefined);
    const back = await untilValue(
      "cloud sees cp up",
      () => status(W),
      (s) => s.state === "up",
    );
    assert.deepStrictEqual([back.endpoint, back.lastEndpointChange], [`${CP}:51820`, fromCloud.lastEndpointChange]);
    assert.ok(back.receiveBytes > 0 && back.lastHandshakeTime !== ZERO, JSON.stringify(back));
    // The control plane's side gets there through IPv6 failing (it has no IPv6) and rotating back to IPv4.
    const cpSide = await untilValue(
      "cp sees cloud up",
      () => status(CP),
      (s) => s.state === "up",
    );
    assert.strictEqual(cpSide.endpoint, `${W}:51820`);
  });
});
