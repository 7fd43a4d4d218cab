/**
 * The real simulated world: machines with sparse-file disks (loop devices in rescue), the images
 * the factory served, and the clock every simulated service waits on.
 */
import * as fs from "fs";
import * as path from "path";
import { DelayCover } from "./delay-cover";
import { writeSeed } from "./machines/disk/seeds";
import { Machine } from "./machines/machine/machine";
import { detachLoop, loopsOf } from "./machines/machine/loop";
import { StartRescue, defaultStartRescue } from "./machines/machine/rescue-link";
import { copySparse } from "./machines/machine/sparse-copy";
import { validateMachineSpec } from "./machines/machine/spec-check";
import { MachineSpec, ServedImage, SimMachine, SimWorld, TalosRuntime } from "./types";

/** A world that can be shut down. */
export interface World extends SimWorld {
  /** Destroys every machine and detaches every loop device the world attached (disk files stay). */
  close(): Promise<void>;
}

/** Options of `createWorld`. */
export interface WorldOptions {
  /** Realistic durations × timeScale = simulated durations. */
  timeScale: number;
  /** Directory for disk files (`machines/<id>/disk<N>.img`) and state. */
  stateDir: string;
  /** Starts a machine's rescue system. @default provider/sim/machines/rescue/system.ts when present, else a rescue that answers nothing */
  startRescue?: StartRescue;
}

/** Creates an empty world. */
export async function createWorld(o: WorldOptions): Promise<World> {
  fs.mkdirSync(o.stateDir, { recursive: true });
  return new SimulatedWorld(o);
}

class SimulatedWorld implements World {
  readonly timeScale: number;
  readonly stateDir: string;
  readonly machines = new Map<string, SimMachine>();
  readonly servedImages = new Map<string, ServedImage>();
  talosRuntime?: TalosRuntime;
  private readonly startRescue?: StartRescue;
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private closed = false;
  private readonly cover = new DelayCover();

  constructor(o: WorldOptions) {
    this.timeScale = o.timeScale;
    this.stateDir = path.resolve(o.stateDir);
    this.startRescue = o.startRescue;
  }

  delay(realisticMs: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    const end = this.cover.begin();
    return new Promise((resolve) => {
      const done = () => (end(), resolve());
      const t = setTimeout(
        () => {
          this.timers.delete(t);
          done();
        },
        Math.max(0, realisticMs * this.timeScale),
      );
      this.timers.set(t, done);
    });
  }

  delayCoveredMs(): number {
    return this.cover.coveredMs();
  }

  async createMachine(spec: MachineSpec, from?: { diskImageFile?: string; userData?: string }): Promise<SimMachine> {
    validateMachineSpec(spec);
    if (this.machines.has(spec.id)) throw new Error(`machine ${spec.id} already exists`);
    const dir = this.machineDir(spec.id);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const m = new Machine(spec, { world: this, dir, startRescue: this.startRescue ?? defaultStartRescue() });
    m.userData = from?.userData;
    await this.fillDisks(m, from?.diskImageFile);
    this.machines.set(spec.id, m);
    m.start(spec.power ?? "on");
    return m;
  }

  async removeMachine(id: string): Promise<void> {
    const m = this.machines.get(id);
    if (!m) return;
    this.machines.delete(id);
    await m.destroy();
    await this.sweepLoops(m);
    fs.rmSync(this.machineDir(id), { recursive: true, force: true });
  }

  machineByIp(ip: string): SimMachine | undefined {
    for (const m of this.machines.values()) if (m.spec.ipv4 === ip) return m;
    return undefined;
  }

  async close(): Promise<void> {
    // Pending waits end now, so no timer (up to minutes at timeScale 1) keeps the process alive.
    this.closed = true;
    for (const [t, resolve] of this.timers) {
      clearTimeout(t);
      resolve();
    }
    this.timers.clear();
    const all = [...this.machines.values()];
    await Promise.all(all.map((m) => m.destroy()));
    await Promise.all(all.map((m) => this.sweepLoops(m)));
  }

  private machineDir(id: string): string {
    return path.join(this.stateDir, "machines", id);
  }

  private async fillDisks(m: Machine, imageFile?: string): Promise<void> {
    for (const [i, disk] of m.spec.disks.entries()) {
      const file = m.diskFile(i);
      fs.writeFileSync(file, "");
      fs.truncateSync(file, disk.sizeBytes);
      if (i === 0 && imageFile) await copySparse(imageFile, file, `${m.id}/${disk.name}`);
      else await writeSeed({ file, disk, machine: m.spec, registerImage: (k, img) => this.servedImages.set(k, img) });
    }
  }

  /** Detaches any loop device still backed by the machine's disk files (e.g. attached by a rescue start that was cut short). */
  private async sweepLoops(m: SimMachine): Promise<void> {
    for (const i of m.spec.disks.keys()) {
      for (const dev of await loopsOf(m.diskFile(i))) await detachLoop(dev);
    }
  }
}
