/**
 * An in-memory SimWorld with machines that only track power, rescue and status — for testing the
 * Robot and Cloud API simulators without loop devices or SSH. The real world is provider/sim/world.ts.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  MachineSpec,
  MachineStatus,
  RescueArm,
  ResetType,
  ServedImage,
  SimMachine,
  SimWorld,
} from "../../provider/sim/types";

/** A machine whose boots are instant: rescue if armed, else "no-os" (or "talos" when `bootsTalos`). */
export class FakeMachine implements SimMachine {
  readonly id: string;
  private powered: "on" | "off";
  private current: MachineStatus;
  private armed: RescueArm | null = null;
  private bootTime: string | null = null;
  private filter?: (proto: "tcp" | "udp", port: number, ip: string) => boolean;
  private listeners: ((s: MachineStatus) => void)[] = [];
  readonly resets: ResetType[] = [];
  lastRescueArm: RescueArm | null = null;
  bootsTalos = false;
  userData?: string;

  constructor(
    readonly spec: MachineSpec,
    private readonly dir: string,
  ) {
    this.id = spec.id;
    this.powered = spec.power ?? "on";
    this.current = this.powered === "on" ? "no-os" : "off";
  }
  power() {
    return this.powered;
  }
  status() {
    return this.current;
  }
  reset(type: ResetType) {
    this.resets.push(type);
    if (this.spec.faults?.resetIgnored) return;
    if (type === "power_long" || (type === "power" && this.powered === "on")) return this.set("off");
    this.boot();
  }
  powerOn() {
    if (this.powered === "off") this.boot();
  }
  powerOff() {
    this.set("off");
  }
  shutdown() {
    if (this.current !== "no-os") this.set("off");
  }
  armRescue(arm: RescueArm) {
    this.armed = arm;
    this.lastRescueArm = arm;
    this.bootTime = null;
  }
  disarmRescue() {
    this.armed = null;
  }
  rescueArmed() {
    return this.armed !== null;
  }
  rescueBootTime() {
    return this.bootTime;
  }
  diskFile(index = 0) {
    return path.join(this.dir, `${this.id}-disk${index}.img`);
  }
  inboundAllowed(proto: "tcp" | "udp", port: number, ip: string) {
    return this.filter ? this.filter(proto, port, ip) : true;
  }
  setInboundFilter(f: typeof this.filter) {
    this.filter = f;
  }
  onStatus(l: (s: MachineStatus) => void) {
    this.listeners.push(l);
  }
  async destroy() {
    this.set("off");
  }

  private boot() {
    this.powered = "on";
    if (this.armed && !this.spec.faults?.rescueNeverBoots) {
      this.armed = null;
      this.bootTime = new Date().toISOString();
      return this.set("rescue");
    }
    this.set(this.bootsTalos ? "talos" : "no-os");
  }
  private set(s: MachineStatus) {
    if (s === "off") this.powered = "off";
    this.current = s;
    for (const l of this.listeners) l(s);
  }
}

/** A SimWorld holding FakeMachines; delays are scaled like the real one. */
export class FakeWorld implements SimWorld {
  readonly machines = new Map<string, SimMachine>();
  readonly servedImages = new Map<string, ServedImage>();
  readonly stateDir: string;
  constructor(readonly timeScale = 0) {
    this.stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-world-"));
  }
  async delay(ms: number) {
    await new Promise((r) => setTimeout(r, ms * this.timeScale));
  }
  async createMachine(spec: MachineSpec, from?: { diskImageFile?: string; userData?: string }) {
    const m = new FakeMachine(spec, this.stateDir);
    m.userData = from?.userData;
    if (from?.diskImageFile) fs.copyFileSync(from.diskImageFile, m.diskFile());
    else fs.writeFileSync(m.diskFile(), "");
    this.machines.set(spec.id, m);
    return m;
  }
  async removeMachine(id: string) {
    this.machines.delete(id);
  }
  machineByIp(ip: string) {
    return [...this.machines.values()].find((m) => m.spec.ipv4 === ip);
  }
  get(id: string) {
    return this.machines.get(id) as FakeMachine;
  }
}
