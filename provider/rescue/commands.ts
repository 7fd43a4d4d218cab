/**
 * Pure builders of the shell text run in the rescue system (under `bash -c 'set -euo pipefail; …'`):
 * stop md arrays, wipe a disk the way CAPHR learned to (contracts/hetzner-robot.md §2), stream the
 * image, re-read and check the partition table.
 */
import { InputError } from "../internal/errors";
import { joinCommands, shellQuote } from "../internal/shell";

export {
  InstallImageOptions,
  ImageCompression,
  SHA256_LINE,
  compressionFromUrl,
  installImageCommand,
  parseImageSha256,
} from "./commands-install";
export { ensureUefiBootOrderCommand } from "./commands-efi";
export { releaseDisksCommand } from "./commands-release";
export { GptPartition, PartitionCheck, parsePartitionCheck } from "./commands-gpt";

const MiB = 1024 * 1024;
/** Bytes zeroed at each end of a wiped disk (GPT headers, Talos META/STATE near the start, backup GPT at the end). */
export const WIPE_EDGE_BYTES = 100 * MiB;

const kernelName = (p: string) => p.split("/").pop() as string;
// Kernel rule: a disk name ending in a digit gets "p" before the partition number (nvme0n1p1, sda1).
const partSuffix = (name: string) => (/\d$/.test(name) ? "p[0-9]+" : "[0-9]+");

/**
 * Stops the named md arrays (`/dev/md0` or `md0`) and any array /proc/mdstat shows using one of
 * `disks` (kernel names or paths) or their partitions; arrays not in mdstat are already stopped.
 */
export function stopArraysCommand(arrays: string[], o: { disks?: string[]; mdstatPath?: string } = {}): string {
  const names = arrays.map(kernelName);
  const disks = (o.disks ?? []).map(kernelName);
  for (const n of [...names, ...disks])
    if (!/^[A-Za-z0-9_-]+$/.test(n)) throw new InputError("arrays", `invalid device name ${JSON.stringify(n)}`);
  if (names.length === 0 && disks.length === 0) return "";
  const mdstat = shellQuote(o.mdstatPath ?? "/proc/mdstat");
  const re = `^(${disks.map((d) => `${d}(${partSuffix(d)})?`).join("|")})$`;
  const awk =
    disks.length === 0
      ? ""
      : `awk '/^md/ { for (i = 3; i <= NF; i++) { n = $i; sub(/\\[.*/, "", n); if (n ~ /${re}/) { print $1; break } } }' ${mdstat} 2>/dev/null || true; `;
  return joinCommands(
    `for md in $( { ${names.length ? `printf '%s\\n' ${names.join(" ")}; ` : ""}${awk}} | sort -u); do`,
    `  if grep -q "^$md :" ${mdstat} 2>/dev/null; then echo "stopping /dev/$md"; mdadm --stop "/dev/$md"; fi`,
    "done",
  );
}

/** Glob of a disk's partition nodes (by-id links use `-partN`). */
function partitionGlob(path: string): string {
  if (path.startsWith("/dev/disk/by-")) return `${shellQuote(path)}-part[0-9]*`;
  return `${shellQuote(path)}${/\d$/.test(path) ? "p" : ""}[0-9]*`;
}

/** Zeros `length` bytes at `offset`, direct to the disk (no second copy in the page cache; dd writes a short last block without O_DIRECT). */
function zeroCommand(target: string, offset: number, length: number): string {
  return `dd if=/dev/zero of=${shellQuote(target)} bs=4M count=${length} iflag=count_bytes seek=${offset} oflag=seek_bytes,direct conv=fsync,notrunc status=none`;
}

/**
 * Wipes a disk: signatures of every partition and of the disk (`wipefs -af`), both GPTs
 * (`sgdisk --zap-all`), zeros over the first and last 100 MiB (clamped to `sizeBytes`), then
 * `blkdiscard` (unsupported discard is fine), then a partition-table re-read. TRIM alone left the Talos
 * STATE partition readable (CAPHR).
 */
export function wipeDiskCommand(disk: string | { path: string }, sizeBytes: number): string {
  const path = typeof disk === "string" ? disk : disk.path;
  if (!path.startsWith("/"))
    throw new InputError("disk", `must be an absolute device path, got ${JSON.stringify(path)}`);
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes <= 0)
    throw new InputError("sizeBytes", `must be a positive integer, got ${sizeBytes}`);
  const t = shellQuote(path);
  const head = Math.min(WIPE_EDGE_BYTES, sizeBytes);
  const tailStart = Math.max(head, sizeBytes - WIPE_EDGE_BYTES);
  return joinCommands(
    `for p in ${partitionGlob(path)}; do if [ -b "$p" ]; then wipefs -af "$p" >/dev/null; fi; done`,
    `wipefs -af ${t} >/dev/null`,
    `sgdisk --zap-all ${t} >/dev/null`,
    zeroCommand(path, 0, head),
    tailStart < sizeBytes && zeroCommand(path, tailStart, sizeBytes - tailStart),
    `blkdiscard -f ${t} 2>/dev/null || true`,
    // sgdisk's own re-read can fail or (loop devices) do nothing; stale partition nodes would outlive the wipe.
    `blockdev --rereadpt ${t} 2>/dev/null || partprobe ${t} 2>/dev/null || true`,
  );
}

/** Makes the kernel re-read the new partition table (busy or missing tools are tolerated), then prints it and sgdisk's verdict. */
export function rereadPartitionsCommand(target: string): string {
  const t = shellQuote(target);
  return joinCommands(
    `blockdev --rereadpt ${t} 2>/dev/null || true`,
    `partprobe ${t} 2>/dev/null || true`,
    "echo '@@gpt'",
    `sgdisk -p ${t} 2>&1`,
    "echo '@@verify'",
    `sgdisk -v ${t} 2>&1`,
  );
}
