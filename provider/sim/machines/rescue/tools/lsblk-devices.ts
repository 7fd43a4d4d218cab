/**
 * Block devices as the rescue kernel sees them: the machine's disks from the hardware file, their
 * partitions from the device nodes the simulator keeps in step with the kernel's partition table,
 * sizes from sysfs, and filesystem/partition-table details probed live with `blkid -p`.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import { HwDisk, RescueHardware, partitionName } from "./hardware";
import { StorageView, activeLvs, readStorage } from "./storage-model";

/** One disk or partition. */
export interface BlockDev {
  name: string;
  major: number;
  minor: number;
  /** Disks and partitions, and what the kernel stacked on them: md arrays ("raid1"), logical volumes ("lvm"). */
  type: "disk" | "part" | "raid1" | "lvm";
  /** Kernel name when it differs from the name (a logical volume "vg0-root" is "dm-0"). */
  kname?: string;
  /** Path when it is not /dev/<name> (/dev/mapper/vg0-root). */
  path?: string;
  sizeBytes: number;
  disk: HwDisk;
  parent: BlockDev | null;
  children: BlockDev[];
  /** `blkid -p` properties (TYPE, UUID, PTTYPE, PART_ENTRY_*), probed on first use. */
  probe(): Record<string, string>;
  /** Where the device is mounted in this namespace. */
  mountpoints(): string[];
}

/** Major and minor number of a block device node, or null when `path` is not one. */
export function devNumbers(path: string): { major: number; minor: number } | null {
  try {
    const st = fs.statSync(path, { bigint: true });
    if (!st.isBlockDevice()) return null;
    // glibc's makedev() layout (sys/sysmacros.h).
    const r = st.rdev;
    return {
      major: Number(((r >> 8n) & 0xfffn) | ((r >> 32n) & ~0xfffn)),
      minor: Number((r & 0xffn) | ((r >> 12n) & ~0xffn)),
    };
  } catch {
    return null;
  }
}

/** The machine's disks with the partitions the kernel currently knows, in hardware order. */
export function listDevices(hw: RescueHardware, devDir = "/dev"): BlockDev[] {
  const entries = fs.readdirSync(devDir);
  const disks: BlockDev[] = [];
  for (const d of hw.disks) {
    const disk = makeDev(devDir, d.name, d, null);
    if (!disk) continue;
    disk.children = partitionNumbers(entries, d.name)
      .map((n) => makeDev(devDir, partitionName(d.name, n), d, disk))
      .filter((p): p is BlockDev => p !== null);
    disks.push(disk);
  }
  stackHolders(disks, readStorage());
  return disks;
}

// The arrays over their member partitions (one node under each member, as lsblk prints it) and the
// active logical volumes over the array holding their volume group.
function stackHolders(disks: BlockDev[], v: StorageView): void {
  const parts = new Map(disks.flatMap((d) => d.children).map((p) => [p.name, p]));
  const lvs = activeLvs(v);
  for (const a of v.arrays) {
    const members = a.members.map((m) => parts.get(m.name)).filter((p): p is BlockDev => p !== undefined);
    if (!members.length) continue;
    const md = virtualDev(
      a.name,
      "raid1",
      9,
      Number(a.name.slice(2)),
      a.sizeBytes,
      members[0],
      a.pv ? "LVM2_member" : null,
    );
    md.children = lvs
      .filter((l) => l.pv === a.name)
      .map((l) => ({
        ...virtualDev(`${l.vg}-${l.lv}`, "lvm", 253, Number(l.dm.slice(3)), l.sizeBytes, md, null),
        kname: l.dm,
        path: `/dev/mapper/${l.vg}-${l.lv}`,
      }));
    members.forEach((m) => m.children.push(md));
  }
  const swaps = new Set(v.swaps.map((s) => s.device));
  for (const p of parts.values())
    if (swaps.has(p.name)) {
      const own = p.mountpoints;
      p.mountpoints = () => ["[SWAP]", ...own()];
    }
}

function virtualDev(
  name: string,
  type: "raid1" | "lvm",
  major: number,
  minor: number,
  sizeBytes: number,
  parent: BlockDev,
  fsType: string | null,
): BlockDev {
  const props: Record<string, string> = fsType ? { TYPE: fsType } : {};
  return {
    name,
    major,
    minor,
    type,
    sizeBytes,
    disk: parent.disk,
    parent,
    children: [],
    probe: () => props,
    mountpoints: () => [],
  };
}

function partitionNumbers(entries: string[], disk: string): number[] {
  const re = new RegExp(`^${partitionName(disk, 0).slice(0, -1)}(\\d+)$`);
  return entries
    .map((e) => re.exec(e))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

function makeDev(devDir: string, name: string, disk: HwDisk, parent: BlockDev | null): BlockDev | null {
  const nums = devNumbers(`${devDir}/${name}`);
  if (!nums) return null;
  let probed: Record<string, string> | undefined;
  return {
    name,
    ...nums,
    type: parent ? "part" : "disk",
    sizeBytes: sysfsSize(nums.major, nums.minor) ?? disk.sizeBytes,
    disk,
    parent,
    children: [],
    probe: () => (probed ??= blkidProbe(`${devDir}/${name}`)),
    mountpoints: () => mountpointsOf(nums.major, nums.minor),
  };
}

function sysfsSize(major: number, minor: number): number | null {
  try {
    return Number(fs.readFileSync(`/sys/dev/block/${major}:${minor}/size`, "utf8").trim()) * 512;
  } catch {
    return null;
  }
}

/** `blkid -p -o export` as a map; blkid exits 2 when it finds nothing, which is an empty map. */
export function blkidProbe(path: string): Record<string, string> {
  let out: string;
  try {
    out = execFileSync("blkid", ["-p", "-o", "export", path], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch (e) {
    out = String((e as { stdout?: string }).stdout ?? "");
  }
  const props: Record<string, string> = {};
  for (const line of out.split("\n")) {
    const i = line.indexOf("=");
    // `-o export` escapes shell-special characters with a backslash.
    if (i > 0) props[line.slice(0, i)] = line.slice(i + 1).replace(/\\(.)/g, "$1");
  }
  return props;
}

function mountpointsOf(major: number, minor: number): string[] {
  let info = "";
  try {
    info = fs.readFileSync("/proc/self/mountinfo", "utf8");
  } catch {
    return [];
  }
  return info
    .split("\n")
    .map((l) => l.split(" "))
    .filter((f) => f[2] === `${major}:${minor}`)
    .map((f) => f[4].replace(/\\(\d{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))));
}
