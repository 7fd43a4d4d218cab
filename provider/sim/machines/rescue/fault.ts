/**
 * The `dropSshAfterBytes` fault: watches how much has reached the machine's disks since the rescue
 * booted and fires once the limit is passed. Writes to a block device sit in the page cache until
 * flushed (dd's conv=fsync only flushes at the end), so the watcher flushes the loop devices itself
 * on every tick and reads the "sectors written" counter of /sys/block/loopN/stat.
 */
import * as fs from "fs";
import * as path from "path";

/** A running watcher. */
export interface WriteWatch {
  stop(): void;
}

/** Sectors written to a block device since it was attached (field 7 of /sys/block/<dev>/stat). */
export function sectorsWritten(loopDevice: string): number {
  const stat = fs
    .readFileSync(`/sys/block/${path.basename(loopDevice)}/stat`, "utf8")
    .trim()
    .split(/\s+/);
  return Number(stat[6]);
}

function flush(loopDevice: string): void {
  const fd = fs.openSync(loopDevice, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Calls `onExceeded` once, when more than `limitBytes` have been written to the devices together. */
export function watchDiskWrites(
  loopDevices: string[],
  limitBytes: number,
  onExceeded: () => void,
  intervalMs = 25,
): WriteWatch {
  const total = () => loopDevices.reduce((sum, d) => sum + sectorsWritten(d) * 512, 0);
  const baseline = total();
  const timer = setInterval(() => {
    try {
      loopDevices.forEach(flush);
      if (total() - baseline < limitBytes) return;
    } catch {
      return; // a device went away with the machine; the system is being stopped
    }
    clearInterval(timer);
    onExceeded();
  }, intervalMs);
  return { stop: () => clearInterval(timer) };
}
