/**
 * RobotServer across Hetzner's server lines: an EX-style SATA SSD + HDD pair, an SX-style box with
 * two NVMe and two HDDs, a rescue system with an RSA-only host key, and an SMBIOS UUID with a zero tail. The install picks its disk by selector,
 * writes only that disk (sha256 of every disk file before and after), and refuses what it must.
 * Legacy BIOS, an all-zero SMBIOS UUID, an ambiguous selector on the AX NVMe pair and an old OS's UEFI
 * boot entry are in faults.test.ts; a previous SWRAID 1 + LVM install with swap in use in busy-disks.test.ts.
 * Does not prove: vendor-specific disk reports of real hardware (models and WWNs are typical ones).
 */
import * as assert from "assert";
import { DiskSpec } from "../../../../provider/sim/types";
import { RobotServerScenario } from "../../../../provider/sim/scenario";
import { DISK_BYTES, RobotServerWorld, argsFor, diskHashes, smallServer } from "./world";

type Disk = Pick<DiskSpec, "name" | "model" | "serial" | "wwn" | "rotational" | "transport">;
const SSD: Disk = {
  name: "sda",
  model: "SAMSUNG MZ7LH480HAHQ-00005",
  serial: "S45PNA0M812345",
  wwn: "0x5002538e4054a0a1",
  rotational: false,
  transport: "sata",
};
const HDD = (name: string, serial: string, wwn: string): Disk => ({
  name,
  model: "TOSHIBA MG08ACA16TE",
  serial,
  wwn,
  rotational: true,
  transport: "sata",
});
const NVME = (i: number): Disk => ({
  name: `nvme${i}n1`,
  model: "SAMSUNG MZVL2512HCJQ-00B00",
  serial: `S675NX0T7000${i}`,
  wwn: `eui.002538b93100000${i}`,
  rotational: false,
  transport: "nvme",
});

function withDisks(n: number, disks: Disk[], o: Parameters<typeof smallServer>[1] = {}): RobotServerScenario {
  const s = smallServer(n, o);
  s.machine.disks = disks.map((d) => ({ ...d, sizeBytes: DISK_BYTES, seed: "empty" }));
  return s;
}

function rsaOnly(n: number): RobotServerScenario {
  const s = smallServer(n);
  s.machine.hostKeyType = "rsa";
  return s;
}

describe("engine: RobotServer hardware matrix", function () {
  this.timeout(300_000);
  let w: RobotServerWorld;

  before(async () => {
    w = await RobotServerWorld.start(() => [
      withDisks(1, [SSD, HDD("sdb", "X0B0A0Z1FVGG", "0x5000039b38d0e1f2")]),
      withDisks(2, [
        NVME(0),
        NVME(1),
        HDD("sda", "X0B0A0Z1AAAA", "0x5000039b38d0e1a1"),
        HDD("sdb", "X0B0A0Z1BBBB", "0x5000039b38d0e1b2"),
      ]),
      smallServer(3, { smbiosUuid: "4c4c4544-0042-3510-8051-000000000000" }),
      rsaOnly(4),
    ]);
  });
  after(async () => w?.stop());

  it("EX line (SATA SSD + HDD): type ssd installs to the SSD and leaves the HDD byte-identical", async () => {
    const before = diskHashes(w.machine(1));
    const ok = await w.up("node-1", argsFor(w, 1, { installDisk: { type: "ssd" } }));
    const after = diskHashes(w.machine(1));
    assert.deepStrictEqual(
      [ok.outputs.talosState, after.sdb === before.sdb, after.sda === before.sda],
      ["maintenance", true, false],
    );
  });

  it("SX line (2 NVMe + 2 HDD): type hdd matches two disks and is refused; a serial picks one NVMe, the other three stay byte-identical", async () => {
    const before = diskHashes(w.machine(2));
    const two = await w.upError("node-2", argsFor(w, 2, { installDisk: { type: "hdd" } }));
    assert.match(
      two.details,
      /^\[node-2\] step 7\/12 \(choosing the install disk \(otherDisks: refuse\)\) failed: \[installDisk\] \{"type":"hdd"\} matched 2 disks on node-2 \(sda, sdb\), add wwn or serial to pick one; disks:\n/,
    );
    assert.deepStrictEqual(diskHashes(w.machine(2)), before);
    const ok = await w.up("node-2", argsFor(w, 2, { installDisk: { serial: "S675NX0T70001" } }));
    const after = diskHashes(w.machine(2));
    assert.strictEqual(ok.outputs.talosState, "maintenance");
    assert.deepStrictEqual(
      Object.keys(after).filter((d) => after[d] !== before[d]),
      ["nvme1n1"],
    );
  });

  it("a rescue system that offers only an RSA host key: the install connects and completes", async () => {
    const ok = await w.up("node-4", argsFor(w, 4));
    assert.deepStrictEqual([w.machine(4).spec.hostKeyType, ok.outputs.talosState], ["rsa", "maintenance"]);
  });

  it("an SMBIOS UUID ending in -000000000000 stops at the inventory, before any disk is written", async () => {
    const before = diskHashes(w.machine(3));
    const e = await w.upError("node-3", argsFor(w, 3));
    assert.match(
      e.details,
      /^\[node-3\] step 6\/12 \(reading the inventory \(disks, NIC, SMBIOS UUID, boot mode\)\) failed: SMBIOS system UUID 4c4c4544-0042-3510-8051-000000000000 /,
    );
    assert.deepStrictEqual(diskHashes(w.machine(3)), before);
  });
});
