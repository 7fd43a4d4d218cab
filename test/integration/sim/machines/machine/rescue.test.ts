/**
 * One-shot rescue on simulated machines with real loop devices: the armed flag is consumed by the
 * next boot, disks are attached as loop devices only while rescue runs, what rescue writes is what
 * the next boot sees, and nothing leaks after world.close().
 * Does not prove: the rescue system itself (SSH, namespaces, fake tools) — a stub stands in for it.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pollUntil } from "../../../../../provider/internal/poll";
import { inspectDisk } from "../../../../../provider/sim/machines/disk/inspect";
import { buildTalosImage } from "../../../../../provider/sim/machines/disk/talos-image";
import { AttachedDisk, Machine, RescueHost } from "../../../../../provider/sim/machines/machine/machine";
import { loopsOf } from "../../../../../provider/sim/machines/machine/loop";
import {
  RecordingTalosRuntime,
  loopDevicesUnavailable,
  skipOrFail,
  testMachineSpec,
  waitForStatus,
} from "../../../../../provider/sim/testing/machine";
import { DiskSeed, RescueArm } from "../../../../../provider/sim/types";
import { World, createWorld } from "../../../../../provider/sim/world";

const TALOS: DiskSeed = { talos: { version: "v1.11.5", arch: "amd64", platform: "metal", configured: false } };
const ARM: RescueArm = {
  authorizedKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl test"],
  password: "rescue-pass",
};

describe("machine rescue (loop devices)", () => {
  let dir: string;
  let world: World;
  let runtime: RecordingTalosRuntime;
  let rescues: { host: RescueHost; arm: RescueArm; disks: AttachedDisk[]; stopped: boolean }[];
  before(async function () {
    const reason = await loopDevicesUnavailable();
    if (reason) skipOrFail(this, reason);
  });
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "machine-rescue-test-"));
    rescues = [];
    world = await createWorld({
      timeScale: 0.0005,
      stateDir: dir,
      startRescue: async (host, arm) => {
        const r = { host, arm, disks: await host.attachLoopDevices(), stopped: false };
        rescues.push(r);
        return { stop: async () => void (r.stopped = true) };
      },
    });
    runtime = new RecordingTalosRuntime();
    world.talosRuntime = runtime;
  });
  afterEach(async () => {
    await world?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  const create = async (id: string, seeds: DiskSeed[], o = {}) =>
    (await world.createMachine(testMachineSpec(id, seeds, o))) as Machine;
  const loopsOfMachine = async (m: Machine) =>
    (await Promise.all(m.spec.disks.map((_, i) => loopsOf(m.diskFile(i))))).flat();

  it("consumes the armed rescue with the next boot, attaches the disks only while rescue runs", async () => {
    const m = await create("robot-21", [TALOS, "md-member"]);
    await waitForStatus(m, "talos");
    m.armRescue(ARM);
    assert.deepStrictEqual([m.rescueArmed(), m.rescueBootTime()], [true, null]);
    const before = Date.now();
    m.reset("hw");
    await waitForStatus(m, "rescue");
    assert.strictEqual(m.rescueArmed(), false);
    const booted = Date.parse(m.rescueBootTime()!);
    assert.ok(booted >= before - 5 && booted <= Date.now(), m.rescueBootTime()!);
    assert.deepStrictEqual(
      rescues.map((r) => [r.arm, r.disks.map((d) => d.spec.name)]),
      [[ARM, ["sda", "sdb"]]],
    );
    assert.deepStrictEqual((await loopsOfMachine(m)).sort(), rescues[0].disks.map((d) => d.loopDevice).sort());
    assert.deepStrictEqual(await m.attachLoopDevices(), rescues[0].disks, "idempotent");
    m.reset("hw");
    await waitForStatus(m, "talos");
    assert.deepStrictEqual([rescues.length, rescues[0].stopped, await loopsOfMachine(m)], [1, true, []]);
  });

  it("with rescueNeverBoots the disk boots and the rescue stays armed", async () => {
    const m = await create("robot-22", [TALOS], { faults: { rescueNeverBoots: true } });
    m.armRescue(ARM);
    await waitForStatus(m, "talos");
    assert.deepStrictEqual([m.rescueArmed(), m.rescueBootTime(), rescues.length], [true, null, 0]);
  });

  it("an image written through the loop device in rescue boots after the OS reboots", async () => {
    const m = await create("robot-23", ["empty", "empty"]);
    await waitForStatus(m, "no-os");
    const img = buildTalosImage({ version: "v1.13.9", arch: "amd64", platform: "metal", schematic: "d".repeat(64) });
    world.servedImages.set(inspectDisk(img).talos!.key!, inspectDisk(img).talos!.manifest!);
    m.armRescue(ARM);
    m.reset("hw");
    await waitForStatus(m, "rescue");
    const fd = fs.openSync(rescues[0].disks[1].loopDevice, "r+");
    fs.writeSync(fd, img, 0, img.length, 0); // no fsync: like dd without conv=fsync followed by `reboot`
    fs.closeSync(fd);
    rescues[0].host.osReboot();
    await waitForStatus(m, "talos");
    assert.strictEqual(m.lastBootReport(), "sdb boots Talos v1.13.9 in maintenance mode");
    assert.deepStrictEqual(await loopsOfMachine(m), []);
  });

  it("poweroff in rescue leaves the machine off; a reset during the rescue boot lands on the disk", async () => {
    const m = await create("robot-24", [TALOS]);
    m.armRescue(ARM);
    await waitForStatus(m, "rescue");
    rescues[0].host.osPowerOff();
    await waitForStatus(m, "off");
    await new Promise((r) => setTimeout(r, 300));
    assert.deepStrictEqual([m.status(), await loopsOfMachine(m)], ["off", []]);
    m.armRescue(ARM);
    m.powerOn();
    await waitForStatus(m, "booting");
    // Past POST the armed flag is consumed while the rescue system is still loading.
    await pollUntil(async () => (m.rescueArmed() ? undefined : true), {
      what: "rescue flag consumed",
      timeoutMs: 5000,
      initialMs: 2,
      jitter: 0,
    });
    assert.strictEqual(m.status(), "booting");
    m.reset("hw");
    await waitForStatus(m, "talos");
    assert.strictEqual(rescues.length, 1);
  });

  it("world.close() detaches every loop device it attached", async () => {
    const machines = [await create("robot-25", [TALOS, "ceph"]), await create("robot-26", ["lvm-pv"])];
    for (const m of machines) m.armRescue(ARM);
    await Promise.all(machines.map((m) => waitForStatus(m, "rescue")));
    assert.strictEqual((await Promise.all(machines.map(loopsOfMachine))).flat().length, 3);
    await world.close();
    assert.deepStrictEqual((await Promise.all(machines.map(loopsOfMachine))).flat(), []);
    assert.deepStrictEqual(
      machines.map((m) => m.status()),
      ["off", "off"],
    );
  });
});
