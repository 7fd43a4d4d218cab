/** One simulated Talos node: its config, identity and registrations; the API handlers live beside it. */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { SimMachine, SimWorld, TalosBoot } from "../../types";
import {
  MachineConfig,
  clusterIdentity,
  discoveryEnabled,
  kubespanEnabled,
  loadConfig,
  machineType,
} from "../config-docs";
import { newCA } from "../pki/cert";
import { TalosVersion, parseVersion } from "../versions";
import { hostnameOf, newWgKeys, nodeIdOf } from "./identity";
import { ClusterRegistry, clusterKey } from "./registry";
import { NodeStateFile, PersistedState } from "./state";
import { addressOf, nodeAddresses } from "./kubespan";
import { joinEtcd } from "./etcd-join";
import type { SimKube } from "../../apis/kube/model";
import { JournalEntry, TalosFaults } from "./day2";

/** What a node needs from the runtime that hosts it. */
export interface NodeHost {
  world: SimWorld;
  registry: ClusterRegistry;
  nodeByAddress(addr: string): TalosNode | undefined;
  running(): TalosNode[];
  /** The cluster's simulated Kubernetes API state (what machined's health checks ask), if any. */
  kube?(clusterKey: string): SimKube | undefined;
  /** The runtime's day-2 journal (appended to) and fault knobs. */
  journal: JournalEntry[];
  faults: TalosFaults;
  /** Called after every refresh (boot, apply, bootstrap of this or another node): it may start or stop the node's kube-apiserver. */
  nodeChanged(node: TalosNode): void;
}

/** A booted Talos node. */
export class TalosNode {
  readonly bootId = crypto.randomUUID();
  readonly bootedAt = Date.now();
  readonly version: TalosVersion;
  private readonly hangArmed: boolean;
  readonly stateFile: NodeStateFile;
  /** Self-signed server certificate and key (what maintenance mode presents). */
  readonly serverIdentity = newCA("ed25519", { O: ["talos"] });
  readonly serverCert = this.serverIdentity.crt;
  active: MachineConfig | null = null;
  /** Config on the STATE partition (differs from `active` after `staged`/`try`). */
  persistent: string | null;
  configVersion = 1;
  configUpdated = Date.now();
  busy = false;
  rebootPending = false;
  stopped = false;
  /** Closes the API and marks the node stopped (set by the runtime). */
  shutdown?: () => Promise<void>;
  readonly logs: string[] = [];

  constructor(
    readonly host: NodeHost,
    readonly machine: SimMachine,
    readonly boot: TalosBoot,
  ) {
    this.stateFile = new NodeStateFile(host.world.stateDir, machine.id);
    this.persistent = boot.config;
    if (boot.config === null) this.stateFile.wipe();
    const up = this.stateFile.read().upgrade;
    const upgraded = up !== undefined && up.fromImageVersion === boot.image.version;
    this.hangArmed = upgraded && up.hang === true;
    this.version =
      parseVersion(upgraded ? up.version : boot.image.version) ?? (parseVersion("v1.13.9") as TalosVersion);
    if (boot.config !== null) this.loadActive(boot.config);
    this.record("boot");
  }

  /** True while the hangAfterUpgrade fault holds: the node runs but its API accepts no connection. */
  get hung(): boolean {
    return this.hangArmed && this.host.faults.hangAfterUpgrade.has(this.machine.id);
  }

  /** Appends a journal entry (version: the running one unless given). */
  record(event: JournalEntry["event"], version = this.version.tag): void {
    this.host.journal.push({ at: Date.now(), machineId: this.machine.id, hostname: this.hostname, event, version });
  }

  private loadActive(text: string): void {
    try {
      this.active = loadConfig(text);
    } catch (e) {
      this.log(
        `failed to load config from ${this.boot.configSource}: ${(e as Error).message}; staying in maintenance mode`,
      );
    }
  }

  /** Loopback IPv4 the API listens on. */
  get ip(): string | null {
    return this.machine.spec.ipv4;
  }
  /** Runtime mode of the platform (hcloud → cloud). */
  get mode(): "metal" | "cloud" {
    return this.boot.image.platform === "hcloud" ? "cloud" : "metal";
  }
  /** True while the node has no config. */
  get maintenance(): boolean {
    return this.active === null;
  }
  /** `machine.type` of the active config ("" in maintenance). */
  get type(): string {
    return this.active ? machineType(this.active) : "";
  }
  /** Control plane (or legacy init) node. */
  get controlPlane(): boolean {
    return this.type === "controlplane" || this.type === "init";
  }
  /** Discovery/etcd key of the node's cluster, null without cluster identity. */
  get cluster(): string | null {
    const id = this.active && clusterIdentity(this.active);
    return id ? clusterKey(id) : null;
  }
  /** Current hostname. */
  get hostname(): string {
    return hostnameOf(this.active, this.machine.id, this.ip);
  }
  /** Persisted extra state. */
  get saved(): PersistedState {
    return this.stateFile.read();
  }

  /** Appends a console line (memory + `<stateDir>/talos/<id>.log`). */
  log(line: string): void {
    this.logs.push(line);
    const file = path.join(this.host.world.stateDir, "talos", `${this.machine.id}.log`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.appendFileSync(file, `${new Date().toISOString()} ${line}\n`);
  }

  /** Makes `text` the active config (and optionally the persisted one), then refreshes registrations. */
  async activate(text: string, persist: boolean): Promise<void> {
    if (persist) {
      await this.boot.writeState(text);
      this.persistent = text;
    }
    this.active = loadConfig(text);
    this.configVersion++;
    this.configUpdated = Date.now();
    this.refresh();
  }

  /** Publishes discovery data, joins etcd when the cluster is bootstrapped, ensures a KubeSpan identity; tells the host. */
  refresh(): void {
    this.register();
    this.host.nodeChanged(this);
  }

  private register(): void {
    const reg = this.host.registry;
    reg.withdraw(this.machine.id);
    const key = this.cluster;
    if (!this.active || !key || this.stopped) return;
    if (kubespanEnabled(this.active) && !this.saved.kubespan) this.stateFile.update({ kubespan: newWgKeys() });
    joinEtcd(this, key);
    if (discoveryEnabled(this.active)) reg.publish(key, this.affiliate());
  }

  private affiliate() {
    const ks = kubespanEnabled(this.active as MachineConfig) ? this.saved.kubespan : undefined;
    return {
      machineId: this.machine.id,
      nodeId: nodeIdOf(this.machine.id),
      hostname: this.hostname,
      ip: this.ip,
      addresses: nodeAddresses(this),
      machineType: this.type,
      operatingSystem: `Talos (${this.version.tag})`,
      kubespan: ks
        ? {
            publicKey: ks.publicKey,
            address: addressOf(this.active as MachineConfig, this.machine.spec.nics[0]?.mac)?.address ?? "",
          }
        : undefined,
      stoppedAt: null,
    };
  }

  /** Reboots after the current response is out (apply with reboot, upgrade, reset --reboot). */
  scheduleReboot(
    why: string,
    powerOff = false,
    event: "reboot" | "upgrade" | "reset" = "reboot",
    version = this.version.tag,
  ): void {
    this.rebootPending = true;
    this.record(event, version);
    this.log(`${powerOff ? "powering off" : "rebooting"}: ${why}`);
    setTimeout(() => {
      void this.host.world.delay(2000).then(() => (powerOff ? this.boot.powerOff() : this.boot.reboot()));
    }, 5);
  }
}
