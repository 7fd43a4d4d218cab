/**
 * The rescue-system inventory: one shell script that prints every fact the install needs in
 * delimited sections, and the pure parser of its output (contracts/hetzner-robot.md §2).
 */
import { TalosHetznerError } from "../internal/errors";
import { joinCommands } from "../internal/shell";
import { LsblkRow, PARTITION_TABLE_TYPES, parseByIdListing, parseLsblk, parseWipefsBlocks } from "./commands-lsblk";
import { MdArray, NicInfo, parseIpJson, parseMdstat, parseMemTotal, parseSystemUuid } from "./commands-sysinfo";

export { MdArray, NicInfo } from "./commands-sysinfo";

/** One partition of a disk. */
export interface PartitionInfo {
  name: string;
  path: string;
  sizeBytes: number;
  /** GPT type GUID lowercased (`c12a7328-…` for an ESP) or MBR type (`0x83`); null when unknown. */
  partType: string | null;
  partLabel: string | null;
  fsType: string | null;
  /** Every signature wipefs found (more than one means an ambivalent device). */
  signatures: string[];
  /** Devices stacked on top (`md0`, LVM volumes) as lsblk showed them. */
  holders: string[];
}

/** One whole disk. */
export interface DiskInfo {
  name: string;
  path: string;
  /** `/dev/disk/by-id/…` links pointing at the disk, sorted. */
  byId: string[];
  sizeBytes: number;
  model: string | null;
  serial: string | null;
  wwn: string | null;
  rotational: boolean;
  transport: string | null;
  type: "nvme" | "ssd" | "hdd";
  /** Signature on the whole disk (a partition table is not a filesystem, so `gpt` is not listed here). */
  fsType: string | null;
  signatures: string[];
  holders: string[];
  partitions: PartitionInfo[];
}

/** Everything learned about one machine in its rescue system. */
export interface Inventory {
  hostname: string;
  disks: DiskInfo[];
  bootMode: "uefi" | "bios";
  smbiosUuid: string;
  nics: NicInfo[];
  mdArrays: MdArray[];
  memoryBytes?: number;
}

/** The inventory could not be read or describes a machine we must not install. */
export class InventoryError extends TalosHetznerError {
  constructor(
    readonly server: string,
    message: string,
  ) {
    super(`[${server}] ${message}`);
    this.name = "InventoryError";
  }
}

const MARK = "@@talos-hetzner:";
const LSBLK = "lsblk -J -b -o NAME,KNAME,PATH,TYPE,SIZE,MODEL,SERIAL,WWN,ROTA,TRAN,FSTYPE,PARTTYPE,PARTLABEL";
// Device globs instead of a second lsblk: names as the kernel gives them in the rescue system.
const DEVICES = "/dev/sd[a-z]* /dev/vd[a-z]* /dev/hd[a-z]* /dev/xvd[a-z]* /dev/nvme[0-9]*n[0-9]*";

/** The inventory script (run under `set -euo pipefail`); optional tools failing leave their section empty. */
export function inventoryScript(): string {
  return joinCommands(
    `s() { printf '\\n${MARK}%s@@\\n' "$1"; }`,
    `s lsblk; ${LSBLK} || true`,
    "s by-id; find /dev/disk/by-id -mindepth 1 -maxdepth 1 -printf '%f %l\\n' 2>/dev/null || true",
    "s smbios; dmidecode -s system-uuid 2>/dev/null || true",
    "s boot; if [ -d /sys/firmware/efi ]; then echo uefi; else echo bios; fi",
    "s addr; ip -j addr 2>/dev/null || true",
    "s route; ip -j route 2>/dev/null || true",
    `s signatures; for d in ${DEVICES}; do if [ -b "$d" ]; then echo "@@dev $d"; wipefs -J -n "$d" 2>/dev/null || true; fi; done`,
    "s mdstat; cat /proc/mdstat 2>/dev/null || true",
    "s meminfo; grep -m1 '^MemTotal:' /proc/meminfo 2>/dev/null || true",
    "s hostname; hostname 2>/dev/null || cat /etc/hostname 2>/dev/null || true",
    "s end",
  );
}

/** Splits script output into its named sections. */
export function splitSections(output: string): Map<string, string> {
  const out = new Map<string, string>();
  const parts = output.split(new RegExp(`^${MARK}([a-z0-9-]+)@@$`, "m"));
  for (let i = 1; i + 1 < parts.length; i += 2) out.set(parts[i], parts[i + 1].replace(/^\n/, "").replace(/\n$/, ""));
  return out;
}

function contentType(lsblkFs: string | null, sigs: string[]): string | null {
  return lsblkFs ?? sigs.find((s) => !PARTITION_TABLE_TYPES.has(s)) ?? null;
}

const holdersOf = (r: LsblkRow) => r.children.filter((c) => c.type !== "part").map((c) => c.name);

function toPartition(r: LsblkRow, sigs: Map<string, string[]>): PartitionInfo {
  const signatures = sigs.get(r.path) ?? [];
  return {
    name: r.name,
    path: r.path,
    sizeBytes: r.sizeBytes,
    partType: r.partType,
    partLabel: r.partLabel,
    fsType: contentType(r.fsType, signatures),
    signatures,
    holders: holdersOf(r),
  };
}

function diskType(r: LsblkRow): DiskInfo["type"] {
  if (r.transport === "nvme" || r.name.startsWith("nvme")) return "nvme";
  return r.rotational ? "hdd" : "ssd";
}

// zram/ram/loop devices are rescue-system internals, never install targets.
function isRealDisk(r: LsblkRow): boolean {
  return r.type === "disk" && r.sizeBytes > 0 && !/^(zram|ram|loop|md|dm-)/.test(r.name);
}

function toDisk(r: LsblkRow, byId: Map<string, string[]>, sigs: Map<string, string[]>): DiskInfo {
  const signatures = sigs.get(r.path) ?? [];
  return {
    name: r.name,
    path: r.path,
    byId: byId.get(r.name) ?? [],
    sizeBytes: r.sizeBytes,
    model: r.model,
    serial: r.serial,
    wwn: r.wwn,
    rotational: r.rotational ?? false,
    transport: r.transport,
    type: diskType(r),
    fsType: contentType(r.fsType, signatures),
    signatures,
    holders: holdersOf(r),
    partitions: r.children.filter((c) => c.type === "part").map((c) => toPartition(c, sigs)),
  };
}

/** Parses the lsblk section alone (JSON or pairs) into disks, with optional by-id and signature sections. */
export function parseDisks(lsblk: string, byIdText = "", signaturesText = ""): DiskInfo[] {
  const byId = parseByIdListing(byIdText);
  const sigs = parseWipefsBlocks(signaturesText);
  return parseLsblk(lsblk)
    .filter(isRealDisk)
    .map((r) => toDisk(r, byId, sigs));
}

/**
 * Rejects an SMBIOS UUID that is empty, all zero or ends in `-000000000000`: the board was not
 * initialised, Talos node identity would collide, and only Hetzner support can fix it (talos-manager).
 */
export function checkSmbiosUuid(uuid: string, server: string): void {
  if (uuid === "" || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(uuid)) {
    throw new InventoryError(
      server,
      `dmidecode -s system-uuid printed no usable SMBIOS UUID (${JSON.stringify(uuid)}); Talos needs one for its node identity`,
    );
  }
  if (/^[0-]+$/.test(uuid) || uuid.endsWith("-000000000000")) {
    throw new InventoryError(
      server,
      `SMBIOS system UUID ${uuid} is ${/^[0-]+$/.test(uuid) ? "all zero" : "zero in its last 12 digits"}: the board was not initialised, so Talos node identities would collide; open a Hetzner support ticket asking them to set a unique system UUID for this server`,
    );
  }
}

function parsed<T>(server: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw Object.assign(new InventoryError(server, `cannot parse ${what} output: ${(e as Error).message}`), {
      cause: e,
    });
  }
}

/** Parses the inventory script's output; throws InventoryError naming `server` when output is truncated or unparseable or the SMBIOS UUID is bad. */
export function parseInventory(output: string, o: { server: string; checkSmbios?: boolean }): Inventory {
  const sec = splitSections(output);
  if (!sec.has("end") || !sec.get("lsblk")?.trim()) {
    throw new InventoryError(
      o.server,
      `inventory output is incomplete (sections: ${[...sec.keys()].join(",") || "none"}; lsblk and end are required)`,
    );
  }
  const get = (name: string) => sec.get(name) ?? "";
  const disks = parsed(o.server, "lsblk", () => parseDisks(get("lsblk"), get("by-id"), get("signatures")));
  const smbiosUuid = parseSystemUuid(get("smbios"));
  if (o.checkSmbios !== false) checkSmbiosUuid(smbiosUuid, o.server);
  const inv: Inventory = {
    hostname: get("hostname").trim(),
    disks,
    smbiosUuid,
    bootMode: get("boot").trim() === "uefi" ? "uefi" : "bios",
    nics: parsed(o.server, "ip -j addr/route", () => parseIpJson(get("addr"), get("route"))),
    mdArrays: parseMdstat(get("mdstat")),
  };
  const mem = parseMemTotal(get("meminfo"));
  if (mem !== undefined) inv.memoryBytes = mem;
  return inv;
}
