/**
 * Install-disk selection by stable hardware identity (contracts/hetzner-robot.md §3.5: NVMe names
 * swap between boots, so pick by WWN, serial or by-id, never by kernel name).
 */
import { InputError, TalosHetznerError } from "../internal/errors";
import { DiskInfo, Inventory } from "./inventory";

/** Which disk to install to; every given field must match, and exactly one disk may match. */
export interface DiskSelector {
  /** World wide name in any common spelling: `0x5000…`, `naa.5000…`, `eui.0025…`, `wwn-0x5000…` (case-insensitive). */
  wwn?: string;
  /** Serial number (case-insensitive). */
  serial?: string;
  /** Model (case-insensitive; `*` matches any run of characters). */
  model?: string;
  /** A `/dev/disk/by-id` link, with or without the directory. */
  byId?: string;
  /** Smallest acceptable size in bytes (inclusive). */
  minSizeBytes?: number;
  /** Largest acceptable size in bytes (inclusive). */
  maxSizeBytes?: number;
  type?: "nvme" | "ssd" | "hdd";
}

const FIELDS = ["wwn", "serial", "model", "byId", "minSizeBytes", "maxSizeBytes", "type"] as const;

/** No disk or more than one disk matched the selector; the message lists every disk of the machine. */
export class DiskSelectionError extends TalosHetznerError {
  constructor(
    readonly selector: DiskSelector,
    readonly matched: DiskInfo[],
    readonly disks: DiskInfo[],
    message: string,
  ) {
    super(message);
    this.name = "DiskSelectionError";
  }
}

/** Reduces a WWN to lowercase hex: strips `/dev/disk/by-id/`, `wwn-`, `nvme-`, `0x`, `naa.`, `eui.`. */
export function normalizeWwn(wwn: string): string {
  return wwn
    .trim()
    .toLowerCase()
    .replace(/^\/dev\/disk\/by-id\//, "")
    .replace(/^(wwn-|nvme-(?=eui\.))/, "")
    .replace(/^(0x|naa\.|eui\.)/, "");
}

/** Human size with binary units and one decimal (`476.9 GiB`). */
export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) [v, i] = [v / 1024, i + 1];
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`;
}

function checkString(sel: Record<string, unknown>, key: string, field: string): void {
  if (sel[key] !== undefined && (typeof sel[key] !== "string" || (sel[key] as string).trim() === "")) {
    throw new InputError(`${field}.${key}`, "must be a non-empty string");
  }
}

function checkSize(sel: Record<string, unknown>, key: string, field: string): void {
  const v = sel[key];
  if (v !== undefined && (typeof v !== "number" || !Number.isSafeInteger(v) || v <= 0)) {
    throw new InputError(`${field}.${key}`, `must be a positive integer number of bytes, got ${JSON.stringify(v)}`);
  }
}

/** Validates a selector without any inventory (usable in `check`/preview); throws InputError naming the field. */
export function validateDiskSelector(sel: unknown, field = "installDisk"): DiskSelector {
  const needed = `at least one of ${FIELDS.join(", ")}`;
  if (typeof sel !== "object" || sel === null || Array.isArray(sel))
    throw new InputError(field, `must be an object with ${needed}`);
  const s = sel as Record<string, unknown>;
  const unknown = Object.keys(s).filter((k) => !(FIELDS as readonly string[]).includes(k));
  if (unknown.length > 0)
    throw new InputError(field, `unknown field ${JSON.stringify(unknown[0])} (known: ${FIELDS.join(", ")})`);
  if (FIELDS.every((k) => s[k] === undefined)) throw new InputError(field, `must set ${needed}`);
  for (const k of ["wwn", "serial", "model", "byId"]) checkString(s, k, field);
  for (const k of ["minSizeBytes", "maxSizeBytes"]) checkSize(s, k, field);
  if (s.type !== undefined && !["nvme", "ssd", "hdd"].includes(s.type as string)) {
    throw new InputError(`${field}.type`, `must be "nvme", "ssd" or "hdd", got ${JSON.stringify(s.type)}`);
  }
  if (typeof s.minSizeBytes === "number" && typeof s.maxSizeBytes === "number" && s.minSizeBytes > s.maxSizeBytes) {
    throw new InputError(field, `minSizeBytes (${s.minSizeBytes}) is larger than maxSizeBytes (${s.maxSizeBytes})`);
  }
  return s as DiskSelector;
}

const same = (a: string | null, b: string) => a !== null && a.trim().toLowerCase() === b.trim().toLowerCase();
const base = (p: string) => p.replace(/^\/dev\/disk\/by-id\//, "");

function globMatch(value: string | null, pattern: string): boolean {
  if (value === null) return false;
  const re = pattern
    .trim()
    .toLowerCase()
    .split("*")
    .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${re}$`).test(value.trim().toLowerCase());
}

/** True when the disk satisfies every field the selector sets. */
export function diskMatches(d: DiskInfo, s: DiskSelector): boolean {
  const wwns = [d.wwn, ...d.byId.filter((p) => /^(wwn-|nvme-eui\.)/.test(base(p)))]
    .filter((w): w is string => !!w)
    .map(normalizeWwn);
  return (
    (s.wwn === undefined || wwns.includes(normalizeWwn(s.wwn))) &&
    (s.serial === undefined || same(d.serial, s.serial)) &&
    (s.model === undefined || globMatch(d.model, s.model)) &&
    (s.byId === undefined || d.byId.some((p) => base(p) === base(s.byId as string))) &&
    (s.minSizeBytes === undefined || d.sizeBytes >= s.minSizeBytes) &&
    (s.maxSizeBytes === undefined || d.sizeBytes <= s.maxSizeBytes) &&
    (s.type === undefined || d.type === s.type)
  );
}

/** One line describing a disk for error messages and logs. */
export function describeDisk(d: DiskInfo): string {
  const q = (v: string | null) => (v === null ? "-" : JSON.stringify(v));
  const ids = d.byId.length ? d.byId.map(base).join(", ") : "-";
  return `${d.name}: ${d.sizeBytes} bytes (${formatBytes(d.sizeBytes)}), ${d.type}, model ${q(d.model)}, serial ${q(d.serial)}, wwn ${d.wwn ?? "-"}, by-id ${ids}`;
}

/** The most stable path of a disk: a `wwn-` link, else an `nvme-eui.` link, else any by-id link, else the kernel path. */
export function stableDevicePath(d: DiskInfo): string {
  const pick = (re: RegExp) => d.byId.find((p) => re.test(base(p)));
  return pick(/^wwn-/) ?? pick(/^nvme-eui\./) ?? d.byId[0] ?? d.path;
}

/** Returns the one disk matching the selector; throws DiskSelectionError listing every disk when none or several match. */
export function selectInstallDisk(inv: Pick<Inventory, "disks">, selector: DiskSelector, server = "server"): DiskInfo {
  const sel = validateDiskSelector(selector);
  const matched = inv.disks.filter((d) => diskMatches(d, sel));
  if (matched.length === 1) return matched[0];
  const what =
    matched.length === 0
      ? `matched no disk on ${server}`
      : `matched ${matched.length} disks on ${server} (${matched.map((d) => d.name).join(", ")}), add wwn or serial to pick one`;
  const list = inv.disks.length ? inv.disks.map((d) => `  - ${describeDisk(d)}`).join("\n") : "  (none)";
  throw new DiskSelectionError(
    sel,
    matched,
    inv.disks,
    `[installDisk] ${JSON.stringify(sel)} ${what}; disks:\n${list}`,
  );
}
