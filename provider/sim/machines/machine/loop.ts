/** Loop devices backing a machine's disks while its rescue system runs (`losetup -P` so partitions show up). */
import { execFile } from "child_process";
import * as fs from "fs";
import { promisify } from "util";
import { retry } from "../../../internal/retry";
import { DiskSpec } from "../../types";

const run = promisify(execFile);

/** One disk attached to a loop device. */
export interface AttachedDisk {
  spec: DiskSpec;
  file: string;
  /** "/dev/loop7"; partitions appear as /dev/loop7p1... */
  loopDevice: string;
}

/**
 * Direct I/O from the loop device to its backing file: without it every block written to the
 * simulated disk is cached twice (the loop device's page cache and the file's) and written back
 * by the loop worker, which made writing an image to it 2–4× slower than decompressing the image
 * (measured on this project's 2-core machine); a real disk takes the image at its own speed. losetup
 * falls back to buffered I/O (with a warning, exit status 0) where the backing file system refuses it.
 */
export const DIRECT_IO = ["--direct-io=on"];

/** Attaches `file` to a free loop device with partition scanning; returns "/dev/loopN". */
export async function attachLoop(file: string): Promise<string> {
  // Two concurrent `losetup -f` may pick the same free device; the loser fails with EBUSY and retries.
  const out = await retry(() => run("losetup", ["-P", ...DIRECT_IO, "--show", "-f", file]), {
    attempts: 5,
    initialMs: 50,
    maxMs: 500,
  });
  const dev = out.stdout.trim();
  // Kernels built without partition-table parsers (CONFIG_EFI_PARTITION unset, seen on Firecracker
  // guests) ignore -P; partx adds the partitions through BLKPG. A disk without a table is fine.
  await run("partx", ["-u", dev]).catch(() => undefined);
  return dev;
}

/** Flushes the loop device's buffer cache into the backing file and detaches it. */
export async function detachLoop(dev: string): Promise<void> {
  try {
    const fd = fs.openSync(dev, "r");
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Already gone (autoclear) — nothing to flush.
  }
  // A device still held open is detached lazily by the kernel (autoclear) once the last user closes it.
  await run("losetup", ["-d", dev]).catch(() => undefined);
}

/** Loop devices currently backed by `file` (`losetup -j`), for leak checks and cleanup. */
export async function loopsOf(file: string): Promise<string[]> {
  const out = await run("losetup", ["-j", file]).catch(() => ({ stdout: "" }));
  return out.stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => l.slice(0, l.indexOf(":")));
}

/** The loop devices of one machine: attached on demand (idempotent), released together. */
export class LoopSet {
  private attached: Promise<AttachedDisk[]> | null = null;

  constructor(private readonly disks: () => { spec: DiskSpec; file: string }[]) {}

  /** Attaches every disk once; later calls return the same devices. */
  attach(): Promise<AttachedDisk[]> {
    this.attached ??= attachAll(this.disks()).catch((e) => {
      this.attached = null;
      throw e;
    });
    return this.attached;
  }

  /** Detaches whatever is attached. */
  async release(): Promise<void> {
    const pending = this.attached;
    this.attached = null;
    const disks = pending ? await pending.catch(() => [] as AttachedDisk[]) : [];
    await Promise.all(disks.map((d) => detachLoop(d.loopDevice)));
  }
}

async function attachAll(disks: { spec: DiskSpec; file: string }[]): Promise<AttachedDisk[]> {
  const out: AttachedDisk[] = [];
  try {
    for (const d of disks) out.push({ ...d, loopDevice: await attachLoop(d.file) });
    return out;
  } catch (e) {
    await Promise.all(out.map((d) => detachLoop(d.loopDevice)));
    throw new Error(`attaching loop devices failed: ${(e as Error).message}`, { cause: e });
  }
}
