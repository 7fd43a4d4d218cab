/** The Robot simulator's account state: servers (with their machines), keys, firewall templates. */
import { RobotServerScenario } from "../../scenario";
import { ResetType, ServiceFaults, SimMachine, SimWorld } from "../../types";
import { serverNotFound } from "./errors";
import { FirewallRules } from "./firewall-rules";

/** One stored SSH key, in wire field names. */
export interface KeyRecord {
  name: string;
  fingerprint: string;
  type: string;
  size: number;
  data: string;
  created_at: string;
}

/** One rescue activation, kept for `GET /boot/{n}/rescue/last`. */
export interface RescueActivation {
  os: string;
  /** The keys as they were when activated (`authorized_key[].key`). */
  keys: Pick<KeyRecord, "name" | "fingerprint" | "type" | "size">[];
  password: string;
  /** Host keys reported for the activation (`host_key[].key`), when the scenario reports them. */
  hostKeys: { fingerprint: string; type: string; size: number }[];
}

/** Firewall of one server; `status` is "in process" while a change is being applied. */
export interface FirewallState {
  status: "active" | "disabled" | "in process";
  filterIpv6: boolean;
  whitelistHos: boolean;
  rules: FirewallRules;
}

/** A firewall template, in wire field names. */
export interface FirewallTemplate {
  id: number;
  name: string;
  filter_ipv6: boolean;
  whitelist_hos: boolean;
  is_default: boolean;
  rules: FirewallRules;
}

/** One dedicated server and the machine behind it. */
export interface SimServer {
  readonly scenario: RobotServerScenario;
  readonly machine: SimMachine;
  name: string;
  lastRescue: RescueActivation | null;
  /** Sim-clock time until which a requested manual reset counts as running. */
  manualResetUntil: number;
  firewall: FirewallState;
}

/** Everything the handlers read and change. */
export class RobotSimState {
  readonly servers = new Map<number, SimServer>();
  /** Keys by fingerprint, in creation order. */
  readonly keys = new Map<string, KeyRecord>();
  readonly templates = new Map<number, FirewallTemplate>();
  nextTemplateId = 1;
  stopped = false;

  constructor(
    readonly world: SimWorld,
    readonly faults: ServiceFaults,
    readonly now: () => number,
  ) {}

  /** Adds a scenario server with its (already created) machine. */
  addServer(scenario: RobotServerScenario, machine: SimMachine): void {
    this.servers.set(scenario.number, {
      scenario,
      machine,
      name: scenario.name,
      lastRescue: null,
      manualResetUntil: 0,
      firewall: { status: "disabled", filterIpv6: false, whitelistHos: true, rules: { input: [], output: [] } },
    });
  }

  /** The server for a `{server-number}` path segment, or 404 SERVER_NOT_FOUND. */
  server(numberText: string): SimServer {
    const server = /^\d+$/.test(numberText) ? this.servers.get(Number(numberText)) : undefined;
    if (!server) throw serverNotFound();
    return server;
  }

  /** Reset types a server offers (scenario default ["sw","hw","man"]). */
  resetTypes(server: SimServer): ResetType[] {
    return server.scenario.resetTypes ?? ["sw", "hw", "man"];
  }

  /** Waits a realistic duration scaled by the world and the latency fault knob. */
  async delay(realisticMs: number): Promise<void> {
    await this.world.delay(realisticMs * (this.faults.latencyScale ?? 1));
  }
}
