/**
 * Optional UEFI boot-entry hygiene after writing Talos (contracts/hetzner-robot.md §2 CAPHR, §3.4):
 * stale NVRAM entries of an old OS can boot another disk instead of Talos, and network boot must
 * stay first so the next rescue activation works.
 */
import { joinCommands, shellQuote } from "../internal/shell";

/**
 * Shell text that, on UEFI machines with efibootmgr, deletes entries of OS loaders on disks
 * (`File(\EFI\<vendor>\…)`) other than the removable-media fallback `\EFI\BOOT\` and Talos, then puts
 * network (PXE/IPv4/IPv6) entries first, keeping the rest in order. Does nothing on BIOS machines,
 * without efibootmgr, or when it cannot read the variables.
 */
export function ensureUefiBootOrderCommand(o: { efiDir?: string } = {}): string {
  const efi = shellQuote(o.efiDir ?? "/sys/firmware/efi");
  const entries = "efibootmgr -v | grep -E '^Boot[0-9A-Fa-f]{4}'";
  return joinCommands(
    // efibootmgr exits non-zero where EFI variables are unreadable (some rescue kernels): leave the order then.
    `if [ -d ${efi} ] && command -v efibootmgr >/dev/null 2>&1 && efibootmgr >/dev/null 2>&1; then`,
    "  mount -o remount,rw /sys/firmware/efi/efivars 2>/dev/null || true",
    `  for n in $(${entries} | grep -iE 'File\\(\\\\EFI\\\\' | grep -viE 'File\\(\\\\EFI\\\\BOOT\\\\|talos' | cut -c5-8 || true); do`,
    `    echo "deleting UEFI boot entry Boot$n"; efibootmgr -q -b "$n" -B`,
    "  done",
    `  net=" $(${entries} | grep -iE 'pxe|ipv4|ipv6' | cut -c5-8 | tr '\\n' ' ' || true)"`,
    "  order=$(efibootmgr | sed -n 's/^BootOrder: //p')",
    "  first=''; rest=''",
    `  for n in \${order//,/ }; do case "$net" in *" $n "*) first="$first,$n";; *) rest="$rest,$n";; esac; done`,
    '  new="$first$rest"; new="${new#,}"',
    '  if [ -n "$new" ] && [ "$new" != "$order" ]; then echo "UEFI BootOrder $order -> $new"; efibootmgr -q -o "$new"; fi',
    "fi",
  );
}
