/**
 * Contracts between the parts of the local simulator. The Robot webservice (sim/apis/robot), the Cloud
 * API (sim/apis/cloud), the image factory (sim/apis/factory), the machines (sim/machines) and the Talos nodes
 * (sim/talos) only talk to each other through these interfaces.
 */

/** Robot reset types (contracts/hetzner-robot.md §1). */
export type ResetType = "sw" | "hw" | "man" | "power" | "power_long";

/** One simulated disk. */
export interface DiskSpec {
  /** Kernel name in the rescue system: "sda", "nvme0n1". */
  name: string;
  model: string;
  serial: string;
  /** World wide name, e.g. "0x5002538e4054a0a1" (SATA) or "eui.0025388b91b22a55" (NVMe); null when absent. */
  wwn: string | null;
  /** Size in bytes (the backing file is sparse). */
  sizeBytes: number;
  rotational: boolean;
  transport: "sata" | "sas" | "nvme" | "virtio";
  /** What the disk holds before anything runs. @default "empty" */
  seed?: DiskSeed;
}

/** Preinstalled content a scenario can put on a disk. */
export type DiskSeed =
  | "empty"
  | "old-linux-efi" // an old Linux with an EFI system partition (its bootloader can win the boot)
  | "md-member" // a Linux md RAID member (superblock 1.2)
  | "ceph" // a Ceph bluestore data disk
  | "lvm-pv" // an LVM physical volume
  | "raid1-lvm-swap" // installimage with SWRAID 1 + LVM: md0 (/boot), md1 (LVM vg0), a swap partition
  | { talos: { version: string; arch: "amd64" | "arm64"; platform: "metal" | "hcloud"; configured: boolean } };

/** One simulated network interface. */
export interface NicSpec {
  /** Name in the rescue system ("eth0"); Talos names it differently ("enp0s31f6"). */
  rescueName: string;
  /** Name as Talos sees it. */
  talosName: string;
  mac: string;
}

/** Everything that describes one machine's hardware and network. */
export interface MachineSpec {
  /** Unique id in the world: "robot-321" or "cloud-42". */
  id: string;
  kind: "robot" | "cloud";
  /** Public IPv4 — in the simulator a loopback address (127.x.y.z) that the machine's services bind to; null for IPv6-only. */
  ipv4: string | null;
  /** IPv4 prefix length DHCP would hand out (Hetzner: /26 on dedicated servers, /32 on cloud). */
  ipv4Prefix: number;
  /** IPv4 gateway. */
  gateway: string | null;
  /** The server's IPv6 /64, e.g. "2a01:4f8:10a:1f2d::/64". */
  ipv6Net: string;
  bootMode: "uefi" | "bios";
  /** SMBIOS system UUID (scenarios may give one with an all-zero tail). */
  smbiosUuid: string;
  arch: "amd64" | "arm64";
  memoryBytes: number;
  disks: DiskSpec[];
  nics: NicSpec[];
  /** Initial power state. @default "on" */
  power?: "on" | "off";
  /** Port the rescue SSH server listens on. @default 22 */
  sshPort?: number;
  /** The rescue system's SSH host key type. @default "ed25519" */
  hostKeyType?: "ed25519" | "rsa";
  /** The rescue system has the swap partitions it finds in use (as after an earlier session's `swapon -a`). */
  rescueSwapOn?: boolean;
  /** Fault knobs for this machine. */
  faults?: MachineFaults;
  /** UEFI boot variables beyond Hetzner's default (PXE IPv4, PXE IPv6, then the disks' fallback path). */
  efi?: {
    /** Each `old-linux-efi` disk's loader is registered as a Boot#### entry ("debian"). */
    oldOsEntry?: boolean;
    /** Where those entries stand: after the network entries (Hetzner's setup) or before them. @default "network-first" */
    order?: "network-first" | "disks-first";
  };
}

/** Per-machine fault injection. */
export interface MachineFaults {
  /** Resets are accepted by the API but the machine does not react. */
  resetIgnored?: boolean;
  /** The machine never reaches the rescue system (e.g. disk boots before network). */
  rescueNeverBoots?: boolean;
  /** Talos never comes up from the disk (e.g. broken firmware). */
  talosNeverBoots?: boolean;
  /** Drop SSH sessions after this many bytes written to a disk (simulates a connection loss during dd). */
  dropSshAfterBytes?: number;
  /** Cut the power after this many bytes written to a disk, once (the machine is off mid-write, as after a PSU or PDU failure). */
  powerLossAfterBytes?: number;
  /** The rescue system presents another host key than the one its activation was given (someone else answers). */
  rescueHostKeyMismatch?: boolean;
}

/** What a machine is running right now. */
export type MachineStatus = "off" | "booting" | "rescue" | "talos" | "no-os";

/** What arming the rescue system hands to the machine. */
export interface RescueArm {
  /** OpenSSH public key lines accepted by the rescue SSH server. */
  authorizedKeys: string[];
  /** Root password accepted by the rescue SSH server. */
  password: string;
  /** The activation's host key (OpenSSH private key), when Robot generated and reported one; else each boot makes its own. */
  hostKey?: string;
  /** Every authentication method a client tried on this activation's rescue system, in order (for tests). */
  logins?: string[];
}

/** A simulated machine, driven by the Robot and Cloud APIs. */
export interface SimMachine {
  readonly spec: MachineSpec;
  readonly id: string;
  power(): "on" | "off";
  status(): MachineStatus;
  /** Robot reset semantics (hw resets a running box; power toggles; power_long forces off). */
  reset(type: ResetType): void;
  /** Cloud power actions. */
  powerOn(): void;
  powerOff(): void;
  /** ACPI shutdown request: the OS shuts down if it is running one that listens. */
  shutdown(): void;
  /** Arms rescue for the next boot (one-shot: consumed by that boot). */
  armRescue(arm: RescueArm): void;
  disarmRescue(): void;
  rescueArmed(): boolean;
  /** ISO time the armed rescue was booted, or null. */
  rescueBootTime(): string | null;
  /** Path of the backing file of disk `index` (for snapshots and tests). */
  diskFile(index?: number): string;
  /** Cloud: user-data given at creation, read by Talos at boot. */
  userData?: string;
  /** Inbound filter installed by the Robot/Cloud firewall simulation; undefined = allow all. */
  inboundAllowed(proto: "tcp" | "udp", port: number, sourceIp: string): boolean;
  setInboundFilter(filter: ((proto: "tcp" | "udp", port: number, sourceIp: string) => boolean) | undefined): void;
  /** Subscribe to status changes. */
  onStatus(listener: (status: MachineStatus) => void): void;
  /** Stops every service of the machine and removes its loop devices (disk files stay). */
  destroy(): Promise<void>;
}

/** Fault knobs per service. */
export interface ServiceFaults {
  /** Multiply every simulated latency (0 = instant). @default 1 */
  latencyScale?: number;
  /** Probability (0..1) that a request fails with a 5xx. */
  error5xxRate?: number;
  /** Fail the next N requests with 429 (Cloud) / 403 RATE_LIMIT_EXCEEDED (Robot). */
  rateLimitNext?: number;
  /** Cloud: make actions of these commands end in status "error". */
  failActions?: string[];
  /** Cloud: answer the next request to each of these endpoints ("POST /servers/{id}/actions/create_image") 503 unavailable, once. */
  unavailableOnce?: string[];
  /** Cloud: multiply action durations. */
  slowActions?: number;
  /** Robot: answer the next N requests 503 (maintenance) with a plain, non-JSON body. */
  maintenanceNext?: number;
  /** Robot: the next N POST /reset answer 500 RESET_FAILED without resetting. */
  resetFailNext?: number;
  /** Robot: servers whose boot configuration is locked: POST /boot/{n}/rescue answers 409 BOOT_BLOCKED. */
  bootBlocked?: number[];
}

/** The shared world every simulated service sees. */
export interface SimWorld {
  /** Scale from realistic durations to simulated ones (0.001 = a 4 min rescue boot takes 240 ms). */
  readonly timeScale: number;
  /** Directory for disk files, keys and state. */
  readonly stateDir: string;
  readonly machines: Map<string, SimMachine>;
  /** Waits a realistic duration scaled by timeScale. */
  delay(realisticMs: number): Promise<void>;
  /** Real ms so far in which at least one `delay` was pending (benchmarks: the share of simulated service time). */
  delayCoveredMs?(): number;
  /** Creates (and powers per spec) a machine. */
  createMachine(spec: MachineSpec, from?: { diskImageFile?: string; userData?: string }): Promise<SimMachine>;
  /** Removes a machine (cloud server delete). */
  removeMachine(id: string): Promise<void>;
  /** Talos images the factory served: sha256 of raw image content → what it is. Used to decide what boots. */
  readonly servedImages: Map<string, ServedImage>;
  /** Machine owning an IPv4 (loopback) address. */
  machineByIp(ip: string): SimMachine | undefined;
  /** The Talos runtime (installed by sim/talos); machines call it when they boot Talos. */
  talosRuntime?: TalosRuntime;
}

/** Identity of a synthetic Talos image. */
export interface ServedImage {
  version: string;
  arch: "amd64" | "arm64";
  platform: "metal" | "hcloud";
  schematic: string;
}

/** What a machine hands the Talos runtime when its disk (or snapshot) boots Talos. */
export interface TalosBoot {
  /** Which synthetic image is on the disk. */
  image: ServedImage;
  /** Machine config found on the STATE partition (or in cloud user-data), null → maintenance mode. */
  config: string | null;
  /** Where the config came from. */
  configSource: "state" | "user-data" | "none";
  /** Persists a config on the disk's STATE partition (null wipes it), so it survives reboots and dies with a wipe. */
  writeState(config: string | null): Promise<void>;
  /** Asks the machine to reboot (apply-config with reboot, upgrade, reset --reboot). */
  reboot(): void;
  /** Asks the machine to power off. */
  powerOff(): void;
}

/** A running Talos node (the simulator's apid on `<ipv4>:50000`). */
export interface TalosNodeHandle {
  stop(): Promise<void>;
}

/** Implemented by sim/talos and installed on the world: boots Talos nodes. */
export interface TalosRuntime {
  boot(machine: SimMachine, boot: TalosBoot): Promise<TalosNodeHandle>;
}
