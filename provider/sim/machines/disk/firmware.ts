/**
 * What the firmware boots (contracts/hetzner-robot.md §3 item 4–5): UEFI takes the first disk, in
 * spec order, that has an EFI system partition — a stale ESP of an old OS wins over Talos on a
 * later disk; legacy BIOS takes the first disk whose MBR carries boot code and the 0x55AA signature.
 */
import { Device, withFileDevice } from "./device";
import { PART_TYPE } from "./gpt";
import { readGpt } from "./gpt-read";

/** Index of the disk the firmware boots, or -1 when no disk is bootable (network boot only). */
export function firmwareBootDisk(files: string[], mode: "uefi" | "bios"): number {
  const bootable = mode === "uefi" ? hasEfiSystemPartition : hasBootableMbr;
  return files.findIndex((f) => withFileDevice(f, false, bootable));
}

/** True when either copy of the disk's GPT lists an EFI system partition. */
export function hasEfiSystemPartition(dev: Device): boolean {
  return readGpt(dev).partitions.some((p) => p.typeGuid === PART_TYPE.efi);
}

/** True when sector 0 has the boot signature and non-zero boot code (e.g. GRUB's boot.img). */
export function hasBootableMbr(dev: Device): boolean {
  const mbr = dev.read(0, 512);
  return mbr.readUInt16LE(510) === 0xaa55 && mbr.subarray(0, 440).some((b) => b !== 0);
}
