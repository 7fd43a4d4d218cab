/**
 * What simulated machines boot from their disks: firmware boot order with a stale ESP, maintenance
 * vs configured Talos, damaged and never-served images, cloud user-data, and the power state machine.
 * Does not prove: anything about the rescue system (machine-rescue.test.ts) or the Talos API itself.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import { inspectDisk } from "../../../../../provider/sim/machines/disk/inspect";
import { buildTalosImage } from "../../../../../provider/sim/machines/disk/talos-image";
import { Machine } from "../../../../../provider/sim/machines/machine/machine";
import { RecordingTalosRuntime, testMachineSpec, waitForStatus } from "../../../../../provider/sim/testing/machine";
import { DiskSeed, MachineStatus, ServedImage } from "../../../../../provider/sim/types";
import { World, createWorld } from "../../../../../provider/sim/world";

const TS = 0.0005; // POST 30 ms, Talos boot 30 ms, rescue 120 ms
const talos = (configured = false): DiskSeed => ({
  talos: { version: "v1.13.9", arch: "amd64", platform: "metal", configured },
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("machine boots", () => {
  let dir: string;
  let world: World;
  let runtime: RecordingTalosRuntime;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "machine-boot-test-"));
    world = await createWorld({ timeScale: TS, stateDir: dir });
    runtime = new RecordingTalosRuntime();
    world.talosRuntime = runtime;
  });
  afterEach(async () => {
    await world.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const create = async (id: string, seeds: DiskSeed[], o = {}) =>
    (await world.createMachine(testMachineSpec(id, seeds, o))) as Machine;
  const statuses = (m: Machine) => {
    const seen: MachineStatus[] = [];
    m.onStatus((s) => seen.push(s));
    return seen;
  };

  it("UEFI boots the stale ESP of an old Linux on disk 1 instead of Talos on disk 2 (no-os)", async () => {
    const m = await create("robot-1", ["old-linux-efi", talos()]);
    await waitForStatus(m, "no-os");
    assert.strictEqual(m.lastBootReport(), "uefi boots sda, which holds no Talos installation");
    assert.strictEqual(runtime.boots.length, 0);
  });

  it("with the disks swapped, Talos boots in maintenance mode", async () => {
    const m = await create("robot-2", [talos(), "old-linux-efi"]);
    await waitForStatus(m, "talos");
    assert.strictEqual(m.lastBootReport(), "sda boots Talos v1.13.9 in maintenance mode");
    assert.deepStrictEqual(
      [runtime.last().config, runtime.last().configSource, runtime.last().image.version],
      [null, "none", "v1.13.9"],
    );
  });

  it("legacy BIOS skips the EFI-only old Linux and boots Talos on disk 2", async () => {
    const m = await create("robot-3", ["old-linux-efi", talos()], { bootMode: "bios" });
    await waitForStatus(m, "talos");
    assert.strictEqual(m.lastBootReport(), "sdb boots Talos v1.13.9 in maintenance mode");
  });

  it("UEFI follows its boot entries: an old OS's registered loader on disk 2 wins over Talos on disk 1 until its entry is deleted", async () => {
    const m = await create("robot-10", [talos(), "old-linux-efi"], { efi: { oldOsEntry: true } });
    await waitForStatus(m, "no-os");
    assert.strictEqual(m.lastBootReport(), "Boot0003 (debian): uefi boots sdb, which holds no Talos installation");
    assert.deepStrictEqual(
      [m.efiVariables()!.bootOrder, m.efiVariables()!.bootCurrent],
      [["0001", "0002", "0003"], "0003"],
    );
    assert.strictEqual(m.changeEfiVariables("delete", "0003"), null);
    m.reset("hw");
    await waitForStatus(m, "talos");
    assert.deepStrictEqual(
      [m.lastBootReport(), m.efiVariables()!.bootCurrent],
      ["sda boots Talos v1.13.9 in maintenance mode", null],
    );
  });

  it("a wrong UEFI order (disks before the network) never boots the armed rescue system; BootNext is used once", async () => {
    const m = await create("robot-11", ["old-linux-efi", talos()], {
      efi: { oldOsEntry: true, order: "disks-first" },
      power: "off",
    });
    m.armRescue({ authorizedKeys: [], password: "x" });
    m.powerOn();
    await waitForStatus(m, "no-os");
    assert.deepStrictEqual(
      [m.lastBootReport(), m.rescueArmed()],
      ["Boot0003 (debian): uefi boots sda, which holds no Talos installation", true],
    );
    m.disarmRescue();
    assert.deepStrictEqual(
      [m.changeEfiVariables("delete", "0003"), m.changeEfiVariables("next", "0009")],
      [null, "Boot entry 0009 does not exist"],
    );
    m.reset("hw");
    await waitForStatus(m, "no-os");
    assert.strictEqual(
      m.lastBootReport(),
      "uefi boots sda, which holds no Talos installation",
      "the old ESP still wins the fallback scan",
    );
  });

  it("legacy BIOS has no EFI variables", async () => {
    const m = await create("robot-12", [talos()], { bootMode: "bios" });
    await waitForStatus(m, "talos");
    assert.deepStrictEqual(
      [m.efiVariables(), m.changeEfiVariables("order", "0001")],
      [null, "EFI variables are not supported on this system."],
    );
  });

  it("a config written to STATE survives the reboot Talos asks for", async () => {
    const m = await create("robot-4", [talos()]);
    await waitForStatus(m, "talos");
    const seen = statuses(m);
    await runtime.last().writeState("version: v1alpha1\nmachine:\n    type: worker\n");
    runtime.last().reboot();
    await waitForStatus(m, "talos");
    assert.deepStrictEqual(seen, ["booting", "talos"]);
    assert.deepStrictEqual([runtime.boots.length, runtime.last().configSource], [2, "state"]);
    assert.strictEqual(runtime.last().config, "version: v1alpha1\nmachine:\n    type: worker\n");
    await runtime.boots[0].boot.writeState(null).then(
      () => assert.fail("a boot that ended must not write STATE"),
      (e: Error) =>
        assert.strictEqual(e.message, "machine robot-4: writeState after the Talos boot it belongs to ended"),
    );
  });

  it("a configured previous install boots with its config from STATE", async () => {
    const m = await create("robot-5", [talos(true)]);
    await waitForStatus(m, "talos");
    assert.strictEqual(runtime.last().configSource, "state");
    assert.match(runtime.last().config!, /clusterName: previous-owner/);
  });

  it("a truncated image does not boot", async () => {
    const m = await create("robot-6", ["empty"], { power: "off" });
    const img = buildTalosImage({ version: "v1.13.9", arch: "amd64", platform: "metal", schematic: "a".repeat(64) });
    world.servedImages.set(inspectDisk(img).talos!.key!, inspectDisk(img).talos!.manifest!);
    fs.writeFileSync(m.diskFile(0), img.subarray(0, 24 * 1024 * 1024), { flag: "r+" });
    m.powerOn();
    await waitForStatus(m, "no-os");
    assert.strictEqual(
      m.lastBootReport(),
      "uefi boots sda: Talos image is damaged (backup GPT header missing at LBA 61439)",
    );
  });

  it("an intact image the factory never served does not boot", async () => {
    const m = await create("robot-7", ["empty"], { power: "off" });
    fs.writeFileSync(
      m.diskFile(0),
      buildTalosImage({ version: "v1.13.9", arch: "amd64", platform: "metal", schematic: "b".repeat(64) }),
      { flag: "r+" },
    );
    m.powerOn();
    await waitForStatus(m, "no-os");
    assert.strictEqual(m.lastBootReport(), "uefi boots sda: its Talos image was never served by the image factory");
  });

  it("talosNeverBoots leaves a valid install at no-os; without a runtime Talos still shows as running", async () => {
    const broken = await create("robot-8", [talos()], { faults: { talosNeverBoots: true } });
    await waitForStatus(broken, "no-os");
    assert.strictEqual(broken.lastBootReport(), "sda: Talos never boots (fault talosNeverBoots)");
    world.talosRuntime = undefined;
    const m = await create("robot-9", [talos()]);
    await waitForStatus(m, "talos");
    assert.strictEqual(runtime.boots.length, 0);
  });

  it("an off machine stays off until powered on; power toggles, power_long forces off", async () => {
    const m = await create("robot-10", [talos()]);
    await waitForStatus(m, "talos");
    m.reset("power_long");
    assert.deepStrictEqual([m.status(), m.power()], ["off", "off"]);
    m.reset("hw");
    m.reset("sw");
    await sleep(10 * (30 + 30));
    assert.strictEqual(m.status(), "off");
    m.reset("power");
    assert.strictEqual(m.status(), "booting");
    await waitForStatus(m, "talos");
    m.reset("power"); // ACPI: Talos shuts down after a while
    assert.strictEqual(m.status(), "talos");
    await waitForStatus(m, "off");
  });

  it("an OS the simulator does not run ignores ACPI; resetIgnored ignores every reset", async () => {
    const m = await create("robot-11", ["old-linux-efi"]);
    await waitForStatus(m, "no-os");
    m.shutdown();
    await sleep(20 * 10);
    assert.strictEqual(m.status(), "no-os");
    const stuck = await create("robot-12", [talos()], { faults: { resetIgnored: true } });
    await waitForStatus(stuck, "talos");
    stuck.reset("power_long");
    stuck.reset("hw");
    assert.strictEqual(stuck.status(), "talos");
    stuck.powerOff(); // cloud power actions are not resets
    assert.strictEqual(stuck.status(), "off");
  });

  it("a reset during boot restarts POST; a machine removed from the world is gone with its disks", async () => {
    const m = await create("robot-13", [talos()]);
    const seen = statuses(m);
    await sleep(15);
    m.reset("hw");
    await waitForStatus(m, "talos");
    assert.deepStrictEqual([seen, runtime.boots.length], [["talos"], 1]);
    const file = m.diskFile(0);
    await world.removeMachine("robot-13");
    assert.deepStrictEqual([world.machines.has("robot-13"), fs.existsSync(file), m.status()], [false, false, "off"]);
  });

  it("a cloud server created from an hcloud snapshot reads its config from user-data until STATE holds one", async () => {
    const id: ServedImage = { version: "v1.12.4", arch: "arm64", platform: "hcloud", schematic: "c".repeat(64) };
    const img = buildTalosImage(id);
    world.servedImages.set(inspectDisk(img).talos!.key!, id);
    const snapshot = path.join(dir, "snapshot.img");
    fs.writeFileSync(snapshot, img);
    const cfg = "version: v1alpha1\nmachine:\n    type: controlplane\n";
    const spec = testMachineSpec("cloud-42", ["empty"], {
      kind: "cloud",
      bootMode: "bios",
      ipv4Prefix: 32,
      diskBytes: 40 * 1024 ** 3,
    });
    const m = await world.createMachine(spec, {
      diskImageFile: snapshot,
      userData: zlib.gzipSync(cfg).toString("base64"),
    });
    await waitForStatus(m, "talos");
    assert.deepStrictEqual(
      [runtime.last().configSource, runtime.last().config, runtime.last().image],
      ["user-data", cfg, id],
    );
    assert.ok(fs.statSync(m.diskFile(0)).blocks * 512 < 64 * 1024 * 1024, "the 40 GiB disk stays sparse");
    await runtime.last().writeState("version: v1alpha1\n# applied later\n");
    runtime.last().reboot();
    await waitForStatus(m, "booting");
    await waitForStatus(m, "talos");
    assert.deepStrictEqual(
      [runtime.last().configSource, runtime.last().config],
      ["state", "version: v1alpha1\n# applied later\n"],
    );
  });

  it("close() ends pending waits at once, even at realistic time scale", async () => {
    const real = await createWorld({ timeScale: 1, stateDir: path.join(dir, "real") });
    const m = await real.createMachine(testMachineSpec("robot-17", [talos()]));
    const wait = real.delay(240_000).then(() => "ended");
    const t0 = Date.now();
    await real.close();
    assert.deepStrictEqual([await wait, m.status()], ["ended", "off"]);
    assert.ok(Date.now() - t0 < 2000, `close took ${Date.now() - t0} ms`);
  });

  it("rejects specs it cannot model and duplicate ids", async () => {
    await assert.rejects(world.createMachine(testMachineSpec("robot-14", [])), {
      message: "[robot-14.disks] a machine needs at least one disk",
    });
    await assert.rejects(world.createMachine(testMachineSpec("robot-15", ["empty"], { diskBytes: 1000 })), {
      message: "[robot-15.disks[0].sizeBytes] must be a positive multiple of 512, got 1000",
    });
    await create("robot-16", ["empty"]);
    await assert.rejects(create("robot-16", ["empty"]), { message: "machine robot-16 already exists" });
  });
});
