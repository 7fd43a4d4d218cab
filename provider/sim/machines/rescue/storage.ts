/**
 * The rescue kernel's storage stack above the disks: md arrays it assembled at boot, LVM volume groups
 * it activated on them and swap areas in use. The kernel part is real: an array or a swap holds its
 * member partitions open exclusively (O_EXCL on the host's loop partition), so inside the rescue the
 * real kernel refuses what it refuses on Hetzner's rescue (`wipefs` without -f, `mkfs`, BLKRRPART:
 * "Device or resource busy"). The arrays, volume groups and swaps themselves are this model, shown
 * through /proc/mdstat, /proc/swaps and storage.json and changed by the stand-in mdadm, LVM and swap
 * tools over the control socket.
 */
import * as fs from "fs";
import { BackedDisk } from "./devices";
import { FoundDevice, FoundVg, scanDevices, vgAt } from "./storage-scan";
import { StorageView, mdstat, procSwaps } from "./tools/storage-model";

interface Array_ extends Omit<StorageView["arrays"][number], "pv"> {
  fds: number[];
  vg: (FoundVg & { active: boolean }) | null;
}

/** Where the model writes what the rescue's tools read (paths on the host, under the namespace root). */
export interface StorageFiles {
  state: string;
  mdstat: string;
  swaps: string;
}

/** A rescue boot's storage stack. */
export class RescueStorage {
  private arrays: Array_[] = [];
  private swaps: { device: string; sizeBytes: number; fd: number }[] = [];

  constructor(
    private readonly disks: BackedDisk[],
    private readonly files: StorageFiles,
  ) {}

  /** What the rescue does at boot: assemble every complete array (`mdadm --assemble --scan`), activate its VGs, and (if asked) swapon. */
  boot(swapOn: boolean): void {
    const found = scanDevices(this.disks);
    this.assemble(found);
    if (swapOn) for (const d of found.filter((f) => f.swap !== null)) this.swapOn(d.name, found);
    this.write();
  }

  /** `mdadm --assemble --scan`: the complete arrays not running yet; returns the started names. */
  assemble(found = scanDevices(this.disks)): string[] {
    const sets = new Map<string, FoundDevice[]>();
    for (const d of found) if (d.md) sets.set(d.md.setUuid, [...(sets.get(d.md.setUuid) ?? []), d]);
    const started: string[] = [];
    for (const [uuid, members] of sets) {
      const md = members[0].md!;
      if (members.length < md.raidDisks || this.arrays.some((a) => a.uuid === uuid)) continue;
      const fds = members.map((m) => fs.openSync(m.hostPath, fs.constants.O_RDONLY | fs.constants.O_EXCL));
      const vg = vgAt(members[0].hostPath, md.dataOffset);
      const name = this.arrayName(md.name);
      this.arrays.push({
        name,
        uuid,
        mdName: md.name,
        members: members.map((m) => ({ name: m.name, slot: m.md!.slot })),
        sizeBytes: Math.floor(Math.min(...members.map((m) => m.md!.dataBytes)) / 1024) * 1024,
        fds,
        vg: vg && { ...vg, active: true },
      });
      started.push(name);
    }
    this.write();
    return started;
  }

  // installimage names arrays "<host>:<n>"; the rescue's own host name gives /dev/md<n>, others count down from md127.
  private arrayName(mdName: string): string {
    const n = /^rescue:(\d+)$/.exec(mdName)?.[1];
    if (n !== undefined && !this.arrays.some((a) => a.name === `md${n}`)) return `md${n}`;
    for (let i = 127; ; i--) if (!this.arrays.some((a) => a.name === `md${i}`)) return `md${i}`;
  }

  /** `mdadm --stop`: an error text (the kernel's refusal) or null. */
  stopArray(name: string): string | null {
    const a = this.arrays.find((x) => x.name === name);
    if (!a) return `error opening /dev/${name}: No such file or directory`;
    if (a.vg?.active || this.swaps.some((s) => s.device === name))
      return `Cannot get exclusive access to /dev/${name}:Perhaps a running process, mounted filesystem or active volume group?`;
    a.fds.forEach((fd) => fs.closeSync(fd));
    this.arrays = this.arrays.filter((x) => x !== a);
    this.write();
    return null;
  }

  /** `vgchange -a y|n`: the number of active LVs afterwards, or null when no running array holds that VG. */
  setVgActive(vgName: string, active: boolean): number | null {
    const a = this.arrays.find((x) => x.vg?.name === vgName);
    if (!a?.vg) return null;
    a.vg.active = active;
    this.write();
    return active ? a.vg.lvs.length : 0;
  }

  /** `swapon <dev>`: an error text or null. */
  swapOn(name: string, found = scanDevices(this.disks)): string | null {
    const d = found.find((f) => f.name === name);
    if (!d || d.swap === null) return `/dev/${name}: read swap header failed`;
    if (this.swaps.some((s) => s.device === name)) return `/dev/${name}: swapon failed: Device or resource busy`;
    const fd = fs.openSync(d.hostPath, fs.constants.O_RDONLY | fs.constants.O_EXCL);
    this.swaps.push({ device: name, sizeBytes: d.swap, fd });
    this.write();
    return null;
  }

  /** `swapoff <dev>`: an error text or null. */
  swapOff(name: string): string | null {
    const s = this.swaps.find((x) => x.device === name);
    if (!s) return `/dev/${name}: swapoff failed: Invalid argument`;
    fs.closeSync(s.fd);
    this.swaps = this.swaps.filter((x) => x !== s);
    this.write();
    return null;
  }

  /** A control-socket request from a stand-in tool (tools/storage.ts): `op` and its argument. */
  control(op: string, arg: string): { ok: boolean; text: string } {
    const done = (err: string | null, text = "") => ({ ok: err === null, text: err ?? text });
    if (op === "stop") return done(this.stopArray(arg));
    if (op === "assemble") return done(null, this.assemble().join(" "));
    if (op === "swapon") return done(this.swapOn(arg));
    if (op === "swapoff") return done(this.swapOff(arg));
    if (op === "vg-on" || op === "vg-off") {
      const n = this.setVgActive(arg, op === "vg-on");
      return n === null ? done(`Volume group "${arg}" not found`) : done(null, String(n));
    }
    return done(`unknown storage operation ${JSON.stringify(op)}`);
  }

  /** The rescue goes down: every claim is released (before its loop devices are detached). */
  release(): void {
    for (const fd of [...this.arrays.flatMap((a) => a.fds), ...this.swaps.map((s) => s.fd)]) fs.closeSync(fd);
    this.arrays = [];
    this.swaps = [];
  }

  /** What the tools see. */
  view(): StorageView {
    return {
      arrays: this.arrays.map(({ fds: _fds, vg, ...a }) => ({ ...a, pv: vg?.name ?? null })),
      vgs: this.arrays
        .filter((a) => a.vg)
        .map((a) => ({ name: a.vg!.name, pv: a.name, active: a.vg!.active, lvs: a.vg!.lvs })),
      swaps: this.swaps.map(({ fd: _fd, ...s }) => s),
    };
  }

  private write(): void {
    const v = this.view();
    fs.writeFileSync(this.files.state, JSON.stringify(v, null, 2));
    fs.writeFileSync(this.files.mdstat, mdstat(v));
    fs.writeFileSync(this.files.swaps, procSwaps(v));
  }
}
