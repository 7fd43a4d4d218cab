/**
 * Safety checks before writing the install disk (DESIGN decision 6; contracts/hetzner-robot.md §2
 * CAPH detect-linux-on-another-disk, §3.5): another disk holding a bootable OS, an EFI system
 * partition or an md RAID shared with the target can win the boot or be corrupted, so the install
 * stops unless the user chose to wipe (or ignore) those disks.
 *
 * Ceph BlueStore on another disk also refuses by default: it cannot win the boot, but it marks a
 * machine that may still serve a live storage cluster, and reinstalling such a node loses data
 * redundancy; the user must say "wipe" (Rook needs clean disks anyway) or "ignore".
 */
import { SafetyError } from "../internal/errors";
import { DiskInfo, Inventory, PartitionInfo } from "./inventory";

/** What to do about other disks that hold something risky. @default "refuse" */
export type OtherDisksPolicy = "refuse" | "wipe" | "ignore";

/** The outcome: disks to wipe, md arrays to stop (`/dev/md0`) and the findings, one line per disk. */
export interface SafetyPlan {
  wipe: DiskInfo[];
  stopArrays: string[];
  problems: string[];
}

const ESP = "c12a7328-f81f-11d2-ba4b-00a0c93ec93b";
const BIOS_BOOT = "21686148-6449-6e6f-744e-656564454649";
// Discoverable Partitions Specification: root x86-64, root arm64, XBOOTLDR (/boot).
const OS_TYPES = new Set([
  "4f68bce3-e8cd-4db1-96e7-fbcaf984b709",
  "b921b045-1df0-41c3-af44-4c6f280d3fae",
  "bc13c2ff-59e6-4262-a352-b275fd6f7172",
]);
const LINUX_FS = new Set(["ext2", "ext3", "ext4", "xfs", "btrfs"]);

type Dev = {
  path: string;
  fsType: string | null;
  signatures: string[];
  partType?: string | null;
  partLabel?: string | null;
  holders: string[];
};

function devices(d: DiskInfo): Dev[] {
  return [d, ...d.partitions];
}

const has = (dev: Dev, type: string) => dev.fsType === type || dev.signatures.includes(type);

function espFinding(p: PartitionInfo): string | undefined {
  const isEsp = p.partType === ESP || p.partType === "0xef" || (p.fsType === "vfat" && /^EFI/i.test(p.partLabel ?? ""));
  return isEsp ? `EFI system partition ${p.path}` : undefined;
}

// A Linux filesystem alone may be a data disk; it counts as an OS when the disk also shows an ESP,
// a boot-ish label, a root/XBOOTLDR type, swap, or a second Linux filesystem (/boot + / layouts).
function osFindings(d: DiskInfo): string[] {
  const out: string[] = [];
  for (const p of d.partitions) {
    if (p.partType === BIOS_BOOT) out.push(`BIOS boot partition ${p.path} (GRUB)`);
    if (p.partLabel === "STATE" || p.partLabel === "META")
      out.push(`earlier Talos installation (partition ${p.partLabel} ${p.path})`);
  }
  const linux = devices(d).filter((v) => v.fsType !== null && LINUX_FS.has(v.fsType));
  const osHint = d.partitions.some(
    (p) =>
      espFinding(p) !== undefined ||
      OS_TYPES.has(p.partType ?? "") ||
      /boot|root|system/i.test(p.partLabel ?? "") ||
      p.fsType === "swap",
  );
  if (linux.length > 0 && (osHint || linux.length > 1)) {
    out.push(
      `Linux filesystem ${linux.map((v) => `${v.fsType} on ${v.path}`).join(", ")} that looks like an installed OS`,
    );
  }
  return out;
}

/** Array devices (`/dev/md0`) using the disk, from /proc/mdstat and from lsblk holders. */
export function arraysUsing(inv: Pick<Inventory, "mdArrays">, d: DiskInfo): string[] {
  const names = new Set(devices(d).map((v) => v.path.split("/").pop() as string));
  const fromMdstat = inv.mdArrays.filter((a) => a.members.some((m) => names.has(m))).map((a) => a.name);
  const fromHolders = devices(d)
    .flatMap((v) => v.holders)
    .filter((h) => /^md/.test(h));
  return [...new Set([...fromMdstat, ...fromHolders])].sort().map((n) => `/dev/${n}`);
}

function raidFindings(inv: Inventory, d: DiskInfo, target: DiskInfo): string[] {
  const targetArrays = new Set(arraysUsing(inv, target));
  const shared = arraysUsing(inv, d).filter((a) => targetArrays.has(a));
  if (shared.length > 0) return [`md RAID ${shared.join(", ")} spans this disk and the target ${target.name}`];
  const member = devices(d).find((v) => has(v, "linux_raid_member"));
  const targetMember = devices(target).some((v) => has(v, "linux_raid_member"));
  return member && targetMember
    ? [`md RAID member ${member.path} like the target ${target.name} (an array over both would assemble again)`]
    : [];
}

function otherDiskFindings(inv: Inventory, d: DiskInfo, target: DiskInfo): string[] {
  const esp = d.partitions.map(espFinding).filter((f): f is string => f !== undefined);
  const ceph = devices(d)
    .filter((v) => has(v, "ceph_bluestore"))
    .map((v) => `Ceph BlueStore data on ${v.path} (the machine may serve a live Ceph cluster)`);
  return [...esp, ...osFindings(d), ...raidFindings(inv, d, target), ...ceph];
}

function targetFindings(target: DiskInfo): string[] {
  return devices(target)
    .filter((v) => has(v, "LVM2_member"))
    .map((v) => `LVM physical volume on ${v.path} (its volume group may span other disks)`);
}

/**
 * Decides what happens to disks other than the target. "refuse" throws SafetyError naming each
 * disk and why; "wipe" returns the risky disks to wipe; "ignore" wipes nothing. Arrays using the
 * target (or a disk to wipe) are always returned in `stopArrays`, since a busy member cannot be written.
 */
export function evaluateOtherDisks(
  inv: Inventory,
  target: DiskInfo,
  policy: OtherDisksPolicy = "refuse",
  o: { server?: string; policyField?: string } = {},
): SafetyPlan {
  const perDisk = inv.disks
    .map((d) => ({ d, f: d.name === target.name ? targetFindings(d) : otherDiskFindings(inv, d, target) }))
    .filter((x) => x.f.length > 0);
  const problems = perDisk.map(({ d, f }) => `${d.name}${d.name === target.name ? " (target)" : ""}: ${f.join("; ")}`);
  if (policy === "refuse" && problems.length > 0) {
    const field = o.policyField ?? "otherDisks";
    throw new SafetyError(
      `[${o.server ?? "server"}] refusing to install to ${target.name}: disks hold data that can win the boot, share an array with the target or belong to a live cluster (set ${field} to "wipe" to wipe them, or "ignore" to leave them):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
  const wipe = policy === "wipe" ? perDisk.map((x) => x.d).filter((d) => d.name !== target.name) : [];
  const stopArrays = [...new Set([target, ...wipe].flatMap((d) => arraysUsing(inv, d)))].sort();
  return { wipe, stopArrays, problems };
}
