/**
 * The power/boot state machine shared by every machine. Each power-on starts a new "run"; whatever
 * an older run still has in flight sees a changed epoch and stops, and the services it started
 * (rescue system, Talos node) are stopped before the next run looks at the disks.
 */
import { logLine } from "../../../internal/log";
import { MachineStatus, SimWorld } from "../../types";
import { MACHINE_DURATIONS as D } from "./durations";

/** Something a boot started that must be stopped when the machine resets or powers off. */
export interface Service {
  stop(): Promise<void>;
}

/** Power state, status listeners and boot runs; subclasses decide what boots after POST. */
export abstract class PowerCore {
  /** Increments with every power transition; a boot step belongs to the run it started in. */
  protected epoch = 0;
  private current: MachineStatus = "off";
  private services: Service[] = [];
  private settled: Promise<void> = Promise.resolve();
  private readonly listeners: ((s: MachineStatus) => void)[] = [];
  private destroyed = false;

  constructor(
    private readonly clock: Pick<SimWorld, "delay">,
    private readonly releaseDevices: () => Promise<void>,
  ) {}

  /** "off" only when the machine is powered off. */
  power(): "on" | "off" {
    return this.current === "off" ? "off" : "on";
  }
  /** What the machine runs right now. */
  status(): MachineStatus {
    return this.current;
  }
  /** Subscribes to status changes (called synchronously, once per change). */
  onStatus(listener: (status: MachineStatus) => void): void {
    this.listeners.push(listener);
  }
  /** Applies the initial power state of the spec (an "on" machine boots from POST). */
  start(initial: "on" | "off"): void {
    if (initial === "on") this.powerUp();
  }
  /** Stops every service and releases the loop devices; the machine stays off for good. */
  async destroy(): Promise<void> {
    this.forceOff();
    this.destroyed = true;
    await this.settled;
  }

  /** Power on, or restart a running machine: POST, then `afterPost`. */
  protected powerUp(): void {
    if (this.destroyed) return;
    const run = this.interrupt();
    this.setStatus("booting");
    void this.boot(run).catch((e) => this.bootFailed(run, e));
  }
  /** Cut the power. */
  protected forceOff(): void {
    this.interrupt();
    this.setStatus("off");
  }
  /** Keeps a started service if its run is still current; otherwise stops it again. */
  protected adopt(run: number, svc: Service): boolean {
    if (run === this.epoch) {
      this.services.push(svc);
      return true;
    }
    this.settled = this.settled.then(() => this.stopAll([svc]));
    return false;
  }
  protected setStatus(s: MachineStatus): void {
    if (s === this.current) return;
    this.current = s;
    for (const l of this.listeners) {
      try {
        l(s);
      } catch (e) {
        logLine(`[sim] status listener failed: ${(e as Error).message}`);
      }
    }
  }
  protected abstract afterPost(run: number): Promise<void>;
  protected abstract bootFailed(run: number, err: unknown): void;

  private async boot(run: number): Promise<void> {
    await this.clock.delay(D.post);
    await this.settled;
    if (run === this.epoch) await this.afterPost(run);
  }
  private interrupt(): number {
    const old = this.services;
    this.services = [];
    this.settled = this.settled.then(() => this.stopAll(old));
    return ++this.epoch;
  }
  private async stopAll(services: Service[]): Promise<void> {
    for (const s of services)
      await s.stop().catch((e) => logLine(`[sim] stopping a service failed: ${(e as Error).message}`));
    await this.releaseDevices().catch((e) => logLine(`[sim] releasing loop devices failed: ${(e as Error).message}`));
  }
}
