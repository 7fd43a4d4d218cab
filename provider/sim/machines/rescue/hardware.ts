/**
 * Turns a MachineSpec into what the rescue system's stand-in tools report: SCSI addresses and
 * vendor strings, udev's /dev/disk/by-id names, and the NIC addresses DHCP hands the rescue.
 */
import { DiskSpec, MachineSpec, NicSpec } from "../../types";
import { HwDisk, HwNic, RescueHardware } from "./tools/hardware";

/** The hardware file content for one machine. */
export function rescueHardware(spec: MachineSpec): RescueHardware {
  return {
    machineId: spec.id,
    kind: spec.kind,
    bootMode: spec.bootMode,
    smbiosUuid: spec.smbiosUuid,
    arch: spec.arch,
    memoryBytes: spec.memoryBytes,
    disks: spec.disks.map((d, i) => hwDisk(d, i)),
    nics: spec.nics.map((n, i) => hwNic(n, i === 0 ? spec : null)),
  };
}

function hwDisk(d: DiskSpec, index: number): HwDisk {
  const scsi = d.transport !== "nvme" && !d.name.startsWith("vd");
  const hctl = !scsi
    ? null
    : d.transport === "sas"
      ? `0:0:${index}:0`
      : d.transport === "virtio"
        ? `0:0:0:${index}`
        : `${index}:0:0:0`;
  const { seed: _seed, ...disk } = d;
  return { ...disk, hctl, vendor: vendor(d), byId: byIdNames(d) };
}

// sysfs pads SCSI vendor strings to 8 characters; libata reports "ATA" for every SATA disk.
function vendor(d: DiskSpec): string | null {
  if (d.transport === "sata") return "ATA     ";
  if (d.transport === "sas") return d.model.split(" ")[0].slice(0, 8).padEnd(8);
  if (d.transport === "virtio" && !d.name.startsWith("vd")) return "QEMU    ";
  return null;
}

/** udev's /dev/disk/by-id names for a whole disk (60-persistent-storage.rules), sorted like `ls`. */
export function byIdNames(d: DiskSpec): string[] {
  const model = d.model.trim().replace(/\s+/g, "_");
  const ids: string[] = [];
  if (d.transport === "nvme") {
    ids.push(`nvme-${model}_${d.serial}`);
    if (d.wwn) ids.push(`nvme-${d.wwn}`);
  } else if (d.transport === "sata") {
    ids.push(`ata-${model}_${d.serial}`);
    if (d.wwn) ids.push(`wwn-${d.wwn}`);
  } else if (d.transport === "sas") {
    if (d.wwn) ids.push(`scsi-3${d.wwn.replace(/^0x/, "")}`, `wwn-${d.wwn}`);
  } else if (d.name.startsWith("vd")) {
    if (d.serial) ids.push(`virtio-${d.serial}`);
  } else ids.push(`scsi-0QEMU_QEMU_HARDDISK_${d.serial || "drive-scsi0-0-0-0"}`);
  return ids.sort();
}

function hwNic(n: NicSpec, configured: MachineSpec | null): HwNic {
  return {
    name: n.rescueName,
    mac: n.mac.toLowerCase(),
    ipv4: configured?.ipv4 ?? null,
    ipv4Prefix: configured?.ipv4Prefix ?? 32,
    gateway: configured?.gateway ?? null,
    ipv6: configured?.ipv6Net ? rescueIpv6(configured.ipv6Net) : null,
    ipv6Net: configured?.ipv6Net ?? null,
    linkLocal: linkLocal(n.mac),
  };
}

/** The address the Hetzner rescue system takes in the server's /64: `<prefix>::2` (CAPH nic-info fixture). */
export function rescueIpv6(net: string): string {
  const prefix = net.split("/")[0];
  return prefix.endsWith("::") ? `${prefix}2` : `${prefix}::2`;
}

/** The EUI-64 link-local address of a MAC (fe80::aaa1:59ff:fe94:1942 for a8:a1:59:94:19:42). */
export function linkLocal(mac: string): string {
  const b = mac.split(":").map((h) => parseInt(h, 16));
  const eui = [b[0] ^ 0x02, b[1], b[2], 0xff, 0xfe, b[3], b[4], b[5]];
  const groups = [0, 2, 4, 6].map((i) => ((eui[i] << 8) | eui[i + 1]).toString(16));
  return `fe80::${groups.join(":")}`;
}
