/**
 * Keeps the rescue namespace's private /dev in step with the kernel: one block node per disk and per
 * partition the kernel knows on the backing loop device, named like the machine's disks (sda1,
 * nvme0n1p1) with the loop devices' major:minor, plus udev-style /dev/disk/by-id links and a
 * /proc/partitions listing those names. Runs on the host, writing through /proc/<pid>/root.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { HwDisk, partitionName } from "./tools/hardware";

const run = promisify(execFile);

/** A machine disk and the loop device backing it. */
export interface BackedDisk {
  hw: HwDisk;
  /** "/dev/loop7". */
  loopDevice: string;
}

/** One block device node. */
export interface DevNode {
  name: string;
  major: number;
  minor: number;
  /** 1 KiB blocks, as /proc/partitions counts. */
  blocks: number;
  /** Partition number, null for the whole disk. */
  partition: number | null;
}

/** The disk and the partitions the kernel currently knows on its loop device, from sysfs. */
export function kernelNodes(d: BackedDisk, sysBlock = "/sys/block"): DevNode[] {
  const loop = path.basename(d.loopDevice);
  const dir = path.join(sysBlock, loop);
  const node = (sub: string, name: string, partition: number | null): DevNode => {
    const [major, minor] = fs
      .readFileSync(path.join(dir, sub, "dev"), "utf8")
      .trim()
      .split(":")
      .map(Number);
    const blocks = Math.floor(Number(fs.readFileSync(path.join(dir, sub, "size"), "utf8").trim()) / 2);
    return { name, major, minor, blocks, partition };
  };
  const parts = fs
    .readdirSync(dir)
    .filter((e) => e.startsWith(`${loop}p`))
    .map((e) => Number(fs.readFileSync(path.join(dir, e, "partition"), "utf8").trim()))
    .sort((a, b) => a - b);
  return [node(".", d.hw.name, null), ...parts.map((n) => node(`${loop}p${n}`, partitionName(d.hw.name, n), n))];
}

/** Makes `devDir` hold exactly the disks' current nodes and by-id links; rewrites the partitions file. */
export async function syncDevices(devDir: string, disks: BackedDisk[], partitionsFile: string): Promise<void> {
  const wanted = disks.flatMap((d) => kernelNodes(d).map((n) => ({ ...n, disk: d.hw })));
  const byName = new Map(wanted.map((n) => [n.name, n]));
  for (const e of fs.readdirSync(devDir, { withFileTypes: true })) {
    if (!e.isBlockDevice()) continue;
    const want = byName.get(e.name);
    const st = fs.statSync(path.join(devDir, e.name), { bigint: true });
    if (want && st.rdev === makedev(want.major, want.minor)) byName.delete(e.name);
    else fs.rmSync(path.join(devDir, e.name), { force: true });
  }
  await Promise.all(
    [...byName.values()].map((n) =>
      run("mknod", ["-m", "660", path.join(devDir, n.name), "b", String(n.major), String(n.minor)]),
    ),
  );
  syncLinks(
    path.join(devDir, "disk", "by-id"),
    wanted.flatMap((n) => n.disk.byId.map((id) => [n.partition ? `${id}-part${n.partition}` : id, `../../${n.name}`])),
  );
  fs.writeFileSync(partitionsFile, procPartitions(wanted));
}

function syncLinks(dir: string, links: string[][]): void {
  fs.mkdirSync(dir, { recursive: true });
  const want = new Map(links.map(([l, t]) => [l, t]));
  for (const e of fs.readdirSync(dir)) {
    const p = path.join(dir, e);
    if (want.get(e) === fs.readlinkSync(p)) want.delete(e);
    else fs.rmSync(p, { force: true });
  }
  for (const [l, t] of want) fs.symlinkSync(t, path.join(dir, l));
}

/** /proc/partitions text ("%4u  %7u %10llu %s" per line, as the kernel prints it). */
export function procPartitions(nodes: DevNode[]): string {
  const lines = nodes.map(
    (n) => `${String(n.major).padStart(4)}  ${String(n.minor).padStart(7)} ${String(n.blocks).padStart(10)} ${n.name}`,
  );
  return `major minor  #blocks  name\n\n${lines.map((l) => l + "\n").join("")}`;
}

/** glibc makedev(): the st_rdev of a node with this major:minor. */
export function makedev(major: number, minor: number): bigint {
  const ma = BigInt(major);
  const mi = BigInt(minor);
  return ((ma & 0xfffff000n) << 32n) | ((ma & 0xfffn) << 8n) | ((mi & 0xffffff00n) << 12n) | (mi & 0xffn);
}

/**
 * Re-reads a loop device's partition table as the kernel would for `blockdev --rereadpt`; returns the
 * error text ("Device or resource busy") or null. Kernels built without partition parsers (some CI
 * VMs) drop every partition on BLKRRPART, so the table is then added from user space with `partx -a`.
 */
export async function rereadPartitions(loopDevice: string): Promise<string | null> {
  try {
    await run("blockdev", ["--rereadpt", loopDevice]);
  } catch (e) {
    const msg = String((e as { stderr?: string }).stderr ?? (e as Error).message);
    return msg.replace(/^.*BLKRRPART: /s, "").trim();
  }
  const loop = path.basename(loopDevice);
  if (!fs.readdirSync(`/sys/block/${loop}`).some((x) => x.startsWith(`${loop}p`))) {
    await run("partx", ["-a", loopDevice]).catch(() => undefined); // no partition table: nothing to add
  }
  return null;
}
