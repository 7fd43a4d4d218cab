/**
 * A machine's simulated Hetzner rescue system: an SSH server on the machine's address whose commands
 * run with the real tools in a Linux namespace where the machine's loop-backed disks are /dev/sdX or
 * /dev/nvmeXnY and nothing of the host's block devices is reachable. The machine starts one per
 * rescue boot and stops it when it resets or powers off.
 */
import { ChildProcess } from "child_process";
import { createHash } from "crypto";
import { utils as sshUtils } from "ssh2";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { logLine } from "../../../internal/log";
import type { AttachedDisk, RescueHost } from "../machine/machine";
import { RescueArm } from "../../types";
import { startControlServer } from "./control";
import { BackedDisk, kernelNodes, rereadPartitions, syncDevices } from "./devices";
import { watchDiskWrites } from "./fault";
import { rescueHardware } from "./hardware";
import { rescueHostKey } from "./host-key";
import { RescueStorage } from "./storage";
import { RescueNamespace, startNamespace } from "./namespace";
import { writePayload } from "./payload";
import { killGroup, serveSession } from "./sessions";
import { rescueAuthenticator } from "./ssh-auth";
import { SshServer, startSshServer } from "./ssh-server";
import { writeSys } from "./sysfs";

/** A running rescue system. */
export interface RescueSystem {
  /** Fingerprint of this boot's host key ("SHA256:..."); every rescue boot has a new one. */
  hostKeyFingerprint: string;
  /** Cuts all sessions, kills every rescue process and frees the address. Idempotent. */
  stop(): Promise<void>;
}

// The dropSshAfterBytes fault fires once per machine, so that a retry after the drop can succeed.
const faultFired = new WeakSet<RescueHost>();

/** Boots the rescue system of `host`, accepting `arm`'s keys and password for root. */
export async function startRescueSystem(host: RescueHost, arm: RescueArm): Promise<RescueSystem> {
  if (!host.spec.ipv4)
    throw new Error(
      `machine ${host.spec.id}: the simulated rescue system listens on the machine's IPv4 address, and it has none`,
    );
  const boot = new RescueBoot(host, await host.attachLoopDevices());
  try {
    const fingerprint = await boot.start(arm);
    return { hostKeyFingerprint: fingerprint, stop: boot.stop };
  } catch (e) {
    await boot.stop();
    throw e;
  }
}

/** One rescue boot: its namespace, sshd, control socket and fault watcher, torn down in reverse order. */
class RescueBoot {
  private readonly stops: (() => Promise<void> | void)[] = [];
  private readonly running = new Set<ChildProcess>();
  private readonly bootDir: string;
  private stopped: Promise<void> | null = null;

  constructor(
    private readonly host: RescueHost,
    private readonly attached: AttachedDisk[],
  ) {
    this.bootDir = fs.mkdtempSync(path.join(os.tmpdir(), `rescue-${host.spec.id}-`));
    this.stops.push(() => fs.rmSync(this.bootDir, { recursive: true, force: true }));
  }

  /** Builds everything; resolves to the host key fingerprint. */
  async start(arm: RescueArm): Promise<string> {
    const { spec } = this.host;
    const hw = rescueHardware(spec);
    writePayload(path.join(this.bootDir, "payload"), hw);
    fs.mkdirSync(path.join(this.bootDir, "ctl"));
    const ns = await startNamespace({
      bootDir: this.bootDir,
      ramBytes: Math.max(256 * 2 ** 20, spec.memoryBytes / 2),
      bootMode: spec.bootMode,
    });
    this.stops.push(() => ns.stop());
    const disks: BackedDisk[] = this.attached.map((a) => ({
      hw: hw.disks.find((d) => d.name === a.spec.name)!,
      loopDevice: a.loopDevice,
    }));
    let storage: RescueStorage | null = null;
    const sync = serialized(async () => {
      await syncDevices(`${ns.root}/dev`, disks, `${ns.root}/usr/lib/rescue-sim/partitions`);
      writeSys(`${ns.root}/usr/lib/rescue-sim/sys`, {
        disks: disks.map((d) => ({ hw: d.hw, nodes: kernelNodes(d), loopDevice: d.loopDevice })),
        storage: storage?.view() ?? { arrays: [], vgs: [], swaps: [] },
        nics: hw.nics,
      });
    });
    // The rescue kernel scans every disk's partition table when it boots.
    for (const d of disks) await rereadPartitions(d.loopDevice);
    await sync();
    storage = this.storage(ns, disks);
    await sync();
    const own = rescueHostKey(this.host.spec);
    const useArmed = arm.hostKey !== undefined && !spec.faults?.rescueHostKeyMismatch;
    if (arm.hostKey && !useArmed)
      logLine(
        `[sim ${spec.id}] fault rescueHostKeyMismatch: the rescue system presents another host key than its activation's`,
      );
    const key = useArmed ? { private: arm.hostKey!, fingerprint: hostKeyFingerprintOf(arm.hostKey!) } : own;
    const ssh = await this.sshd(key.private, arm, ns, sync);
    const control = await startControlServer(path.join(this.bootDir, "ctl", "ctl.sock"), {
      rereadpt: async (devno) => (await rereadpt(disks, devno)) ?? (await sync(), null),
      power: once((action: "reboot" | "poweroff") => this.goDown(ssh, action)),
      efiVariables: () => JSON.stringify(this.host.efiVariables()),
      changeEfiVariables: (op, arg) => this.host.changeEfiVariables(op, arg),
      // /sys follows the stack before the tool answers, as the kernel's sysfs does.
      storage: async (op, arg) => {
        const r = storage!.control(op, arg);
        await sync();
        return r;
      },
    });
    this.stops.push(() => control.close());
    this.watchFault(ssh);
    return key.fingerprint;
  }

  // Like Hetzner's rescue, the kernel assembles the arrays of a previous installation and activates their VGs.
  private storage(ns: RescueNamespace, disks: BackedDisk[]): RescueStorage {
    const sim = `${ns.root}/usr/lib/rescue-sim`;
    const storage = new RescueStorage(disks, {
      state: `${sim}/storage.json`,
      mdstat: `${sim}/mdstat`,
      swaps: `${sim}/swaps`,
    });
    this.stops.push(() => storage.release());
    storage.boot(this.host.spec.rescueSwapOn ?? false);
    return storage;
  }

  /** Tears the boot down (idempotent). */
  readonly stop = (): Promise<void> =>
    (this.stopped ??= (async () => {
      for (const s of this.stops.reverse()) await s();
    })());

  private async sshd(
    hostKey: string,
    arm: RescueArm,
    ns: RescueNamespace,
    beforeExec: () => Promise<void>,
  ): Promise<SshServer> {
    const port = this.host.spec.sshPort ?? 22;
    const ssh = await startSshServer({
      address: this.host.spec.ipv4!,
      port,
      // The rescue system sits behind the server's Robot (or Cloud) firewall like any OS (issue 16, item 1).
      admits: (ip) => this.host.inboundAllowed?.("tcp", 22, ip) ?? true,
      hostKey,
      authenticate: rescueAuthenticator(arm),
      onSession: (session, client) => serveSession(session, { ns, beforeExec, running: this.running, client }),
    });
    this.stops.push(
      () => ssh.close(),
      () => this.killAll(),
    );
    return ssh;
  }

  private killAll(): void {
    this.running.forEach((c) => killGroup(c, "SIGKILL"));
  }

  private watchFault(ssh: SshServer): void {
    const faults = this.host.spec.faults;
    if (faults?.powerLossAfterBytes !== undefined) return this.watchPowerLoss(ssh, faults.powerLossAfterBytes);
    const limit = faults?.dropSshAfterBytes;
    if (limit === undefined || faultFired.has(this.host)) return;
    const watch = watchDiskWrites(
      this.attached.map((a) => a.loopDevice),
      limit,
      () => {
        faultFired.add(this.host);
        logLine(
          `[sim ${this.host.spec.id}] fault dropSshAfterBytes: cutting SSH connections after ${limit} bytes reached the disks`,
        );
        ssh.dropConnections();
        this.killAll();
      },
    );
    this.stops.push(() => watch.stop());
  }

  private watchPowerLoss(ssh: SshServer, limit: number): void {
    if (faultFired.has(this.host)) return;
    const watch = watchDiskWrites(
      this.attached.map((a) => a.loopDevice),
      limit,
      () => {
        faultFired.add(this.host);
        logLine(
          `[sim ${this.host.spec.id}] fault powerLossAfterBytes: the power fails after ${limit} bytes reached the disks`,
        );
        ssh.dropConnections();
        this.killAll();
        this.host.osPowerOff();
      },
    );
    this.stops.push(() => watch.stop());
  }

  // The machine goes down a moment after the command returns, as sshd dies with the OS; the command's
  // own exit status may or may not reach the client first (both happen on real servers).
  private goDown(ssh: SshServer, action: "reboot" | "poweroff"): void {
    ssh.stopListening();
    setTimeout(() => {
      ssh.dropConnections();
      this.killAll();
      if (action === "reboot") this.host.osReboot();
      else this.host.osPowerOff();
    }, 50);
  }
}

// Like BLKRRPART: on a whole disk, or all disks; a partition is EINVAL.
async function rereadpt(disks: BackedDisk[], devno: string | null): Promise<string | null> {
  const devOf = (d: BackedDisk) => fs.readFileSync(`/sys/block/${path.basename(d.loopDevice)}/dev`, "utf8").trim();
  const targets = devno === null ? disks : disks.filter((d) => devOf(d) === devno);
  if (!targets.length) return "Invalid argument";
  for (const d of targets) {
    const err = await rereadPartitions(d.loopDevice);
    if (err) return err;
  }
  return null;
}

function once<A extends unknown[], R>(f: (...a: A) => R): (...a: A) => R {
  let done: { r: R } | null = null;
  return (...a) => (done ??= { r: f(...a) }).r;
}

function serialized(f: () => Promise<void>): () => Promise<void> {
  let chain: Promise<void> = Promise.resolve();
  return () => (chain = chain.catch(() => undefined).then(f));
}

/** SHA256 fingerprint of an OpenSSH private key's public half (ssh2's own parser, as the sshd uses). */
function hostKeyFingerprintOf(privateKey: string): string {
  const parsed = sshUtils.parseKey(privateKey);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key instanceof Error) throw key;
  return "SHA256:" + createHash("sha256").update(key.getPublicSSH()).digest("base64").replace(/=+$/, "");
}
