/**
 * A simulated machine: power and boot state machine, one-shot rescue, disks as sparse files (loop
 * devices while in rescue), Talos boots decided by what the disks really hold.
 */
import * as path from "path";
import { logLine } from "../../../internal/log";
import { writeStateFile } from "../disk/state";
import { MachineSpec, RescueArm, ResetType, SimMachine, SimWorld, TalosBoot } from "../../types";
import { withFileDevice } from "../disk/device";
import { hasEfiSystemPartition } from "../disk/firmware";
import { DiskBoot, decideDiskBoot } from "./disk-boot";
import { EfiNvram, applyEfiChange, firmwareChoice, initialNvram } from "./efi";
import { MACHINE_DURATIONS as D } from "./durations";
import { AttachedDisk, LoopSet } from "./loop";
import { RescueService, StartRescue } from "./rescue-link";
import { PowerCore } from "./power-core";

export type { AttachedDisk } from "./loop";

/** What the rescue system needs from the machine it runs on. */
export interface RescueHost {
  readonly spec: MachineSpec;
  /** Idempotent; `losetup -P --show -f <file>` per disk. */
  attachLoopDevices(): Promise<AttachedDisk[]>;
  /** The OS asked to reboot (`reboot`, `shutdown -r`). */
  osReboot(): void;
  /** The OS asked to power off (`poweroff`, `shutdown -h`). */
  osPowerOff(): void;
  /** The UEFI boot variables (null on BIOS), for efibootmgr. */
  efiVariables(): EfiNvram | null;
  /** Changes them as efibootmgr asks ("delete", "order", "next", "delete-next"); an error text or null. */
  changeEfiVariables(op: string, arg: string): string | null;
  /** The Robot/Cloud firewall's verdict on a new inbound connection; absent = no firewall in front (a bare loop host). */
  inboundAllowed?(proto: "tcp" | "udp", port: number, sourceIp: string): boolean;
}

/** How a machine reaches the rest of the world. */
export interface MachineContext {
  world: SimWorld;
  /** Directory holding the disk files. */
  dir: string;
  startRescue: StartRescue;
}

/** A simulated machine (Robot or Cloud), implementing SimMachine for the APIs and RescueHost for the rescue system. */
export class Machine extends PowerCore implements SimMachine, RescueHost {
  readonly id: string;
  userData?: string;
  private arm: RescueArm | null = null;
  private bootTime: string | null = null;
  private filter?: (proto: "tcp" | "udp", port: number, sourceIp: string) => boolean;
  private readonly loops = new LoopSet(() => this.spec.disks.map((spec, i) => ({ spec, file: this.diskFile(i) })));
  private bootReport = "not booted yet";
  private readonly nvram: EfiNvram | null;

  constructor(
    readonly spec: MachineSpec,
    private readonly ctx: MachineContext,
  ) {
    super(ctx.world, () => this.loops.release());
    this.id = spec.id;
    this.nvram = initialNvram(spec);
  }

  efiVariables(): EfiNvram | null {
    return this.nvram && structuredClone(this.nvram);
  }
  changeEfiVariables(op: string, arg: string): string | null {
    return this.nvram ? applyEfiChange(this.nvram, op, arg) : "EFI variables are not supported on this system.";
  }

  /** Robot reset semantics: hw/sw reboot a running box, power toggles (ACPI when on), power_long forces off, man is a no-op here. */
  reset(type: ResetType): void {
    if (this.spec.faults?.resetIgnored) return;
    if (type === "power_long") return this.forceOff();
    if (type === "power") return this.power() === "on" ? this.shutdown() : this.powerUp();
    if ((type === "hw" || type === "sw") && this.power() === "on") this.powerUp();
  }
  powerOn(): void {
    if (this.power() === "off") this.powerUp();
  }
  powerOff(): void {
    this.forceOff();
  }
  /** ACPI power button: the rescue system and Talos shut down; firmware and unknown OSes ignore it. */
  shutdown(): void {
    if (this.status() !== "rescue" && this.status() !== "talos") return;
    const run = this.epoch;
    void this.ctx.world.delay(D.acpiShutdown).then(() => run === this.epoch && this.forceOff());
  }
  armRescue(arm: RescueArm): void {
    this.arm = arm;
    this.bootTime = null;
  }
  disarmRescue(): void {
    this.arm = null;
  }
  rescueArmed(): boolean {
    return this.arm !== null;
  }
  rescueBootTime(): string | null {
    return this.bootTime;
  }
  diskFile(index = 0): string {
    if (!this.spec.disks[index]) throw new Error(`machine ${this.id} has no disk ${index}`);
    return path.join(this.ctx.dir, `disk${index}.img`);
  }
  inboundAllowed(proto: "tcp" | "udp", port: number, sourceIp: string): boolean {
    return this.filter ? this.filter(proto, port, sourceIp) : true;
  }
  setInboundFilter(filter: ((proto: "tcp" | "udp", port: number, sourceIp: string) => boolean) | undefined): void {
    this.filter = filter;
  }
  attachLoopDevices(): Promise<AttachedDisk[]> {
    return this.loops.attach();
  }
  osReboot(): void {
    if (this.status() === "rescue") this.powerUp();
  }
  osPowerOff(): void {
    if (this.status() === "rescue") this.forceOff();
  }
  /** Why the last disk boot ended where it did ("sda boots Talos v1.13.9 in maintenance mode"). */
  lastBootReport(): string {
    return this.bootReport;
  }

  /** After POST: UEFI walks its boot variables (efi.ts); BIOS boots the network first (rescue when armed, one-shot), then the disks. */
  protected async afterPost(run: number): Promise<void> {
    // With rescueNeverBoots the PXE boot fails and the disk boots; the flag stays armed, as Robot keeps
    // `active: true` until a rescue boot really happens (contracts/hetzner-robot.md §1, behaviour 1).
    const pxeRescue = this.arm !== null && !this.spec.faults?.rescueNeverBoots;
    if (this.nvram) {
      const files = this.spec.disks.map((_, i) => this.diskFile(i));
      const choice = firmwareChoice(this.nvram, pxeRescue, (i) =>
        withFileDevice(files[i], false, hasEfiSystemPartition),
      );
      if (choice?.boot === "rescue") return this.bootRescue(run, this.consumeArm());
      return this.bootDisk(run, choice ? `Boot${choice.entry!.id} (${choice.entry!.description}): ` : "", choice?.disk);
    }
    if (pxeRescue) return this.bootRescue(run, this.consumeArm());
    return this.bootDisk(run);
  }

  private consumeArm(): RescueArm {
    const arm = this.arm!;
    this.arm = null;
    this.bootTime = new Date().toISOString();
    return arm;
  }

  private async bootRescue(run: number, arm: RescueArm): Promise<void> {
    await this.ctx.world.delay(D.rescueBoot);
    if (run !== this.epoch) return;
    let svc: RescueService;
    try {
      svc = await this.ctx.startRescue(this, arm);
    } catch (e) {
      await this.loops.release(); // the rescue system attached them before it failed
      throw e;
    }
    if (!this.adopt(run, svc)) return;
    this.bootReport = "PXE boots the armed rescue system";
    this.setStatus("rescue");
  }

  private async bootDisk(run: number, via = "", disk?: number): Promise<void> {
    const files = this.spec.disks.map((_, i) => this.diskFile(i));
    const boot = decideDiskBoot(this.spec, files, this.ctx.world.servedImages, this.userData, disk);
    await this.ctx.world.delay(boot.kind === "talos" ? D.talosBoot : D.noOsBoot);
    if (run !== this.epoch) return;
    this.bootReport = via + boot.reason;
    if (boot.kind !== "talos") return this.setStatus("no-os");
    const runtime = this.ctx.world.talosRuntime;
    if (runtime && !this.adopt(run, await runtime.boot(this, this.talosBoot(run, boot, files[boot.disk])))) return;
    this.setStatus("talos");
  }

  private talosBoot(run: number, boot: Extract<DiskBoot, { kind: "talos" }>, file: string): TalosBoot {
    const current = (what: string) => {
      if (run !== this.epoch) throw new Error(`machine ${this.id}: ${what} after the Talos boot it belongs to ended`);
    };
    return {
      image: boot.image,
      config: boot.config,
      configSource: boot.configSource,
      writeState: async (config) => {
        current("writeState");
        writeStateFile(file, config);
      },
      reboot: () => run === this.epoch && this.powerUp(),
      powerOff: () => run === this.epoch && this.forceOff(),
    };
  }

  /** Logs and surfaces a failed boot step as "no-os" (a simulator bug, not a machine state). */
  protected bootFailed(run: number, err: unknown): void {
    logLine(`[sim ${this.id}] boot failed: ${(err as Error)?.stack ?? err}`);
    this.bootReport = `boot failed: ${(err as Error)?.message ?? err}`;
    if (run === this.epoch) this.setStatus("no-os");
  }
}
