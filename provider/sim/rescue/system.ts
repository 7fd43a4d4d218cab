/**
 * A machine's simulated Hetzner rescue system: an SSH server on the machine's address whose commands
 * run with the real tools in a Linux namespace where the machine's loop-backed disks are /dev/sdX or
 * /dev/nvmeXnY and nothing of the host's block devices is reachable. The machine starts one per
 * rescue boot and stops it when it resets or powers off.
 */
import { ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { logLine } from "../../internal/log";
import { generateEd25519KeyPair } from "../../rescue/session-keys";
import type { AttachedDisk, RescueHost } from "../machine/machine";
import { RescueArm } from "../types";
import { startControlServer } from "./control";
import { BackedDisk, rereadPartitions, syncDevices } from "./devices";
import { watchDiskWrites } from "./fault";
import { rescueHardware } from "./hardware";
import { RescueNamespace, startNamespace } from "./namespace";
import { writePayload } from "./payload";
import { killGroup, serveSession } from "./sessions";
import { rescueAuthenticator } from "./ssh-auth";
import { SshServer, startSshServer } from "./ssh-server";

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
  const { spec } = host;
  if (!spec.ipv4) throw new Error(`machine ${spec.id}: the simulated rescue system listens on the machine's IPv4 address, and it has none`);
  const attached = await host.attachLoopDevices();
  const bootDir = fs.mkdtempSync(path.join(os.tmpdir(), `rescue-${spec.id}-`));
  const running = new Set<ChildProcess>();
  const stops: (() => Promise<void> | void)[] = [() => fs.rmSync(bootDir, { recursive: true, force: true })];
  const stop = once(async () => {
    for (const s of stops.reverse()) await s();
  });
  try {
    const hw = rescueHardware(spec);
    writePayload(path.join(bootDir, "payload"), hw);
    fs.mkdirSync(path.join(bootDir, "ctl"));
    const ns = await startNamespace({ bootDir, ramBytes: Math.max(256 * 2 ** 20, spec.memoryBytes / 2), bootMode: spec.bootMode });
    stops.push(() => ns.stop());
    const disks: BackedDisk[] = attached.map((a) => ({ hw: hw.disks.find((d) => d.name === a.spec.name)!, loopDevice: a.loopDevice }));
    const sync = serialized(() => syncDevices(`${ns.root}/dev`, disks, `${ns.root}/usr/lib/rescue-sim/partitions`));
    // The rescue kernel scans every disk's partition table when it boots.
    for (const d of disks) await rereadPartitions(d.loopDevice);
    await sync();
    const killAll = () => running.forEach((c) => killGroup(c, "SIGKILL"));
    const ssh = await startSsh(host, arm, ns, sync, running);
    stops.push(() => ssh.close(), killAll);
    const control = await startControlServer(path.join(bootDir, "ctl", "ctl.sock"), {
      rereadpt: async (devno) => rereadpt(disks, devno).then(async (err) => err ?? (await sync(), null)),
      power: once((action) => goDown(host, ssh, killAll, action)),
    });
    stops.push(() => control.close());
    const limit = spec.faults?.dropSshAfterBytes;
    if (limit !== undefined && !faultFired.has(host)) {
      const watch = watchDiskWrites(attached.map((a: AttachedDisk) => a.loopDevice), limit, () => {
        faultFired.add(host);
        logLine(`[sim ${spec.id}] fault dropSshAfterBytes: cutting SSH connections after ${limit} bytes reached the disks`);
        ssh.dropConnections();
        killAll();
      });
      stops.push(() => watch.stop());
    }
    return { hostKeyFingerprint: ssh.fingerprint, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

async function startSsh(host: RescueHost, arm: RescueArm, ns: RescueNamespace, beforeExec: () => Promise<void>, running: Set<ChildProcess>): Promise<SshServer & { fingerprint: string }> {
  const key = generateEd25519KeyPair();
  const server = await startSshServer({
    address: host.spec.ipv4!,
    port: host.spec.sshPort ?? 22,
    hostKey: key.private,
    authenticate: rescueAuthenticator(arm),
    onSession: (session, client) => serveSession(session, { ns, beforeExec, running, client }),
  });
  return { ...server, fingerprint: key.fingerprint };
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

// The machine goes down a moment after the command returns, as sshd dies with the OS; the command's
// own exit status may or may not reach the client first (both happen on real servers).
function goDown(host: RescueHost, ssh: SshServer, killAll: () => void, action: "reboot" | "poweroff"): void {
  ssh.stopListening();
  setTimeout(() => {
    ssh.dropConnections();
    killAll();
    if (action === "reboot") host.osReboot();
    else host.osPowerOff();
  }, 50);
}

function once<A extends unknown[], R>(f: (...a: A) => R): (...a: A) => R {
  let done: { r: R } | null = null;
  return (...a) => (done ??= { r: f(...a) }).r;
}

function serialized(f: () => Promise<void>): () => Promise<void> {
  let chain: Promise<void> = Promise.resolve();
  return () => (chain = chain.catch(() => undefined).then(f));
}
