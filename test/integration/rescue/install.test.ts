/**
 * End to end through the simulated world: a Robot machine is armed and reset into its rescue system,
 * a RescueSession streams a synthetic Talos image from the image factory with the real pipeline
 * (`curl | xz -d | dd` under pipefail) and reboots; the machine then boots Talos in maintenance mode.
 * A truncated download and a 404 fail the pipeline with RescueCommandError and the machine does not
 * boot Talos.
 * Does not prove: the library's RobotServer flow (Robot API, disk choice, safety checks), nor Talos
 * behaviour after boot (the Talos runtime here is a stub that records boots).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { isError } from "../../../provider/internal/errors";
import { pollUntil } from "../../../provider/internal/poll";
import { RescueCommandError, RescueSession } from "../../../provider/rescue/session";
import { generateEd25519KeyPair } from "../../../provider/rescue/session-keys";
import { FactorySim, imageUrl, startFactorySim } from "../../../provider/sim/apis/factory/server";
import { rescueSkipReason } from "../../../provider/sim/machines/rescue/support";
import { robotServerScenario } from "../../../provider/sim/apis/robot/scenario";
import { MachineStatus, SimMachine, TalosBoot } from "../../../provider/sim/types";
import { World, createWorld } from "../../../provider/sim/world";

// Loopback addresses of this process's machines: another process running these tests at the same time gets other ones.
const NET = `127.${200 + (process.pid % 50)}.4`;

const KEY = generateEd25519KeyPair();
const EMPTY_SCHEMATIC = "376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba";
const SETTLE = { initialMs: 10, maxMs: 50, jitter: 0 };

describe("rescue install end to end (world, factory, rescue, Talos boot)", function () {
  this.timeout(120_000);
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "rescue-install-"));
  let world: World;
  let factory: FactorySim;
  const boots: { machine: string; config: string | null; version: string }[] = [];

  before(async function () {
    const reason = rescueSkipReason();
    if (reason) {
      console.log(`    skipped: ${reason}`);
      return this.skip();
    }
    world = await createWorld({ timeScale: 0.001, stateDir });
    world.talosRuntime = {
      boot: async (m: SimMachine, b: TalosBoot) => {
        boots.push({ machine: m.id, config: b.config, version: b.image.version });
        return { stop: async () => undefined };
      },
    };
    factory = await startFactorySim(world, {}, "127.0.0.1");
  });
  after(async () => {
    await factory?.stop();
    await world?.close();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  /** Creates machine `n`, boots it into rescue and returns it with a verified session. */
  async function inRescue(n: number): Promise<{ m: SimMachine; s: RescueSession }> {
    const spec = robotServerScenario(n, {
      machine: { id: `install-${n}`, ipv4: `${NET}.${n}`, gateway: `${NET}.1` },
    }).machine;
    const m = await world.createMachine(spec);
    await waitFor(m, "no-os");
    m.armRescue({ authorizedKeys: [KEY.public], password: "install-pw" });
    m.reset("hw");
    await waitFor(m, "rescue");
    assert.strictEqual(m.rescueArmed(), false, "rescue is one-shot");
    const s = await RescueSession.connect({
      host: spec.ipv4!,
      privateKey: KEY.private,
      deadlineMs: 20_000,
      backoff: SETTLE,
    });
    await s.verifyRescue();
    return { m, s };
  }

  const pipeline = (url: string) => `curl -fsSL '${url}' | xz -d | dd of=/dev/nvme0n1 bs=4M conv=fsync status=none`;
  const url = (schematic: string) =>
    imageUrl(factory.url, { schematic, version: "v1.13.9", platform: "metal", arch: "amd64", ext: "xz" });

  async function rebootAndSettle(m: SimMachine, s: RescueSession, expected: MachineStatus): Promise<void> {
    await s.runDetached("reboot");
    await waitFor(m, expected); // the machine was in rescue, so either status can only come from this reboot
  }

  it("writes the image with curl | xz -d | dd, reboots, and the machine comes up in Talos maintenance mode", async () => {
    const { m, s } = await inRescue(11);
    const r = await s.run(pipeline(url(EMPTY_SCHEMATIC)), { timeoutMs: 60_000, what: "writing image" });
    assert.deepStrictEqual([r.stdout, r.stderr], ["", ""]);
    await rebootAndSettle(m, s, "talos");
    assert.deepStrictEqual(boots, [{ machine: "install-11", config: null, version: "v1.13.9" }]);
  });

  it("fails on a truncated download (xz sees the end of input) and the machine does not boot Talos", async () => {
    const { m, s } = await inRescue(12);
    factory.faults.truncateFraction = 0.5;
    try {
      const err = await s.run(pipeline(url(EMPTY_SCHEMATIC)), { timeoutMs: 60_000, what: "writing image" }).then(
        () => null,
        (e: Error) => e,
      );
      assert.ok(isError(err, "RescueCommandError"), String(err));
      assert.deepStrictEqual(
        [(err as RescueCommandError).exitCode, (err as RescueCommandError).stderrTail],
        [1, ["xz: (stdin): Unexpected end of input"]],
      );
    } finally {
      factory.faults.truncateFraction = 1;
    }
    await rebootAndSettle(m, s, "no-os");
    assert.strictEqual(boots.filter((b) => b.machine === "install-12").length, 0);
  });

  it("fails on a 404 (curl -f under pipefail) and the machine does not boot Talos", async () => {
    const { m, s } = await inRescue(13);
    const err = await s.run(pipeline(url("0".repeat(64))), { timeoutMs: 60_000, what: "writing image" }).then(
      () => null,
      (e: Error) => e,
    );
    assert.ok(isError(err, "RescueCommandError"), String(err));
    const e = err as RescueCommandError;
    // pipefail reports the rightmost failure: xz, which got no input from the failed curl.
    assert.deepStrictEqual(
      [e.exitCode, e.stderrTail],
      [1, ["curl: (22) The requested URL returned error: 404", "xz: (stdin): File format not recognized"]],
    );
    await rebootAndSettle(m, s, "no-os");
    assert.strictEqual(boots.filter((b) => b.machine === "install-13").length, 0);
  });
});

function waitFor(m: SimMachine, status: MachineStatus): Promise<true> {
  return pollUntil(async () => (m.status() === status ? true : undefined), {
    what: `${m.id} to be ${status} (is ${m.status()})`,
    timeoutMs: 30_000,
    ...SETTLE,
  });
}
