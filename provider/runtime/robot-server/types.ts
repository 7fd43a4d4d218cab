/**
 * Plain types of the `RobotServer` resource (provider/resources/robot-server.ts): its inputs, its
 * outputs and the timing every wait derives from the user's deadlines.
 */
import type { DiskSelector } from "../../rescue/select";
import type { OtherDisksPolicy } from "../../rescue/safety";
import { clamp, secondsToMs } from "../shared/timing";
import { KeysOf, OutputOnlyKeys, resourceSchema } from "../dispatch/schema";
import { EXPECTED_MS, PollPace, pollPace } from "../../internal/pace";

/** Which Talos image to install: a version (Image Factory) or an explicit URL. */
export interface RobotServerImage {
  /** Talos version with the leading `v` (`v1.13.9`). */
  version?: string;
  /** Image Factory schematic id (64 hex). @default the vanilla schematic */
  schematicId?: string;
  /** @default "amd64" */
  arch?: "amd64" | "arm64";
  /** Explicit http(s) URL of a raw disk image (`.raw.xz`, `.raw.zst` or raw); overrides the factory URL. */
  url?: string;
  /** Expected sha256 (hex) of the decompressed raw image that is written to the disk. */
  sha256?: string;
}

/** How long each phase may take, in seconds. */
export interface RobotServerDeadlines {
  /** From a reset until the rescue system accepts SSH, per reset attempt (there is one escalation). @default 600 */
  rescueSeconds?: number;
  /** The whole in-rescue install: inventory, wipe, download and write. @default 1200 */
  installSeconds?: number;
  /** From the reboot until Talos answers in maintenance mode. @default 900 */
  maintenanceSeconds?: number;
}

/** Inputs of `RobotServer` (the user-facing documentation is on `RobotServerArgs`). */
export interface RobotServerInputs {
  serverNumber: number;
  name?: string;
  /** Who owns the server: `<project>/<stack>/<resource>`, recorded in its Robot name (robot-server-owner.ts). */
  owner?: string;
  image: RobotServerImage;
  installDisk: DiskSelector;
  otherDisks?: OtherDisksPolicy;
  rescueKey?: string;
  reinstallTrigger?: string | number | boolean;
  adopt?: boolean;
  nicMac?: string;
  wipeOnDelete?: boolean;
  /** IPv4 CIDRs the install firewall admits to SSH and the Talos/Kubernetes APIs (install-firewall.ts). */
  adminCidrs?: string[];
  deadlines?: RobotServerDeadlines;
}

/** One disk of the inventory as recorded in the outputs (kernel names are informative only: they change between boots). */
export interface DiskSummary {
  name: string;
  byId: string[];
  sizeBytes: number;
  model: string | null;
  serial: string | null;
  wwn: string | null;
  type: "nvme" | "ssd" | "hdd";
}

/** What Talos answered the last time it was asked. */
export type TalosState = "maintenance" | "configured" | "unreachable";

/** Outputs of `RobotServer`: the inputs under the same keys plus what was learned and installed. */
export interface RobotServerOutputs extends RobotServerInputs {
  /** The server's name in Robot as last read. */
  serverName: string;
  ipv4: string | null;
  ipv4Prefix: number | null;
  ipv4Gateway: string | null;
  /** The server's IPv6 /64 (`2a01:4f8:…::/64`). */
  ipv6Net: string | null;
  /** The node's address in it (`<net>::1`). */
  ipv6Address: string | null;
  mac: string | null;
  bootMode: "uefi" | "bios" | null;
  smbiosUuid: string | null;
  disks: DiskSummary[];
  installDiskPath: string | null;
  talosVersion: string | null;
  imageUrl: string | null;
  imageSha256: string | null;
  installedAt: string | null;
  networkPatch: string | null;
  talosState: TalosState;
  adopted: boolean;
}

/**
 * Inputs and outputs of RobotServer, declared once. A new server number or reinstallTrigger replaces
 * (delete first: it is the same machine); everything else updates in place. The rescue key is only a
 * public key, and no output holds key material.
 */
export const ROBOT_SERVER_FIELDS = resourceSchema<
  KeysOf<RobotServerInputs>,
  OutputOnlyKeys<RobotServerOutputs, RobotServerInputs>
>({
  inputs: {
    serverNumber: { replaces: true },
    name: {},
    owner: {},
    image: {},
    installDisk: {},
    otherDisks: {},
    rescueKey: {},
    reinstallTrigger: { replaces: true },
    adopt: {},
    nicMac: {},
    wipeOnDelete: {},
    adminCidrs: {},
    deadlines: {},
  },
  outputs: {
    serverName: {},
    ipv4: {},
    ipv4Prefix: {},
    ipv4Gateway: {},
    ipv6Net: {},
    ipv6Address: {},
    mac: {},
    bootMode: {},
    smbiosUuid: {},
    disks: {},
    installDiskPath: {},
    talosVersion: {},
    imageUrl: {},
    imageSha256: {},
    installedAt: {},
    networkPatch: {},
    talosState: {},
    adopted: {},
  },
});

/** Every input key; outputs repeat them so diff compares like with like (contract §3). */
export const INPUT_KEYS = ROBOT_SERVER_FIELDS.inputKeys;

/** Every output-only key (seeded by the resource class). */
export const OUTPUT_KEYS = ROBOT_SERVER_FIELDS.outputKeys;

/** Deadline defaults in seconds: CAPH measured rescue boots up to 5.5 min and gives image installs 20 min (contracts/hetzner-robot.md §2). */
export const DEFAULT_DEADLINES: Required<RobotServerDeadlines> = {
  rescueSeconds: 600,
  installSeconds: 1200,
  maintenanceSeconds: 900,
};

/** Every wait of one run, in ms; each poll is paced by what it awaits and the world's time scale (internal/pace.ts). */
export interface Timing {
  rescueMs: number;
  installMs: number;
  maintenanceMs: number;
  /** Polls of SSH while the rescue system boots. */
  rescue: PollPace;
  /** Polls of the Talos API while the installed Talos boots. */
  maintenance: PollPace;
  /** Polls of Robot until a `power_long` shows the server off. */
  powerOff: PollPace;
  /** Longest a single talosctl probe may take. */
  probeMs: number;
  /** Longest a server may take to report "shut off" after `power_long`. */
  powerOffMs: number;
}

/** The timing of a run from the (validated) deadlines, in a world running at `timeScale` (1 on real Hetzner). */
export function timingOf(d: RobotServerDeadlines | undefined, timeScale = 1): Timing {
  const s = { ...DEFAULT_DEADLINES, ...d };
  const [rescueMs, installMs, maintenanceMs] = [s.rescueSeconds, s.installSeconds, s.maintenanceSeconds].map(
    secondsToMs,
  );
  const powerOffMs = clamp(rescueMs / 4, 500, 120_000);
  return {
    rescueMs,
    installMs,
    maintenanceMs,
    rescue: pollPace(EXPECTED_MS.rescueBoot, timeScale, rescueMs),
    maintenance: pollPace(EXPECTED_MS.talosBoot, timeScale, maintenanceMs),
    powerOff: pollPace(EXPECTED_MS.powerOff, timeScale, powerOffMs),
    probeMs: clamp(maintenanceMs / 4, 5_000, 30_000),
    powerOffMs,
  };
}
