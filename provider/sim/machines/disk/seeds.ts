/** Writes a DiskSeed (what a previous owner left on a disk) onto a fresh, zeroed disk file. */
import { createHash } from "crypto";
import { DiskSpec, MachineSpec, ServedImage } from "../../types";
import { Device, withFileDevice } from "./device";
import { ext4Superblock, fat32BootSector } from "./filesystems";
import { FIRST_ALIGNED_LBA, GPT_TAIL_SECTORS, PART_TYPE, SECTOR, writeGpt } from "./gpt";
import { seededGuid } from "./guid";
import { bluestoreLabel, lvmLabel, mdSuperblock12 } from "./signatures";
import { raid1LvmSwap } from "./seed-raid";
import { seedTalos } from "./seed-talos";

/** Everything a seed needs to know about the disk it goes on. */
export interface SeedTarget {
  file: string;
  disk: DiskSpec;
  machine: MachineSpec;
  /** Registers a Talos image as served, so a seeded install boots like one written from the factory. */
  registerImage(key: string, image: ServedImage): void;
}

const MiB = 1024 * 1024;

/** Writes `target.disk.seed` onto the disk file. */
export async function writeSeed(t: SeedTarget): Promise<void> {
  const seed = t.disk.seed ?? "empty";
  const tag = `${t.machine.id}/${t.disk.name}`;
  if (typeof seed === "object") return seedTalos(t, seed.talos);
  withFileDevice(t.file, true, (dev) => {
    if (seed === "old-linux-efi") oldLinuxEfi(dev, tag);
    else if (seed === "md-member")
      dev.write(
        4096,
        mdSuperblock12({
          setUuid: seededGuid(`${t.machine.id}/md0`),
          deviceUuid: seededGuid(tag),
          name: "rescue:0",
          deviceSectors: dev.size / SECTOR,
          devNumber: t.machine.disks.indexOf(t.disk),
        }),
      );
    else if (seed === "raid1-lvm-swap")
      raid1LvmSwap(dev, { machineId: t.machine.id, tag, index: t.machine.disks.indexOf(t.disk) });
    else if (seed === "ceph") dev.write(0, bluestoreLabel(seededGuid(`${tag}/osd`)));
    else if (seed === "lvm-pv") dev.write(512, lvmLabel({ pvUuid: pvUuid(tag), deviceBytes: dev.size }));
    else if (seed !== "empty") throw new Error(`disk ${tag}: unknown seed ${JSON.stringify(seed)}`);
  });
}

/** An old Debian-style install: GPT, an ESP (FAT32) and an ext4 root filling the rest. */
function oldLinuxEfi(dev: Device, tag: string): void {
  const total = dev.size / SECTOR;
  const espSectors = Math.min(512 * MiB, Math.floor(dev.size / 8 / MiB) * MiB) / SECTOR;
  const rootFirst = FIRST_ALIGNED_LBA + espSectors;
  const rootLast = total - GPT_TAIL_SECTORS - 1;
  if (espSectors < 2048 || rootLast <= rootFirst) throw new Error(`disk ${tag}: too small for the old-linux-efi seed`);
  writeGpt(dev, {
    diskGuid: seededGuid(tag),
    totalSectors: total,
    partitions: [
      {
        name: "EFI System Partition",
        typeGuid: PART_TYPE.efi,
        uniqueGuid: seededGuid(`${tag}/1`),
        firstLba: FIRST_ALIGNED_LBA,
        lastLba: rootFirst - 1,
        attributes: BigInt(0),
      },
      {
        name: "root",
        typeGuid: PART_TYPE.linux,
        uniqueGuid: seededGuid(`${tag}/2`),
        firstLba: rootFirst,
        lastLba: rootLast,
        attributes: BigInt(0),
      },
    ],
  });
  dev.write(
    FIRST_ALIGNED_LBA * SECTOR,
    fat32BootSector({ sectors: espSectors, hiddenSectors: FIRST_ALIGNED_LBA, volumeId: 0x1a2b3c4d, label: "EFI" }),
  );
  const ext4 = ext4Superblock({
    bytes: (rootLast - rootFirst + 1) * SECTOR,
    uuid: seededGuid(`${tag}/root`),
    label: "root",
  });
  dev.write(rootFirst * SECTOR + 1024, ext4);
}

function pvUuid(tag: string): string {
  // LVM PV UUIDs are 32 characters of [A-Za-z0-9].
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return [...createHash("sha256").update(tag).digest()].map((b) => alphabet[b % 62]).join("");
}
