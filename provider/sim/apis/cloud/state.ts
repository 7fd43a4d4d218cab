/** In-memory state of the simulated Cloud project: records, id counters and the shared context. */
import { CloudScenario } from "../../scenario";
import { ServiceFaults, SimWorld } from "../../types";
import { Location, ServerTypeSpec, offeredLocations } from "./catalog";
import type { Action, FirewallRule, FirewallTarget, Image, Labels, SshKey } from "../../../hetzner/cloud/types";

export type { FirewallTarget };

/** An action as stored; rendered verbatim (the wire shape the client reads). */
export type ActionRecord = Action;

/** A server; its power state lives in the SimMachine `cloud-<id>`. */
export interface ServerRecord {
  id: number;
  name: string;
  created: string;
  labels: Labels;
  type: ServerTypeSpec;
  location: Location;
  image: ImageRecord | null;
  machineId: string;
  ipv4: { id: number; ip: string } | null;
  ipv6: { id: number; net: string } | null;
  /** Actions running (or queued) on this server: while any is, the server is locked. */
  running: Set<ActionRecord>;
  deleting: boolean;
}

/** An image: seeded system images, and snapshots with their disk file (the sim has no app images and deprecates none). */
export interface ImageRecord extends Omit<Image, "type" | "deprecated"> {
  type: Exclude<Image["type"], "app">;
  /** Snapshot disk file (sparse copy of the server's disk). */
  file?: string;
}

/** An SSH key. */
export type SshKeyRecord = SshKey;

/** A firewall rule as stored (normalized: both IP lists present, port null when absent). */
export type FirewallRuleRecord = Required<FirewallRule>;

/** A firewall. */
export interface FirewallRecord {
  id: number;
  name: string;
  labels: Labels;
  created: string;
  rules: FirewallRuleRecord[];
  applied_to: FirewallTarget[];
}

/** RFC 3339 time without milliseconds, as the API prints it. */
export function isoNow(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The project's records plus what every handler needs (world, scenario, runtime faults). */
export class CloudState {
  readonly servers = new Map<number, ServerRecord>();
  readonly images = new Map<number, ImageRecord>();
  readonly sshKeys = new Map<number, SshKeyRecord>();
  readonly firewalls = new Map<number, FirewallRecord>();
  readonly actions = new Map<number, ActionRecord>();
  readonly locations: Location[];
  stopped = false;
  private readonly counters: Record<string, number> = {
    server: 1000,
    image: 310_000_000,
    ssh_key: 20_000,
    firewall: 5_000,
    action: 1_000_000,
    primary_ip: 70_000,
    address: 0,
  };

  constructor(
    readonly world: SimWorld,
    readonly scenario: CloudScenario,
    readonly faults: ServiceFaults,
  ) {
    const octet = scenario.addressOctet ?? 20;
    // 127.10.x.y belongs to the Robot servers; the range must stay one /16 of loopback for the machines.
    if (!Number.isInteger(octet) || octet < 20 || octet > 99)
      throw new Error(`cloud.addressOctet must be an integer from 20 to 99, got ${octet}`);
    this.locations = offeredLocations(scenario.locations);
  }

  /** Next id of a kind; ids of different kinds come from different ranges, like the real API's. */
  nextId(kind: "server" | "image" | "ssh_key" | "firewall" | "action" | "primary_ip" | "address"): number {
    return ++this.counters[kind];
  }

  /** Whether a server type is sold out in a location (scenario.unavailable). */
  unavailable(type: string, location: string): boolean {
    return (this.scenario.unavailable?.[location] ?? []).includes(type);
  }
}
