/**
 * The `raid1-lvm-swap` seed: what Hetzner's installimage leaves with SWRAID 1 and LVM on a two-disk
 * server. Each disk gets a GPT with three partitions: `1` a member of md0 (/boot), `2` a member of md1
 * holding an LVM physical volume of volume group `vg0` (logical volumes `root` and `data`), `3` a swap
 * partition. Every disk with this seed joins the same two arrays (set UUIDs derive from the machine).
 * The simulated rescue system assembles them at boot (rescue/storage-scan.ts), as Hetzner's does.
 */
import { Device } from "./device";
import { FIRST_ALIGNED_LBA, GPT_TAIL_SECTORS, PART_TYPE, SECTOR, writeGpt } from "./gpt";
import { seededGuid } from "./guid";
import { lvmLabel, mdSuperblock12 } from "./signatures";

const MiB = 1024 * 1024;
/** Where md 1.2 puts the array's data inside each member (mdSuperblock12's data offset). */
export const MD_DATA_OFFSET = MiB;
/** The volume group and logical volumes the seed's LVM metadata describes. */
export const SEED_VG = { name: "vg0", lvs: ["root", "data"] } as const;

/** Writes the seed; `index` is the disk's position among the machine's disks (its md slot). */
export function raid1LvmSwap(dev: Device, o: { machineId: string; tag: string; index: number }): void {
  const total = dev.size / SECTOR;
  const small = Math.min(512 * MiB, Math.floor(dev.size / 8 / MiB) * MiB) / SECTOR;
  const p2First = FIRST_ALIGNED_LBA + small;
  // installimage aligns partitions to 1 MiB; the swap partition ends where the backup GPT begins.
  const p3First = Math.floor((total - GPT_TAIL_SECTORS - small) / 2048) * 2048;
  if (small < 4096 || p3First - p2First < 4 * 2048) throw new Error(`disk ${o.tag}: too small for raid1-lvm-swap`);
  const part = (n: number, name: string, type: string, first: number, last: number) => ({
    name,
    typeGuid: type,
    uniqueGuid: seededGuid(`${o.tag}/${n}`),
    firstLba: first,
    lastLba: last,
    attributes: BigInt(0),
  });
  writeGpt(dev, {
    diskGuid: seededGuid(o.tag),
    totalSectors: total,
    partitions: [
      part(1, "boot", PART_TYPE.linuxRaid, FIRST_ALIGNED_LBA, p2First - 1),
      part(2, "lvm", PART_TYPE.linuxRaid, p2First, p3First - 1),
      part(3, "swap", PART_TYPE.linux, p3First, total - GPT_TAIL_SECTORS - 1),
    ],
  });
  const member = (first: number, sectors: number, array: number) =>
    dev.write(
      first * SECTOR + 4096,
      mdSuperblock12({
        setUuid: seededGuid(`${o.machineId}/md${array}`),
        deviceUuid: seededGuid(`${o.tag}/md${array}`),
        name: `rescue:${array}`,
        deviceSectors: sectors,
        devNumber: o.index,
      }),
    );
  member(FIRST_ALIGNED_LBA, small, 0);
  const p2Sectors = p3First - p2First;
  member(p2First, p2Sectors, 1);
  const pvStart = p2First * SECTOR + MD_DATA_OFFSET;
  const pvBytes = p2Sectors * SECTOR - MD_DATA_OFFSET;
  dev.write(
    pvStart + 512,
    lvmLabel({ pvUuid: seededGuid(`${o.machineId}/pv`).replace(/-/g, ""), deviceBytes: pvBytes }),
  );
  dev.write(pvStart + 4096 + 512, Buffer.from(vgMetadata(o.machineId, pvBytes), "latin1"));
  dev.write(p3First * SECTOR, swapHeader(seededGuid(`${o.tag}/swap`), small));
}

/** LVM2 text metadata (the parts the simulated rescue reads: VG name, LV names and extent counts). */
function vgMetadata(machineId: string, pvBytes: number): string {
  const extents = Math.floor(pvBytes / (4 * MiB)) - 1;
  const half = Math.floor(extents / 2);
  const lv = (name: string, count: number, start: number) =>
    `\t\t${name} {\n\t\t\tid = "${seededGuid(`${machineId}/lv/${name}`)}"\n\t\t\tstatus = ["READ", "WRITE", "VISIBLE"]\n\t\t\tsegment_count = 1\n\t\t\tsegment1 {\n\t\t\t\tstart_extent = 0\n\t\t\t\textent_count = ${count}\n\t\t\t\ttype = "striped"\n\t\t\t\tstripe_count = 1\n\t\t\t\tstripes = ["pv0", ${start}]\n\t\t\t}\n\t\t}\n`;
  return (
    `${SEED_VG.name} {\n\tid = "${seededGuid(`${machineId}/vg`)}"\n\tseqno = 3\n\tformat = "lvm2"\n\tstatus = ["RESIZEABLE", "READ", "WRITE"]\n\textent_size = 8192\n` +
    `\tphysical_volumes {\n\t\tpv0 {\n\t\t\tdevice = "/dev/md1"\n\t\t\tpe_start = 2048\n\t\t\tpe_count = ${extents}\n\t\t}\n\t}\n` +
    `\tlogical_volumes {\n${lv(SEED_VG.lvs[0], half, 0)}${lv(SEED_VG.lvs[1], extents - half, half)}\t}\n}\n\0`
  );
}

/** A Linux swap area header (mkswap, version 1, 4 KiB pages). */
function swapHeader(uuid: string, sectors: number): Buffer {
  const page = Buffer.alloc(4096);
  page.writeUInt32LE(1, 1024);
  page.writeUInt32LE(Math.floor((sectors * SECTOR) / 4096) - 1, 1028);
  Buffer.from(uuid.replace(/-/g, ""), "hex").copy(page, 1036);
  page.write("SWAPSPACE2", 4086, "latin1");
  return page;
}
