/** Scenario files: what the simulated world holds when it starts. */
import { MachineSpec, ResetType, ServiceFaults } from "./types";

/** One dedicated server in the Robot webservice. */
export interface RobotServerScenario {
  /** Robot server number. */
  number: number;
  name: string;
  product: string;
  dc: string;
  /** Reset types `GET /reset/{n}` offers. @default ["sw","hw","man"] */
  resetTypes?: ResetType[];
  /** Whether the rescue system is offered (false → BOOT_NOT_AVAILABLE). @default true */
  rescue?: boolean;
  /**
   * Whether rescue activations report the rescue system's host key in `host_key`, in the documented shape
   * `[{key:{fingerprint,type,size}}]`. @default false, as in the real capture (fixtures/robot SOURCES.md note 6)
   */
  reportsRescueHostKeys?: boolean;
  /** The machine behind it. */
  machine: MachineSpec;
}

/** Robot webservice part of a scenario. */
export interface RobotScenario {
  user: string;
  password: string;
  servers: RobotServerScenario[];
  faults?: ServiceFaults;
}

/** Cloud API part of a scenario. */
export interface CloudScenario {
  token: string;
  /** Location names offered. @default ["fsn1","nbg1","hel1"] */
  locations?: string[];
  /** Server types unavailable in a location: { "fsn1": ["cx23"] } → 412 resource_unavailable. */
  unavailable?: Record<string, string[]>;
  /** Requests per hour before 429. @default 3600 */
  rateLimitPerHour?: number;
  /**
   * Second octet of the loopback range servers get their IPv4 from (127.<octet>.0.0/16), 20–99; two
   * simulators running at once on one machine need different ones. @default 20
   */
  addressOctet?: number;
  faults?: ServiceFaults;
}

/** Image factory part of a scenario. */
export interface FactoryScenario {
  /** Talos versions the factory knows. @default ["v1.11.5","v1.12.4","v1.13.9"] */
  versions?: string[];
  faults?: ServiceFaults & {
    /** Serve only this fraction of each image body, then close (a truncated download). */
    truncateFraction?: number;
  };
}

/** A whole simulated world. */
export interface Scenario {
  /** Realistic durations × timeScale = simulated durations. @default 0.001 */
  timeScale?: number;
  robot?: RobotScenario;
  cloud?: CloudScenario;
  factory?: FactoryScenario;
}
