/** The machine's disks as Talos sees them: install-disk checks and `Disks.block.talos.dev` specs. */
import { DiskSpec } from "../../types";
import { Data, DataMap, isDataMap } from "../yaml";
import { TalosNode } from "./node";

/** go-humanize `Bytes` (SI): "41 GB", "4.0 GB". */
export function humanizeBytes(n: number): string {
  const units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
  if (n < 10) return `${n} B`;
  const e = Math.floor(Math.log(n) / Math.log(1000));
  const v = n / Math.pow(1000, e);
  return `${v < 10 ? v.toFixed(1) : v.toFixed(0)} ${units[e]}`;
}

function symlinks(d: DiskSpec): string[] {
  const links: string[] = [];
  if (d.wwn) links.push(d.wwn.startsWith("eui.") ? `/dev/disk/by-id/nvme-${d.wwn}` : `/dev/disk/by-id/wwn-${d.wwn}`);
  links.push(`/dev/disk/by-id/${d.transport === "nvme" ? "nvme" : "ata"}-${d.model.replace(/\s+/g, "_")}_${d.serial}`);
  return links;
}

/** The `Disks` resource spec of one disk (snake_case keys, omitempty fields left out when empty). */
export function diskSpec(d: DiskSpec): DataMap {
  const spec: DataMap = {
    dev_path: `/dev/${d.name}`,
    size: d.sizeBytes,
    pretty_size: humanizeBytes(d.sizeBytes),
    io_size: 512,
    sector_size: 512,
    readonly: false,
    cdrom: false,
    model: d.model,
    serial: d.serial,
  };
  if (d.wwn) spec.wwid = d.wwn;
  spec.sub_system = "/sys/class/block";
  spec.transport = d.transport;
  if (d.rotational) spec.rotational = true;
  spec.symlinks = symlinks(d);
  return spec;
}

function sizeMatches(selector: string, size: number): boolean {
  const m = /^(>=|<=|>|<|==)?\s*(\d+(?:\.\d+)?)\s*([KMGTPE]i?B)?$/i.exec(selector.trim());
  if (!m) return false;
  const unit = (m[3] ?? "B").toUpperCase();
  const pow = "BKMGTPE".indexOf(unit[0]);
  const want = Number(m[2]) * Math.pow(unit.includes("I") ? 1024 : 1000, Math.max(0, pow));
  switch (m[1]) {
    case ">=":
      return size >= want;
    case "<=":
      return size <= want;
    case ">":
      return size > want;
    case "<":
      return size < want;
    default:
      return Math.abs(size - want) / want < 0.1;
  }
}

function selectorMatches(sel: DataMap, d: DiskSpec): boolean {
  if (typeof sel.size === "string" && !sizeMatches(sel.size, d.sizeBytes)) return false;
  if (typeof sel.model === "string" && !new RegExp(`^${sel.model.replace(/\*/g, ".*")}$`).test(d.model)) return false;
  if (typeof sel.serial === "string" && sel.serial !== d.serial) return false;
  if (typeof sel.wwid === "string" && sel.wwid !== d.wwn) return false;
  if (typeof sel.name === "string" && sel.name !== `/dev/${d.name}`) return false;
  const type = d.transport === "nvme" ? "nvme" : d.rotational ? "hdd" : "ssd";
  return typeof sel.type !== "string" || sel.type === type;
}

/** The disk an install section selects, or null. */
export function installDisk(node: TalosNode, install: Data | undefined): DiskSpec | null {
  if (!isDataMap(install)) return null;
  const disks = node.machine.spec.disks;
  if (typeof install.disk === "string" && install.disk) {
    return disks.find((d) => `/dev/${d.name}` === install.disk || symlinks(d).includes(install.disk as string)) ?? null;
  }
  return isDataMap(install.diskSelector)
    ? (disks.find((d) => selectorMatches(install.diskSelector as DataMap, d)) ?? null)
    : null;
}

/** Runtime validation of the install target on metal (Talos `RuntimeValidate`); null when fine. */
export function installDiskProblem(node: TalosNode, install: Data | undefined): string | null {
  if (!isDataMap(install)) return null;
  if (installDisk(node, install)) return null;
  if (typeof install.disk === "string" && install.disk)
    return `specified install disk does not exist: ${JSON.stringify(install.disk)}`;
  return isDataMap(install.diskSelector) ? "no disk found matching provided parameters" : null;
}
