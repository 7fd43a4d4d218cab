/**
 * Parsers for block-device listings printed in the rescue system: `lsblk -J` (util-linux JSON, also the
 * talos-manager column set), `lsblk -P` (key="value" pairs, the CAPH column set), `/dev/disk/by-id`
 * listings and `wipefs -J` signatures. Pure: text in, rows out.
 */

/** One row of an lsblk listing, with the tree flattened into `children`. */
export interface LsblkRow {
  name: string;
  path: string;
  type: string;
  sizeBytes: number;
  model: string | null;
  serial: string | null;
  wwn: string | null;
  rotational: boolean | null;
  transport: string | null;
  fsType: string | null;
  partType: string | null;
  partLabel: string | null;
  children: LsblkRow[];
}

type Raw = Record<string, unknown>;

function str(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const s = String(v).trim();
  return s === "" ? null : s;
}

// lsblk ≥ 2.37 prints ROTA as a JSON boolean, older releases and -P print "0"/"1".
function bool(v: unknown): boolean | null {
  if (typeof v === "boolean") return v;
  const s = str(v);
  return s === null ? null : s === "1" || s === "true";
}

function row(r: Raw): LsblkRow {
  // With `lsblk -p` names are full paths; keep the kernel name in `name` either way.
  const given = str(r.name) ?? str(r.kname) ?? "";
  const name = given.split("/").pop() as string;
  return {
    name,
    path: str(r.path) ?? (given.startsWith("/") ? given : `/dev/${name}`),
    type: str(r.type) ?? "",
    sizeBytes: Number(r.size ?? 0),
    model: str(r.model),
    serial: str(r.serial),
    wwn: str(r.wwn),
    rotational: bool(r.rota),
    transport: str(r.tran),
    fsType: str(r.fstype),
    partType: str(r.parttype)?.toLowerCase() ?? null,
    partLabel: str(r.partlabel),
    children: Array.isArray(r.children) ? (r.children as Raw[]).map(row) : [],
  };
}

/** Parses `lsblk -J` output (`{"blockdevices":[…]}`), tolerating missing columns and string-typed numbers. */
export function parseLsblkJson(text: string): LsblkRow[] {
  const doc = JSON.parse(text) as { blockdevices?: Raw[] };
  if (!doc || !Array.isArray(doc.blockdevices)) throw new Error('lsblk JSON has no "blockdevices" array');
  return doc.blockdevices.map(row);
}

// lsblk -P escapes unsafe bytes as \xHH (util-linux lib/strutils.c).
function unescape(s: string): string {
  return s.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** Parses `lsblk -P` lines (`NAME="sda" TYPE="disk" …`); partitions and holders are attached to the disk rows above them. */
export function parseLsblkPairs(text: string): LsblkRow[] {
  const top: LsblkRow[] = [];
  let disk: LsblkRow | undefined;
  let last: LsblkRow | undefined;
  for (const line of text.split("\n")) {
    const raw: Raw = {};
    for (const m of line.matchAll(/([A-Z0-9:_-]+)="((?:[^"\\]|\\.)*)"/g)) raw[m[1].toLowerCase()] = unescape(m[2]);
    if (raw.name === undefined) continue;
    const r = row(raw);
    if (r.type === "part" && disk) disk.children.push(r);
    else if (r.type !== "disk" && r.type !== "loop" && r.type !== "rom" && last) last.children.push(r);
    else top.push(r);
    if (r.type === "disk") disk = r;
    if (r.type === "disk" || r.type === "part") last = r;
  }
  return top;
}

/** Parses lsblk output in either format (JSON when it starts with `{`, otherwise pairs). */
export function parseLsblk(text: string): LsblkRow[] {
  return text.trimStart().startsWith("{") ? parseLsblkJson(text) : parseLsblkPairs(text);
}

/**
 * Parses a `/dev/disk/by-id` listing, either `find … -printf '%f %l\n'` (`wwn-0x5… ../../sda`) or
 * `ls -l` (`… wwn-0x5… -> ../../sda`), into kernel name → sorted by-id paths.
 */
export function parseByIdListing(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    const arrow = line.indexOf(" -> ");
    const parts =
      arrow >= 0
        ? [line.slice(0, arrow).trim().split(/\s+/).pop() ?? "", line.slice(arrow + 4).trim()]
        : line.trim().split(/\s+/);
    if (parts.length !== 2 || !parts[0] || !parts[1]) continue;
    const kernel = parts[1].split("/").pop() as string;
    const list = out.get(kernel) ?? [];
    list.push(`/dev/disk/by-id/${parts[0]}`);
    out.set(kernel, list.sort());
  }
  return out;
}

/** Parses `@@dev <path>` + `wipefs -J` blocks into device path → signature types found (e.g. `["gpt","PMBR"]`). */
export function parseWipefsBlocks(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const block of text.split(/^@@dev /m).slice(1)) {
    const nl = block.indexOf("\n");
    const dev = (nl < 0 ? block : block.slice(0, nl)).trim();
    const json = nl < 0 ? "" : block.slice(nl + 1).trim();
    const sigs = json ? ((JSON.parse(json) as { signatures?: { type?: string }[] }).signatures ?? []) : [];
    out.set(dev, [...new Set(sigs.map((s) => String(s.type ?? "")).filter((t) => t !== ""))]);
  }
  return out;
}

/** Signature types that describe a partition table rather than content. */
export const PARTITION_TABLE_TYPES = new Set(["gpt", "PMBR", "dos", "atari", "bsd", "sun", "sgi", "mac"]);
