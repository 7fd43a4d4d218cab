/**
 * The rescue's /sys view of the machine's own block devices and network cards (the host's sysfs would
 * show the host's loop devices, disks and NICs). Written by the simulator into the tmpfs behind the
 * namespace's read-only /sys and rewritten whenever the kernel's partitions or the storage stack
 * change: /sys/block, /sys/class/block and /sys/dev/block link into /sys/devices, where each disk has
 * dev, size, ro, removable, queue/*, device/{model,vendor,serial}, holders/ and one directory per
 * partition (dev, size, start, partition); md arrays and logical volumes live under
 * /sys/devices/virtual/block with slaves/ and md/ or dm/; /sys/class/net has each NIC's address.
 */
import * as fs from "fs";
import * as path from "path";
import { DevNode } from "./devices";
import { HwDisk, HwNic } from "./tools/hardware";
import { StorageView, activeLvs } from "./tools/storage-model";

/** What to show: the disks with their current kernel nodes, the storage stack, the NICs. */
export interface SysView {
  /** `loopDevice` backs the disk: the kernel's own attributes of it (start, stat...) are copied. */
  disks: { hw: HwDisk; nodes: DevNode[]; loopDevice: string }[];
  storage: StorageView;
  nics: HwNic[];
}

const write = (file: string, text: string) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text + "\n");
};
const link = (target: string, at: string) => {
  fs.mkdirSync(path.dirname(at), { recursive: true });
  fs.symlinkSync(path.relative(path.dirname(at), target), at);
};

// The bus path a disk hangs off (its PCI function, as lspci would number it).
function devicePath(hw: HwDisk, index: number): string {
  const pci = `pci0000:00/0000:00:${(0x1c + index).toString(16).padStart(2, "0")}.0`;
  if (hw.transport === "nvme") return `${pci}/nvme/${hw.name.replace(/n\d+$/, "")}`;
  return `${pci}/ata${index + 1}/host${index}/target${index}:0:0/${hw.hctl ?? `${index}:0:0:0`}`;
}

/** Rewrites everything below `sysDir` except firmware/ (the EFI view) and the links to the kernel's sysfs. */
export function writeSys(sysDir: string, v: SysView): void {
  const devices = path.join(sysDir, "devices");
  const dirs = new Map<string, string>();
  const old = fs.existsSync(devices) ? fs.readdirSync(devices).filter((e) => e !== "system") : [];
  for (const d of ["block", "class", "dev", ...old.map((e) => `devices/${e}`)])
    fs.rmSync(path.join(sysDir, d), { recursive: true, force: true });
  const register = (dir: string, name: string, devno: string) => {
    dirs.set(name, dir);
    link(dir, path.join(sysDir, "class", "block", name));
    link(dir, path.join(sysDir, "dev", "block", devno));
  };
  v.disks.forEach(({ hw, nodes, loopDevice }, i) => {
    const loop = path.basename(loopDevice);
    const dev = path.join(devices, devicePath(hw, i));
    const [disk, ...parts] = nodes;
    const dir = path.join(dev, "block", disk.name);
    writeBlock(dir, disk);
    copyKernelAttributes(`/sys/block/${loop}`, dir);
    write(path.join(dir, "removable"), "0");
    write(path.join(dir, "queue", "rotational"), hw.rotational ? "1" : "0");
    write(path.join(dir, "queue", "logical_block_size"), "512");
    write(path.join(dir, "queue", "physical_block_size"), hw.rotational && hw.transport !== "nvme" ? "4096" : "512");
    write(path.join(dev, "model"), hw.model);
    write(path.join(dev, "serial"), hw.serial);
    if (hw.vendor) write(path.join(dev, "vendor"), hw.vendor);
    link(dev, path.join(dir, "device"));
    link(dir, path.join(sysDir, "block", disk.name));
    register(dir, disk.name, `${disk.major}:${disk.minor}`);
    for (const p of parts) {
      const pdir = path.join(dir, p.name);
      writeBlock(pdir, p);
      copyKernelAttributes(`/sys/block/${loop}/${loop}p${p.partition}`, pdir);
      write(path.join(pdir, "partition"), String(p.partition));
      register(pdir, p.name, `${p.major}:${p.minor}`);
    }
  });
  writeStack(sysDir, v, dirs);
  for (const n of v.nics) {
    const dir = path.join(devices, "pci0000:00", `0000:00:1f.${v.nics.indexOf(n) + 6}`, "net", n.name);
    write(path.join(dir, "address"), n.mac);
    write(path.join(dir, "operstate"), "up");
    write(path.join(dir, "mtu"), "1500");
    link(dir, path.join(sysDir, "class", "net", n.name));
  }
}

// What the kernel itself says about the device and does not name the loop device by: libblkid needs a
// partition's start to find its entry in the table (PART_ENTRY_TYPE, _NAME...).
const KERNEL_ATTRIBUTES = [
  "start",
  "alignment_offset",
  "discard_alignment",
  "stat",
  "inflight",
  "ext_range",
  "range",
  "capability",
];

function copyKernelAttributes(from: string, to: string): void {
  for (const a of KERNEL_ATTRIBUTES) {
    try {
      // Read and write: sysfs reports every attribute as 4096 bytes long, which copy offloading trusts.
      fs.writeFileSync(path.join(to, a), fs.readFileSync(path.join(from, a)));
    } catch {
      // not every kernel has every attribute (range on partitions)
    }
  }
}

function writeBlock(dir: string, n: DevNode): void {
  write(path.join(dir, "dev"), `${n.major}:${n.minor}`);
  write(path.join(dir, "size"), String(n.blocks * 2));
  write(path.join(dir, "ro"), "0");
  fs.mkdirSync(path.join(dir, "holders"), { recursive: true });
}

// md arrays over their member partitions, logical volumes over the array holding their VG.
function writeStack(sysDir: string, v: SysView, dirs: Map<string, string>): void {
  const virtual = path.join(sysDir, "devices", "virtual", "block");
  const partDir = (name: string) => dirs.get(name)!;
  const stacked = (name: string, devno: string, sizeBytes: number, slaves: string[]) => {
    const dir = path.join(virtual, name);
    writeBlock(dir, {
      name,
      major: Number(devno.split(":")[0]),
      minor: Number(devno.split(":")[1]),
      blocks: sizeBytes / 1024,
      partition: null,
    });
    for (const s of slaves) {
      link(s, path.join(dir, "slaves", path.basename(s)));
      link(dir, path.join(s, "holders", name));
    }
    link(dir, path.join(sysDir, "block", name));
    link(dir, path.join(sysDir, "class", "block", name));
    link(dir, path.join(sysDir, "dev", "block", devno));
    return dir;
  };
  for (const a of v.storage.arrays) {
    const dir = stacked(
      a.name,
      `9:${a.name.slice(2)}`,
      a.sizeBytes,
      a.members.map((m) => partDir(m.name)),
    );
    write(path.join(dir, "md", "level"), "raid1");
    write(path.join(dir, "md", "array_state"), "clean");
  }
  for (const l of activeLvs(v.storage)) {
    const dir = stacked(l.dm, `253:${l.dm.slice(3)}`, l.sizeBytes, [path.join(virtual, l.pv)]);
    write(path.join(dir, "dm", "name"), `${l.vg}-${l.lv}`);
  }
}
