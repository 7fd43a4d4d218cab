/**
 * `RobotServer`: Talos Linux installed on one Hetzner dedicated (Robot) server through its rescue
 * system, safely and re-runnably. Runtime: provider/runtime/robot-server/index.ts. Robot credentials come
 * from stack config (`talos-hetzner:robotUser|robotPassword|robotUrl`) or the environment
 * (`HETZNER_ROBOT_USER|HETZNER_ROBOT_PASSWORD|HETZNER_ROBOT_URL`), never from these inputs.
 */
import * as pulumi from "@pulumi/pulumi";
import type { DiskSelector } from "../rescue/select";
import type { OtherDisksPolicy } from "../rescue/safety";
import type { DiskSummary, RobotServerDeadlines, RobotServerImage, TalosState } from "../runtime/robot-server/types";
import { OUTPUT_KEYS } from "../runtime/robot-server/types";
import { TYPE_MODULE, seedOutputs, shimProvider } from "./framework";

export type { DiskSelector, OtherDisksPolicy, DiskSummary, RobotServerDeadlines, RobotServerImage, TalosState };

/** Arguments of `RobotServer`. Only `serverNumber` and `reinstallTrigger` changes replace (reinstall) the server. */
export interface RobotServerArgs {
  /** Robot server number (a positive integer, as in Robot's server list). A change replaces: another machine gets installed. */
  serverNumber: pulumi.Input<number>;
  /** The server's name in Robot (≤ 100 characters); set on create, a change renames in place. @default the Pulumi resource name */
  name?: pulumi.Input<string>;
  /**
   * Who owns the server, recorded in its Robot name as ` @pulumi:<owner>` (Robot keeps no labels on dedicated
   * servers). A server whose name carries another owner is refused before anything changes on it; delete
   * releases it. Set it explicitly to hand a server over to another stack or program that sets the same owner.
   * Updates in place. @default `<project>/<stack>/<resource name>`
   */
  owner?: pulumi.Input<string>;
  /**
   * The Talos image: `{ version, schematicId?, arch? }` for the Image Factory metal image (`.raw.xz` up to
   * v1.7, `.raw.zst` from v1.8; schematic @default vanilla, arch @default "amd64"), or `{ url, version? }` for an
   * explicit raw image (`.raw.xz`, `.raw.zst` or raw; the version is read from the URL when it names one).
   * `sha256` is the expected hash (hex) of the decompressed image; a mismatch fails the install.
   * A change does not reinstall (upgrades belong to the machine-config resource): it is recorded and used
   * by the next reinstall.
   */
  image: pulumi.Input<RobotServerImage>;
  /**
   * Which disk to install to: any of `wwn`, `serial`, `model` (`*` wildcards), `byId` (a `/dev/disk/by-id`
   * name), `minSizeBytes`/`maxSizeBytes` (bytes, inclusive) and `type` (`nvme`/`ssd`/`hdd`); every given field
   * must match and exactly one disk may match, else the install stops listing every disk. Kernel names are not
   * offered: they swap between boots. A change is recorded only (used by the next reinstall and wipeOnDelete).
   */
  installDisk: pulumi.Input<DiskSelector>;
  /**
   * What to do when another disk holds a bootable OS or an EFI system partition, shares an md RAID with the
   * target, or the target carries LVM: `refuse` (stop, naming each disk), `wipe` (wipe those disks' signatures)
   * or `ignore`. @default "refuse". A change is recorded only.
   */
  otherDisks?: pulumi.Input<OtherDisksPolicy>;
  /**
   * MD5 fingerprint of an SSH key already registered in Robot to arm rescue with (the run then logs in with the
   * activation's root password). @default none: an ephemeral ed25519 key is registered for the install and
   * deleted afterwards, also on failure. A change is recorded only.
   */
  rescueKey?: pulumi.Input<string>;
  /**
   * Any value; changing it (also setting it the first time) wipes and reinstalls the server, reported as a
   * replacement in preview. Set on a server whose Talos is already configured, it is the explicit consent to
   * wipe that live node. @default undefined
   */
  reinstallTrigger?: pulumi.Input<string | number | boolean>;
  /**
   * Accept a server that already runs Talos (maintenance mode or configured) instead of reinstalling it: the
   * machine is not touched. A change is recorded only. @default false
   */
  adopt?: pulumi.Input<boolean>;
  /** MAC of the public NIC, only needed to get `networkPatch` for an adopted server (an install reads it). A change is recorded only. */
  nicMac?: pulumi.Input<string>;
  /** Wipe the installed disk through the rescue system when the resource is deleted. @default false (the machine is left untouched). Updates in place. */
  wipeOnDelete?: pulumi.Input<boolean>;
  /**
   * IPv4 CIDRs of the people and CI that run pulumi/talosctl, this program's own address included. When set,
   * the server's Robot firewall is set before rescue is armed (and again before a wipeOnDelete) to admit SSH,
   * the Talos API (50000-50001) and the Kubernetes API (6443) only from them, so neither the rescue system nor
   * Talos maintenance mode answers anyone else; a `RobotFirewall` later replaces it. At most 2 (Robot's 10
   * input rules). Updates in place (used by the next install or wipe). @default none: the firewall is not
   * touched and maintenance mode answers whoever reaches port 50000 until a firewall is applied
   */
  adminCidrs?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Deadlines in seconds: `rescueSeconds` per reset attempt until rescue answers SSH (@default 600; there is
   * one escalation), `installSeconds` for the in-rescue install (@default 1200), `maintenanceSeconds` until
   * Talos answers in maintenance mode after the reboot (@default 900). Updates in place.
   */
  deadlines?: pulumi.Input<RobotServerDeadlines>;
}

/** One Hetzner dedicated server with Talos installed (or adopted); its id is the server number. */
export class RobotServer extends pulumi.dynamic.Resource {
  declare readonly serverNumber: pulumi.Output<number>;
  declare readonly name: pulumi.Output<string>;
  /** The server's name in Robot as last read. */
  declare readonly serverName: pulumi.Output<string>;
  declare readonly ipv4: pulumi.Output<string | null>;
  /** Prefix length Robot reports for the IPv4 network (the patch still uses /32). */
  declare readonly ipv4Prefix: pulumi.Output<number | null>;
  declare readonly ipv4Gateway: pulumi.Output<string | null>;
  /** The server's IPv6 /64. */
  declare readonly ipv6Net: pulumi.Output<string | null>;
  /** The node's IPv6 address in it (`<net>::1`). */
  declare readonly ipv6Address: pulumi.Output<string | null>;
  /** MAC of the public NIC (lowercase). */
  declare readonly mac: pulumi.Output<string | null>;
  declare readonly bootMode: pulumi.Output<"uefi" | "bios" | null>;
  declare readonly smbiosUuid: pulumi.Output<string | null>;
  declare readonly disks: pulumi.Output<DiskSummary[]>;
  /** `/dev/disk/by-id/…` of the disk Talos was written to. */
  declare readonly installDiskPath: pulumi.Output<string | null>;
  declare readonly talosVersion: pulumi.Output<string | null>;
  declare readonly imageUrl: pulumi.Output<string | null>;
  /** sha256 of the decompressed image as written. */
  declare readonly imageSha256: pulumi.Output<string | null>;
  /** ISO 8601 time of the install. */
  declare readonly installedAt: pulumi.Output<string | null>;
  /** Talos config patch for Hetzner routing (static /32 + on-link gateway, IPv6 `::1/64` via fe80::1, NIC by MAC). */
  declare readonly networkPatch: pulumi.Output<string | null>;
  /** What Talos answered at create or the last refresh: maintenance, configured or unreachable. */
  declare readonly talosState: pulumi.Output<TalosState>;
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: RobotServerArgs, opts?: pulumi.CustomResourceOptions) {
    const owner = args.owner ?? `${pulumi.getProject()}/${pulumi.getStack()}/${name}`.replace(/\s/g, "_");
    const props = seedOutputs({ ...args, name: args.name ?? name, owner }, OUTPUT_KEYS);
    super(shimProvider("robot-server"), name, props, opts, TYPE_MODULE, "RobotServer");
  }
}
