/**
 * What the rescue kernel finds on a machine's partitions at boot: md 1.2 superblocks (4 KiB into a
 * member; the set UUID, the name and the number of disks), LVM physical volumes inside an array's data
 * (label in sector 1, the volume group's text metadata after it) and swap areas ("SWAPSPACE2" at the
 * end of the first page). Read from the host's loop partition devices; nothing here writes.
 */
import * as fs from "fs";
import { BackedDisk, kernelNodes } from "./devices";

/** One partition (or whole disk) as found. */
export interface FoundDevice {
  /** Kernel name in the rescue ("nvme0n1p2"). */
  name: string;
  /** The host's device for it ("/dev/loop7p2"). */
  hostPath: string;
  sizeBytes: number;
  md: { setUuid: string; name: string; raidDisks: number; slot: number; dataOffset: number; dataBytes: number } | null;
  /** Usable bytes of a swap area (its header's last page × 4 KiB, as the kernel counts them), or null. */
  swap: number | null;
}

/** A volume group found on an array's data. */
export interface FoundVg {
  name: string;
  lvs: { name: string; sizeBytes: number }[];
}

const MD_MAGIC = 0xa92b4efc;

/** Every device of the disks that the kernel knows (the disks themselves and their partitions). */
export function scanDevices(disks: BackedDisk[]): FoundDevice[] {
  return disks.flatMap((d) =>
    kernelNodes(d).map((n) => {
      const hostPath = n.partition === null ? d.loopDevice : `${d.loopDevice}p${n.partition}`;
      const head = readAt(hostPath, 0, 8192);
      return { name: n.name, hostPath, sizeBytes: n.blocks * 1024, md: mdOf(head), swap: isSwap(head) };
    }),
  );
}

function mdOf(head: Buffer): FoundDevice["md"] {
  if (head.length < 4096 + 256 || head.readUInt32LE(4096) !== MD_MAGIC) return null;
  const sb = head.subarray(4096);
  const uuid = sb.subarray(16, 32).toString("hex");
  return {
    setUuid: [0, 8, 16, 24].map((i) => uuid.slice(i, i + 8)).join(":"),
    name: sb.subarray(32, 64).toString("latin1").replace(/\0.*$/s, ""),
    raidDisks: sb.readUInt32LE(92),
    slot: sb.readUInt32LE(160),
    dataOffset: Number(sb.readBigUInt64LE(128)) * 512,
    dataBytes: Number(sb.readBigUInt64LE(136)) * 512,
  };
}

const isSwap = (head: Buffer) =>
  head.length >= 4096 && head.subarray(4086, 4096).toString("latin1") === "SWAPSPACE2"
    ? head.readUInt32LE(1028) * 4096
    : null;

/** The volume group whose physical volume starts `offset` bytes into `hostPath` (an array member's data), or null. */
export function vgAt(hostPath: string, offset: number): FoundVg | null {
  const label = readAt(hostPath, offset, 8192 + 64 * 1024);
  if (label.subarray(512, 520).toString("latin1") !== "LABELONE") return null;
  const text = label
    .subarray(4096 + 512)
    .toString("latin1")
    .replace(/\0.*$/s, "");
  const vg = /^(\S+) \{/.exec(text);
  if (!vg) return null;
  const extentBytes = Number(/extent_size = (\d+)/.exec(text)?.[1] ?? 8192) * 512;
  const block = text.slice(text.indexOf("logical_volumes {"));
  const lvs = [...block.matchAll(/^\t\t(\S+) \{[^]*?extent_count = (\d+)/gm)].map((m) => ({
    name: m[1],
    sizeBytes: Number(m[2]) * extentBytes,
  }));
  return { name: vg[1], lvs };
}

function readAt(path: string, offset: number, length: number): Buffer {
  const fd = fs.openSync(path, "r");
  try {
    const buf = Buffer.alloc(length);
    const n = fs.readSync(fd, buf, 0, length, offset);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}
