/**
 * A UEFI machine's boot variables (Boot####, BootOrder, BootNext, BootCurrent) and how its firmware
 * walks them (UEFI 2.10 §3.1): BootNext once, then BootOrder; a network entry boots the rescue system
 * only when Robot armed it (Hetzner's PXE otherwise hands over to the next entry), a disk entry boots
 * when its disk still has an EFI system partition, and when no entry boots, the firmware falls back to
 * the removable-media path of the disks in order. Hetzner configures network first (contracts/
 * hetzner-robot.md §3.4); a scenario can register an old OS's loader, or put the disks first.
 */
import { MachineSpec } from "../../types";

/** One Boot#### variable. */
export interface EfiEntry {
  /** Four upper-case hex digits ("0001"). */
  id: string;
  description: string;
  target: { kind: "pxe"; ip: 4 | 6 } | { kind: "disk"; disk: number; file: string };
}

/** The boot variables. */
export interface EfiNvram {
  entries: EfiEntry[];
  bootOrder: string[];
  bootNext: string | null;
  bootCurrent: string | null;
}

/** What an old Linux registers (Debian's shim); scenarios with `efi.oldOsEntry` get one per such disk. */
export const OLD_OS_LOADER = "\\EFI\\debian\\shimx64.efi";

const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, "0");

/** The variables a machine starts with; null on legacy BIOS. */
export function initialNvram(spec: MachineSpec): EfiNvram | null {
  if (spec.bootMode !== "uefi") return null;
  const nic = "Intel(R) I210 Gigabit Network Connection";
  const pxe: EfiEntry[] = [
    { id: "0001", description: `UEFI: PXE IPv4 ${nic}`, target: { kind: "pxe", ip: 4 } },
    { id: "0002", description: `UEFI: PXE IPv6 ${nic}`, target: { kind: "pxe", ip: 6 } },
  ];
  const old = spec.efi?.oldOsEntry
    ? spec.disks.flatMap((d, i): EfiEntry[] =>
        d.seed === "old-linux-efi"
          ? [{ id: "", description: "debian", target: { kind: "disk", disk: i, file: OLD_OS_LOADER } }]
          : [],
      )
    : [];
  old.forEach((e, i) => (e.id = hex(3 + i)));
  const ordered = spec.efi?.order === "disks-first" ? [...old, ...pxe] : [...pxe, ...old];
  return { entries: [...pxe, ...old], bootOrder: ordered.map((e) => e.id), bootNext: null, bootCurrent: null };
}

/** What the firmware boots: the armed rescue system, a disk (by index), or the fallback scan. */
export type FirmwareChoice =
  { boot: "rescue"; entry: EfiEntry } | { boot: "disk"; disk: number; entry: EfiEntry | null };

/**
 * Walks BootNext (consumed) then BootOrder. `rescueArmed` says whether PXE would get the rescue
 * image; `hasEsp(i)` whether disk i still has an EFI system partition. Mutates bootNext/bootCurrent.
 */
export function firmwareChoice(
  nv: EfiNvram,
  rescueArmed: boolean,
  hasEsp: (disk: number) => boolean,
): FirmwareChoice | null {
  const order = nv.bootNext ? [nv.bootNext, ...nv.bootOrder] : nv.bootOrder;
  nv.bootNext = null;
  for (const id of order) {
    const e = nv.entries.find((x) => x.id === id);
    if (!e) continue;
    if (e.target.kind === "pxe" ? rescueArmed : hasEsp(e.target.disk)) {
      nv.bootCurrent = e.id;
      return e.target.kind === "pxe" ? { boot: "rescue", entry: e } : { boot: "disk", disk: e.target.disk, entry: e };
    }
  }
  nv.bootCurrent = null;
  return null;
}

/** One change efibootmgr asks for; returns an error text or null. */
export function applyEfiChange(nv: EfiNvram, op: string, arg: string): string | null {
  const ids = arg
    .split(",")
    .filter(Boolean)
    .map((s) => s.toUpperCase());
  const known = (id: string) => nv.entries.some((e) => e.id === id);
  if (ids.some((id) => !/^[0-9A-F]{4}$/.test(id))) return `invalid boot entry number ${arg}`;
  switch (op) {
    case "delete":
      if (!known(ids[0])) return `Could not delete Boot${ids[0]}: No such file or directory`;
      nv.entries = nv.entries.filter((e) => e.id !== ids[0]);
      nv.bootOrder = nv.bootOrder.filter((id) => id !== ids[0]);
      if (nv.bootNext === ids[0]) nv.bootNext = null;
      return null;
    case "order":
      nv.bootOrder = ids;
      return null;
    case "next":
      if (!known(ids[0])) return `Boot entry ${ids[0]} does not exist`;
      nv.bootNext = ids[0];
      return null;
    case "delete-next":
      nv.bootNext = null;
      return null;
    default:
      return `unknown change ${op}`;
  }
}
