import * as assert from "assert";
import { FIXTURES } from "../../helpers/fixtures";
import * as fs from "fs";
import { DiskInfo, Inventory, PartitionInfo, parseDisks, parseInventory } from "../../../provider/rescue/inventory";
import { arraysUsing, evaluateOtherDisks } from "../../../provider/rescue/safety";
import { inventoryOutput } from "./inventory-fixtures";

const inv = parseInventory(inventoryOutput(), { server: "robot-321" });
const disk = (name: string) => inv.disks.find((d) => d.name === name) as DiskInfo;
const names = (ds: DiskInfo[]) => ds.map((d) => d.name);
const HINT = '(set otherDisks to "wipe" to wipe them, or "ignore" to leave them)';
const HEAD = "disks hold data that can win the boot, share an array with the target or belong to a live cluster";
const NVME1 =
  "nvme1n1: EFI system partition /dev/nvme1n1p1; Linux filesystem ext4 on /dev/nvme1n1p3 that looks like an installed OS";
const SDB = "sdb: Ceph BlueStore data on /dev/sdb (the machine may serve a live Ceph cluster)";

function part(name: string, o: Partial<PartitionInfo>): PartitionInfo {
  return {
    name,
    path: `/dev/${name}`,
    sizeBytes: 1 << 30,
    partType: null,
    partLabel: null,
    fsType: null,
    signatures: [],
    holders: [],
    ...o,
  };
}
function mkDisk(name: string, partitions: PartitionInfo[], o: Partial<DiskInfo> = {}): DiskInfo {
  return {
    name,
    path: `/dev/${name}`,
    byId: [],
    sizeBytes: 1e12,
    model: "m",
    serial: name,
    wwn: null,
    rotational: false,
    transport: "sata",
    type: "ssd",
    fsType: null,
    signatures: [],
    holders: [],
    partitions,
    ...o,
  };
}
function machine(disks: DiskInfo[]): Inventory {
  return { hostname: "rescue", disks, bootMode: "uefi", smbiosUuid: "x", nics: [], mdArrays: [] };
}

// Does not prove: that the heuristics catch every OS layout (they read lsblk/wipefs metadata, never file contents
// like CAPH's grub-fstest check), nor that the planned commands succeed on real disks (see commands tests).
describe("rescue/safety", () => {
  it("refuse: names every risky disk and why (ESP + Linux OS, Ceph)", () => {
    assert.throws(() => evaluateOtherDisks(inv, disk("nvme0n1"), "refuse", { server: "robot-321" }), {
      name: "SafetyError",
      message: `[robot-321] refusing to install to nvme0n1: ${HEAD} ${HINT}:\n  - ${NVME1}\n  - ${SDB}`,
    });
  });

  it("refuse: an md RAID spanning the target and another disk is named, via mdstat", () => {
    assert.throws(
      () => evaluateOtherDisks(inv, disk("sda"), undefined, { server: "robot-321", policyField: "otherDisksPolicy" }),
      {
        name: "SafetyError",
        message: `[robot-321] refusing to install to sda: ${HEAD} (set otherDisksPolicy to "wipe" to wipe them, or "ignore" to leave them):\n  - ${NVME1}; md RAID /dev/md0 spans this disk and the target sda\n  - ${SDB}`,
      },
    );
  });

  it("wipe: returns the risky disks and every array using the target or them", () => {
    const plan = evaluateOtherDisks(inv, disk("nvme0n1"), "wipe");
    assert.deepStrictEqual(
      [names(plan.wipe), plan.stopArrays, plan.problems],
      [["nvme1n1", "sdb"], ["/dev/md0"], [NVME1, SDB]],
    );
    const onSda = evaluateOtherDisks(inv, disk("sda"), "wipe");
    assert.deepStrictEqual([names(onSda.wipe), onSda.stopArrays], [["nvme1n1", "sdb"], ["/dev/md0"]]);
  });

  it("ignore: wipes nothing, still stops arrays on the target, reports findings", () => {
    const plan = evaluateOtherDisks(inv, disk("sda"), "ignore");
    assert.deepStrictEqual([plan.wipe, plan.stopArrays, plan.problems.length], [[], ["/dev/md0"], 2]);
    assert.deepStrictEqual(evaluateOtherDisks(inv, disk("nvme0n1"), "ignore").stopArrays, []);
  });

  it("a clean machine passes refuse with nothing to do", () => {
    const m = machine([
      mkDisk("sda", []),
      mkDisk("sdb", [part("sdb1", { fsType: "ext4", partType: "0fc63daf-8483-4772-8e79-3d69c72e3d47" })]),
    ]);
    assert.deepStrictEqual(evaluateOtherDisks(m, m.disks[0]), { wipe: [], stopArrays: [], problems: [] });
  });

  it("detects BIOS boot, old Talos, swap+root layouts, MBR ESP, raid members without mdstat, LVM on the target", () => {
    const target = mkDisk("sda", [
      part("sda1", { fsType: "LVM2_member" }),
      part("sda2", { fsType: "linux_raid_member" }),
    ]);
    const m = machine([
      target,
      mkDisk("sdb", [
        part("sdb1", { partType: "21686148-6449-6e6f-744e-656564454649" }),
        part("sdb2", { fsType: "swap" }),
        part("sdb3", { fsType: "xfs" }),
      ]),
      mkDisk("sdc", [
        part("sdc1", { partLabel: "EFI", fsType: "vfat" }),
        part("sdc5", { partLabel: "STATE", fsType: "xfs" }),
      ]),
      mkDisk("sdd", [
        part("sdd1", { partType: "0xef", fsType: "vfat" }),
        part("sdd2", { fsType: "ext4", signatures: ["ext4", "linux_raid_member"] }),
      ]),
    ]);
    assert.deepStrictEqual(evaluateOtherDisks(m, target, "ignore").problems, [
      "sda (target): LVM physical volume on /dev/sda1 (its volume group may span other disks)",
      "sdb: BIOS boot partition /dev/sdb1 (GRUB); Linux filesystem xfs on /dev/sdb3 that looks like an installed OS",
      "sdc: EFI system partition /dev/sdc1; earlier Talos installation (partition STATE /dev/sdc5); Linux filesystem xfs on /dev/sdc5 that looks like an installed OS",
      "sdd: EFI system partition /dev/sdd1; Linux filesystem ext4 on /dev/sdd2 that looks like an installed OS; md RAID member /dev/sdd2 like the target sda (an array over both would assemble again)",
    ]);
    assert.deepStrictEqual(names(evaluateOtherDisks(m, target, "wipe").wipe), ["sdb", "sdc", "sdd"]);
  });

  it("uses lsblk holders when mdstat is empty (talos-manager fixture: md0 over nvme2n1 and nvme0n1)", () => {
    const disks = parseDisks(fs.readFileSync(FIXTURES + "/robot/rescue-ssh-lsblk.talos-manager.json", "utf8"));
    const m = machine(disks);
    assert.deepStrictEqual(
      disks.map((d) => arraysUsing(m, d)),
      [["/dev/md0"], [], ["/dev/md0"]],
    );
    assert.throws(() => evaluateOtherDisks(m, disks[0], "refuse", { server: "robot-9" }), {
      message: `[robot-9] refusing to install to nvme2n1: ${HEAD} ${HINT}:\n  - nvme0n1: md RAID /dev/md0 spans this disk and the target nvme2n1`,
    });
    assert.deepStrictEqual(evaluateOtherDisks(m, disks[1]), { wipe: [], stopArrays: [], problems: [] });
  });
});
