/**
 * Frees disks the rescue kernel is using before they are wiped. Hetzner's rescue assembles the md
 * arrays of a previous installation at boot and activates the LVM volume groups on them, and a swap
 * may be in use; while they hold a disk the kernel refuses exclusive opens (`wipefs` without -f,
 * `mkfs`, `mdadm --zero-superblock`) and partition-table re-reads ("Device or resource busy"), so the
 * kernel would keep the old partitions over the new image. Each layer must go before the one beneath
 * it: swap, then the logical volumes (`vgchange -an`), then the arrays (`mdadm --stop`, innermost first).
 */
import { InputError } from "../internal/errors";
import { joinCommands, shellQuote } from "../internal/shell";

/**
 * Shell text (run under `set -euo pipefail`) that releases everything stacked on `disks` (paths; by-id
 * links are fine): it lists their partitions and holders with `lsblk`, turns off the swaps among them
 * (/proc/swaps), deactivates the volume groups of the logical volumes among them and stops the arrays
 * among them, printing one line per action. A layer that refuses fails the command, naming itself.
 */
export function releaseDisksCommand(disks: string[]): string {
  if (disks.length === 0) return "";
  for (const d of disks)
    if (!d.startsWith("/")) throw new InputError("disks", `must be absolute device paths, got ${JSON.stringify(d)}`);
  const stack = `printf '%s\\n' "$stack"`;
  return joinCommands(
    `stack=$(lsblk -lnpo KNAME,TYPE,NAME ${disks.map(shellQuote).join(" ")} | awk '!seen[$1]++')`,
    `for s in $(awk 'NR > 1 { print $1 }' /proc/swaps 2>/dev/null || true); do`,
    `  if ${stack} | awk -v s="$s" '$1 == s || $3 == s { f = 1 } END { exit !f }'; then echo "swapoff $s"; swapoff "$s"; fi`,
    "done",
    `for vg in $(${stack} | awk '$2 == "lvm" { print $3 }' | xargs -r lvs --noheadings -o vg_name | sort -u); do`,
    `  echo "deactivating volume group $vg"; vgchange -an "$vg" >/dev/null`,
    "done",
    `for md in $(${stack} | awk '$2 ~ /^raid/ { print $1 }' | tac); do`,
    `  if grep -q "^\${md#/dev/} :" /proc/mdstat 2>/dev/null; then echo "stopping $md"; mdadm --stop "$md"; fi`,
    "done",
  );
}
