/**
 * The files one rescue boot copies into its namespace at /usr/lib/rescue-sim: the stand-in tools
 * (compiled tools/*.js plus a shell wrapper per command), the hardware file, the rescue identity
 * (/etc/motd, /etc/hetzner-build) and the simulated /proc/meminfo and /proc/partitions.
 */
import * as fs from "fs";
import * as path from "path";
import { RescueHardware } from "./tools/hardware";
import { RESCUE_TOOLS } from "./toolset";
import { StorageView, mdstat, procSwaps } from "./tools/storage-model";

/** Each stand-in command and the script implementing it (multi-call scripts get the command name first). */
export const STAND_INS: Record<string, { script: string; multiCall?: boolean }> = {
  lsblk: { script: "lsblk.js" },
  dmidecode: { script: "dmidecode.js" },
  efibootmgr: { script: "efibootmgr.js" },
  ip: { script: "ip.js" },
  reboot: { script: "power.js", multiCall: true },
  poweroff: { script: "power.js", multiCall: true },
  halt: { script: "power.js", multiCall: true },
  shutdown: { script: "power.js", multiCall: true },
  systemctl: { script: "power.js", multiCall: true },
  partprobe: { script: "rereadpt.js", multiCall: true },
  blockdev: { script: "rereadpt.js", multiCall: true },
  partx: { script: "rereadpt.js", multiCall: true },
  udevadm: { script: "rereadpt.js", multiCall: true },
  smartctl: { script: "smart.js", multiCall: true },
  nvme: { script: "smart.js", multiCall: true },
  mdadm: { script: "storage.js", multiCall: true },
  swapon: { script: "storage.js", multiCall: true },
  swapoff: { script: "storage.js", multiCall: true },
  lvm: { script: "storage.js", multiCall: true },
  vgchange: { script: "storage.js", multiCall: true },
  vgs: { script: "storage.js", multiCall: true },
  lvs: { script: "storage.js", multiCall: true },
  pvs: { script: "storage.js", multiCall: true },
};

/** The Hetzner rescue system's login banner (the part scripts grep for is "Hetzner Rescue System"). */
export const MOTD = `
-------------------------------------------------------------------

  Welcome to the Hetzner Rescue System.

  This Rescue System is based on Debian GNU/Linux 12 (bookworm) with a custom kernel.
  You can install software like you would in a normal system.

  To install a new operating system from one of our prebuilt
  images, run 'installimage' and follow the instructions.

  Important note: Any data that was not written to the disks
  will be lost during a reboot.

  For additional information, check the following resources:
    Rescue System:           https://docs.hetzner.com/robot/dedicated-server/troubleshooting/hetzner-rescue-system
    Installimage:            https://docs.hetzner.com/robot/dedicated-server/operating-systems/installimage
    Install custom software: https://docs.hetzner.com/robot/dedicated-server/operating-systems/installing-custom-images
    other articles:          https://docs.hetzner.com/robot

-------------------------------------------------------------------

`;

/** Writes the payload directory for one machine. */
export function writePayload(dir: string, hw: RescueHardware): void {
  fs.mkdirSync(path.join(dir, "tools"), { recursive: true });
  fs.mkdirSync(path.join(dir, "bin"), { recursive: true });
  const toolsSrc = path.join(__dirname, "tools");
  for (const f of fs.readdirSync(toolsSrc).filter((f) => f.endsWith(".js")))
    fs.copyFileSync(path.join(toolsSrc, f), path.join(dir, "tools", f));
  for (const [name, { script, multiCall }] of Object.entries(STAND_INS)) {
    const call = `/usr/lib/rescue-sim/tools/${script}${multiCall ? ` ${name}` : ""}`;
    fs.writeFileSync(path.join(dir, "bin", name), `#!/bin/sh\nexec /usr/lib/rescue-sim/node ${call} "$@"\n`, {
      mode: 0o755,
    });
  }
  const tools = new Set([...RESCUE_TOOLS, ...Object.keys(STAND_INS)]);
  fs.writeFileSync(path.join(dir, "toolset"), [...tools].sort().join("\n") + "\n");
  fs.writeFileSync(path.join(dir, "hardware.json"), JSON.stringify(hw, null, 2));
  fs.writeFileSync(path.join(dir, "motd"), MOTD);
  fs.writeFileSync(path.join(dir, "hetzner-build"), `Hetzner Rescue System (simulated), machine ${hw.machineId}\n`);
  fs.writeFileSync(path.join(dir, "meminfo"), meminfo(hw.memoryBytes));
  fs.writeFileSync(path.join(dir, "partitions"), "major minor  #blocks  name\n\n");
  const none: StorageView = { arrays: [], vgs: [], swaps: [] };
  fs.writeFileSync(path.join(dir, "mdstat"), mdstat(none));
  fs.writeFileSync(path.join(dir, "swaps"), procSwaps(none));
  fs.writeFileSync(path.join(dir, "storage.json"), JSON.stringify(none));
}

/** A /proc/meminfo for a machine with `bytes` of RAM and a fresh rescue system. */
export function meminfo(bytes: number): string {
  const kb = Math.floor(bytes / 1024);
  const rows: [string, number][] = [
    ["MemTotal", kb],
    ["MemFree", Math.floor(kb * 0.97)],
    ["MemAvailable", Math.floor(kb * 0.96)],
    ["Buffers", 0],
    ["Cached", 0],
    ["SwapCached", 0],
    ["SwapTotal", 0],
    ["SwapFree", 0],
  ];
  return rows.map(([k, v]) => `${(k + ":").padEnd(16)}${String(v).padStart(8)} kB\n`).join("");
}
