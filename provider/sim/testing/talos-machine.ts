/**
 * A minimal machine that boots straight into Talos, for testing the Talos runtime and the talosctl
 * stand-in without loop devices or rescue systems (the real machines live in provider/sim/machines/machine).
 * STATE is kept in memory; reboot and power-off behave like the real machine's hand-over.
 */
import {
  MachineSpec,
  MachineStatus,
  ResetType,
  RescueArm,
  ServedImage,
  SimMachine,
  SimWorld,
  TalosNodeHandle,
} from "../types";

/** A SimMachine whose disk holds Talos `image`. */
export class TalosTestMachine implements SimMachine {
  readonly id: string;
  /** The STATE partition's config. */
  state: string | null = null;
  userData?: string;
  boots = 0;
  private current: MachineStatus = "off";
  private handle: TalosNodeHandle | null = null;
  private filter?: (proto: "tcp" | "udp", port: number, ip: string) => boolean;
  private listeners: ((s: MachineStatus) => void)[] = [];
  private booting: Promise<void> = Promise.resolve();

  constructor(
    readonly world: SimWorld,
    readonly spec: MachineSpec,
    public image: ServedImage,
  ) {
    this.id = spec.id;
  }

  /** Boots Talos (waits until the API listens). */
  async start(): Promise<void> {
    this.booting = this.booting.then(() => this.bootOnce());
    return this.booting;
  }

  /** Resolves when any pending reboot has finished. */
  settled(): Promise<void> {
    return this.booting;
  }

  private async bootOnce(): Promise<void> {
    await this.handle?.stop();
    const cloudConfig = this.image.platform === "hcloud" ? (this.userData ?? null) : null;
    const config = this.state ?? cloudConfig;
    this.boots++;
    this.handle = await this.world.talosRuntime!.boot(this, {
      image: this.image,
      config,
      configSource: this.state ? "state" : cloudConfig ? "user-data" : "none",
      writeState: async (c) => {
        this.state = c;
      },
      reboot: () => void this.start(),
      powerOff: () => void this.powerOff(),
    });
    this.set("talos");
  }

  power(): "on" | "off" {
    return this.current === "off" ? "off" : "on";
  }
  status(): MachineStatus {
    return this.current;
  }
  reset(_t: ResetType): void {
    void this.start();
  }
  powerOn(): void {
    void this.start();
  }
  powerOff(): void {
    this.booting = this.booting.then(async () => {
      await this.handle?.stop();
      this.handle = null;
      this.set("off");
    });
  }
  shutdown(): void {
    this.powerOff();
  }
  armRescue(_a: RescueArm): void {
    /* no rescue system in this machine */
  }
  disarmRescue(): void {
    /* nothing armed */
  }
  rescueArmed(): boolean {
    return false;
  }
  rescueBootTime(): string | null {
    return null;
  }
  diskFile(): string {
    return "";
  }
  inboundAllowed(proto: "tcp" | "udp", port: number, ip: string): boolean {
    return this.filter ? this.filter(proto, port, ip) : true;
  }
  setInboundFilter(f: ((proto: "tcp" | "udp", port: number, ip: string) => boolean) | undefined): void {
    this.filter = f;
  }
  onStatus(l: (s: MachineStatus) => void): void {
    this.listeners.push(l);
  }
  async destroy(): Promise<void> {
    this.powerOff();
    await this.booting;
  }

  private set(s: MachineStatus): void {
    this.current = s;
    for (const l of this.listeners) l(s);
  }
}

/** A machine spec on a loopback address with one disk and one NIC (tests). */
export function testMachineSpec(id: string, ipv4: string, disk = "sda"): MachineSpec {
  const n = ipv4.split(".").map(Number);
  const mac = `52:54:00:${n[1].toString(16).padStart(2, "0")}:${n[2].toString(16).padStart(2, "0")}:${n[3].toString(16).padStart(2, "0")}`;
  return {
    id,
    kind: "robot",
    ipv4,
    ipv4Prefix: 26,
    gateway: null,
    ipv6Net: "2a01:4f8::/64",
    bootMode: "uefi",
    smbiosUuid: "00000000-0000-0000-0000-000000000000",
    arch: "amd64",
    memoryBytes: 64 * 2 ** 30,
    disks: [
      {
        name: disk,
        model: "SAMSUNG MZ7LH480",
        serial: `S45N${id}`,
        wwn: "0x5002538e4054a0a1",
        sizeBytes: 480103981056,
        rotational: false,
        transport: "sata",
      },
    ],
    nics: [{ rescueName: "eth0", talosName: "enp0s31f6", mac }],
  };
}
