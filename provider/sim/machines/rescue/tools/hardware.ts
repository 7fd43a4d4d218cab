/**
 * The machine's hardware as the rescue system's stand-in tools (lsblk, dmidecode, ip) see it. The
 * simulator writes it as JSON into the rescue namespace; the tools only read it.
 *
 * Everything under tools/ runs inside the rescue namespace as plain Node scripts copied there, so it
 * may import only Node built-ins and its siblings (type-only imports from elsewhere are erased).
 */
import * as fs from "fs";
import * as http from "http";
import type { DiskSpec, MachineSpec } from "../../../types";

/** One disk as the rescue kernel names it: the spec's fields plus what sysfs and udev would add. */
export interface HwDisk extends Omit<DiskSpec, "seed"> {
  /** SCSI host:channel:target:lun, null for NVMe/virtio. */
  hctl: string | null;
  /** SCSI vendor string as sysfs pads it ("ATA     "), null for NVMe/virtio. */
  vendor: string | null;
  /** /dev/disk/by-id names of the whole disk; a partition N gets `<name>-partN`. */
  byId: string[];
}

/** One network interface as the rescue system configured it. */
export interface HwNic {
  name: string;
  mac: string;
  ipv4: string | null;
  ipv4Prefix: number;
  gateway: string | null;
  /** The rescue's global IPv6 address in the server's /64 (Hetzner gives the rescue `::2`). */
  ipv6: string | null;
  /** The server's IPv6 network ("2a01:4f8:10a:1f2d::/64"). */
  ipv6Net: string | null;
  linkLocal: string;
}

/** The whole hardware description. */
export interface RescueHardware extends Pick<MachineSpec, "kind" | "bootMode" | "smbiosUuid" | "arch" | "memoryBytes"> {
  machineId: string;
  disks: HwDisk[];
  nics: HwNic[];
}

/** Where the hardware file lives inside the rescue namespace. */
export const HARDWARE_FILE = "/usr/lib/rescue-sim/hardware.json";

/** Where the simulator keeps the real binaries its stand-ins replaced (for requests they pass through). */
export const REAL_DIR = "/usr/lib/rescue-sim/real";

/** The simulator's control socket inside the rescue namespace (re-read partitions, power). */
export const CONTROL_SOCKET = "/run/rescue-sim/ctl.sock";

/** Reads the hardware file (RESCUE_SIM_HARDWARE overrides the path, for running a tool outside a rescue). */
export function readHardware(): RescueHardware {
  return JSON.parse(fs.readFileSync(process.env.RESCUE_SIM_HARDWARE ?? HARDWARE_FILE, "utf8")) as RescueHardware;
}

/** Kernel name of partition `n` of a disk: sda → sda1, nvme0n1 → nvme0n1p1. */
export function partitionName(disk: string, n: number): string {
  return /\d$/.test(disk) ? `${disk}p${n}` : `${disk}${n}`;
}

/** Sends one request to the simulator's control socket; resolves with status and body text. */
export function control(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: CONTROL_SOCKET, path, method: "POST" }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** Prints `<tool>: <message>` to stderr and exits with `code`, like util-linux tools do. */
export function die(tool: string, message: string, code = 1): never {
  process.stderr.write(`${tool}: ${message}\n`);
  process.exit(code);
}
