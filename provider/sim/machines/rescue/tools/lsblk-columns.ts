/**
 * lsblk's columns: header, width hint, alignment and JSON type as util-linux 2.38 declares them
 * (misc-utils/lsblk.c `infos[]`), and how each value is derived for a simulated disk or partition.
 */
import { BlockDev } from "./lsblk-devices";

/** JSON type of a column: "size" is a number only with --bytes; "sortnum" is a string. */
export type ColumnKind = "str" | "num" | "size" | "bool" | "sortnum" | "array";

/** How values are rendered. */
export interface ValueOptions {
  bytes: boolean;
  paths: boolean;
  /** JSON, pairs and raw output print MAJ:MIN unpadded. */
  parsable: boolean;
}

/** One column. */
export interface Column {
  name: string;
  /** Width hint: ≥ 1 is a minimum width in table output. */
  whint: number;
  right: boolean;
  kind: ColumnKind;
  value(d: BlockDev, o: ValueOptions): string | null | string[];
}

type Getter = Column["value"];
const col = (name: string, whint: number, right: boolean, kind: ColumnKind, value: Getter): Column => ({
  name,
  whint,
  right,
  kind,
  value,
});
const prop =
  (key: string): Getter =>
  (d) =>
    d.probe()[key] ?? null;
const partProp =
  (key: string): Getter =>
  (d) =>
    d.type === "part" ? (d.probe()[key] ?? null) : null;
const diskOnly =
  (f: (d: BlockDev) => string | null): Getter =>
  (d) =>
    d.type === "disk" ? f(d) : null;
const devName = (d: BlockDev | null, o: ValueOptions) => (d ? (o.paths ? (d.path ?? `/dev/${d.name}`) : d.name) : null);
const kname = (d: BlockDev, o: ValueOptions) => (o.paths ? `/dev/${d.kname ?? d.name}` : (d.kname ?? d.name));
const physical = (d: BlockDev) => d.type === "disk" || d.type === "part";
const size = (n: number, o: ValueOptions) => (o.bytes ? String(n) : humanSize(n));
const ssd = (d: BlockDev) => !d.disk.rotational;
const physSec = (d: BlockDev) => (d.disk.rotational && d.disk.transport !== "nvme" ? "4096" : "512");

/** Every column the stand-in knows, in util-linux's help order. */
export const COLUMNS: Column[] = [
  col("NAME", 0.25, false, "str", (d, o) => devName(d, o)),
  col("KNAME", 0.3, false, "str", kname),
  col("PATH", 0.3, false, "str", (d) => d.path ?? `/dev/${d.name}`),
  col("MAJ:MIN", 6, false, "sortnum", (d, o) =>
    o.parsable ? `${d.major}:${d.minor}` : `${String(d.major).padStart(3)}:${String(d.minor).padEnd(3)}`,
  ),
  col("FSAVAIL", 5, true, "size", () => null),
  col("FSSIZE", 5, true, "size", () => null),
  col("FSTYPE", 0.1, false, "str", prop("TYPE")),
  col("FSUSED", 5, true, "size", () => null),
  col("FSUSE%", 3, true, "str", () => null),
  col("FSVER", 0.1, false, "str", prop("VERSION")),
  col("MOUNTPOINT", 0.1, false, "str", (d) => d.mountpoints()[0] ?? null),
  col("MOUNTPOINTS", 0.1, false, "array", (d) => d.mountpoints()),
  col("LABEL", 0.1, false, "str", prop("LABEL")),
  col("UUID", 36, false, "str", prop("UUID")),
  col("PTUUID", 36, false, "str", (d) => (d.parent ?? d).probe()["PTUUID"] ?? null),
  col(
    "PTTYPE",
    0.1,
    false,
    "str",
    (d) => (d.type === "part" ? d.probe()["PART_ENTRY_SCHEME"] : d.probe()["PTTYPE"]) ?? null,
  ),
  col("PARTTYPE", 36, false, "str", partProp("PART_ENTRY_TYPE")),
  col("PARTLABEL", 0.1, false, "str", partProp("PART_ENTRY_NAME")),
  col("PARTUUID", 36, false, "str", partProp("PART_ENTRY_UUID")),
  col("PARTFLAGS", 36, false, "str", partProp("PART_ENTRY_FLAGS")),
  col("RA", 3, true, "num", () => "128"),
  col("RO", 1, true, "bool", () => "0"),
  col("RM", 1, true, "bool", () => "0"),
  col("HOTPLUG", 1, true, "bool", () => "0"),
  col(
    "MODEL",
    0.1,
    false,
    "str",
    diskOnly((d) => d.disk.model),
  ),
  col(
    "SERIAL",
    0.1,
    false,
    "str",
    diskOnly((d) => d.disk.serial),
  ),
  col("SIZE", 5, true, "size", (d, o) => size(d.sizeBytes, o)),
  col(
    "STATE",
    7,
    false,
    "str",
    diskOnly((d) => (d.disk.transport === "nvme" ? "live" : "running")),
  ),
  col("OWNER", 0.1, false, "str", () => "root"),
  col("GROUP", 0.1, false, "str", () => "disk"),
  col("MODE", 10, false, "str", () => "brw-rw----"),
  col("ALIGNMENT", 6, true, "num", () => "0"),
  col("MIN-IO", 6, true, "num", physSec),
  col("OPT-IO", 6, true, "num", () => "0"),
  col("PHY-SEC", 7, true, "num", physSec),
  col("LOG-SEC", 7, true, "num", () => "512"),
  col("ROTA", 1, true, "bool", (d) => (d.disk.rotational ? "1" : "0")),
  col("SCHED", 0.1, false, "str", (d) => (d.disk.transport === "nvme" ? "none" : "mq-deadline")),
  col("RQ-SIZE", 5, true, "num", (d) => (d.disk.transport === "nvme" ? "1023" : "64")),
  col("TYPE", 4, false, "str", (d) => d.type),
  col("DISC-ALN", 6, true, "num", () => "0"),
  col("DISC-GRAN", 6, true, "size", (d, o) => size(ssd(d) ? 512 : 0, o)),
  col("DISC-MAX", 6, true, "size", (d, o) => size(ssd(d) ? 2147450880 : 0, o)),
  col("DISC-ZERO", 1, true, "bool", () => "0"),
  col("WSAME", 6, true, "size", (_d, o) => size(0, o)),
  col("WWN", 18, false, "str", (d) => (physical(d) ? d.disk.wwn : null)),
  col("RAND", 1, true, "bool", () => "0"),
  col("PKNAME", 0.3, false, "str", (d, o) => devName(d.parent, o)),
  col(
    "HCTL",
    10,
    false,
    "str",
    diskOnly((d) => d.disk.hctl),
  ),
  col("TRAN", 6, false, "str", transport),
  col("SUBSYSTEMS", 0.1, false, "str", (d) => subsystems(d)),
  col("REV", 4, true, "str", () => null),
  col(
    "VENDOR",
    0.1,
    false,
    "str",
    diskOnly((d) => d.disk.vendor),
  ),
  col("ZONED", 0.3, false, "str", () => "none"),
  col("DAX", 1, true, "bool", () => "0"),
];

// lsblk asks the SCSI host for the transport, which partitions have no link to, and otherwise guesses
// from the name (get_transport in lsblk.c): so "sda1" has none but "nvme0n1p1" says "nvme".
function transport(d: BlockDev): string | null {
  if (!physical(d)) return null;
  if (d.name.startsWith("nvme")) return "nvme";
  if (d.name.startsWith("vd")) return "virtio";
  if (d.type === "part") return null;
  return d.disk.transport === "sata" || d.disk.transport === "sas" ? d.disk.transport : null;
}

function subsystems(d: BlockDev): string {
  if (!physical(d)) return "block";
  const chain = {
    sata: "block:scsi:pci",
    sas: "block:scsi:pci",
    nvme: "block:nvme:pci",
    virtio: "block:scsi:virtio:pci",
  };
  return d.name.startsWith("vd") ? "block:virtio:pci" : chain[d.disk.transport];
}

/** util-linux size_to_human_string(SIZE_SUFFIX_1LETTER): "200M", "3.5T", one decimal, 4/5 rounding. */
export function humanSize(bytes: number): string {
  let exp = 0;
  while (exp < 60 && bytes >= 2 ** (exp + 10)) exp += 10;
  const unit = 2 ** exp;
  let dec = Math.floor(bytes / unit);
  let frac = exp ? Math.floor(((bytes - dec * unit) * 1000) / unit) : 0;
  frac = Math.floor((frac + 50) / 100) * 10;
  if (frac === 100) {
    dec++;
    frac = 0;
  }
  const letter = "BKMGTPE"[exp / 10];
  return frac ? `${dec}.${String(frac).padStart(2, "0").replace(/0$/, "")}${letter}` : `${dec}${letter}`;
}
