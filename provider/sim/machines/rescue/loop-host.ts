/**
 * A bare RescueHost: a machine spec with sparse disk files attached to loop devices, and no power
 * state machine — what a rescue system needs to run on its own (tests, trying rescue scripts).
 * The simulated world's machines (provider/sim/machines/machine) are the full version.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import type { AttachedDisk, RescueHost } from "../machine/machine";
import { EfiNvram, applyEfiChange, initialNvram } from "../machine/efi";
import { DIRECT_IO } from "../machine/loop";
import { MachineSpec, RescueArm } from "../../types";
import { RescueSystem, startRescueSystem } from "./system";

const run = promisify(execFile);

/** A RescueHost over sparse files in `dir` that records what the OS asked for. */
export class LoopHost implements RescueHost {
  /** "reboot" / "poweroff" requests, in order. */
  readonly requests: ("reboot" | "poweroff")[] = [];
  private attached: AttachedDisk[] | null = null;
  /** The UEFI boot variables efibootmgr sees and changes (null on BIOS). */
  readonly nvram: EfiNvram | null;

  constructor(
    readonly spec: MachineSpec,
    readonly dir: string,
  ) {
    this.nvram = initialNvram(spec);
    fs.mkdirSync(dir, { recursive: true });
    spec.disks.forEach((d, i) => {
      if (!fs.existsSync(this.diskFile(i))) fs.writeFileSync(this.diskFile(i), "");
      fs.truncateSync(this.diskFile(i), d.sizeBytes);
    });
  }

  /** Path of the backing file of disk `i`. */
  diskFile(i: number): string {
    return path.join(this.dir, `${this.spec.id}-disk${i}.img`);
  }

  /** Attaches every disk once (`losetup -P --show -f`). */
  async attachLoopDevices(): Promise<AttachedDisk[]> {
    if (this.attached) return this.attached;
    const out: AttachedDisk[] = [];
    for (const [i, spec] of this.spec.disks.entries()) {
      const file = this.diskFile(i);
      out.push({
        spec,
        file,
        loopDevice: (await run("losetup", ["-P", ...DIRECT_IO, "--show", "-f", file])).stdout.trim(),
      });
    }
    return (this.attached = out);
  }

  /** Detaches the loop devices (after flushing them to the files). */
  async detach(): Promise<void> {
    for (const d of this.attached ?? []) {
      const fd = fs.openSync(d.loopDevice, "r");
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      await run("losetup", ["-d", d.loopDevice]);
    }
    this.attached = null;
  }

  osReboot(): void {
    this.requests.push("reboot");
  }

  osPowerOff(): void {
    this.requests.push("poweroff");
  }

  efiVariables(): EfiNvram | null {
    return this.nvram && structuredClone(this.nvram);
  }

  changeEfiVariables(op: string, arg: string): string | null {
    return this.nvram ? applyEfiChange(this.nvram, op, arg) : "EFI variables are not supported on this system.";
  }
}

/** A rescue system booted on a LoopHost. */
export interface LoopRescue {
  host: LoopHost;
  system: RescueSystem;
  /** Stops the rescue system and detaches the loop devices (the disk files stay). */
  stop(): Promise<void>;
}

/** Boots a rescue system for `spec` on sparse files in `dir`. */
export async function bootLoopRescue(spec: MachineSpec, arm: RescueArm, dir: string): Promise<LoopRescue> {
  const host = new LoopHost(spec, dir);
  const system = await startRescueSystem(host, arm).catch(async (e) => {
    await host.detach();
    throw e;
  });
  return { host, system, stop: async () => (await system.stop(), await host.detach()) };
}
