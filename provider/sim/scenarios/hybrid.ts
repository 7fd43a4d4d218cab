/**
 * The default scenario of `npm run demo` and `npm run sim`: three AX41-NVMe dedicated servers for the
 * control planes (empty disks, rescue offered), a Cloud project for the workers and the snapshot
 * builder, and an Image Factory serving the supported Talos versions.
 */
import { robotServerScenario } from "../apis/robot/scenario";
import { RobotServerScenario, Scenario } from "../scenario";

/** Options of `hybridScenario`. */
export interface HybridScenarioOptions {
  /** Number of dedicated servers. @default 3 */
  robotServers?: number;
  /**
   * `n` of the first server (robotServerScenario): servers are numbered 2321000+n and bind 127.10.x.y
   * addresses derived from n, so two simulators on one machine need different ranges. @default 1
   */
  firstServer?: number;
  /** Realistic durations × timeScale. @default 0.0005 (a 4 min rescue boot takes 120 ms) */
  timeScale?: number;
}

/** Credentials of the scenario's simulated accounts (they only open the local simulator). */
export const HYBRID_CREDENTIALS = {
  robotUser: "demo-robot-user",
  robotPassword: "demo-Robot-ws-pw-4711",
  hcloudToken: "demo-hcloud-token-0815",
} as const;

/** The scenario: `robotServers` dedicated servers, a Cloud project and an Image Factory. */
export function hybridScenario(o: HybridScenarioOptions = {}): Scenario {
  const servers = Array.from({ length: o.robotServers ?? 3 }, (_, i) => robotServerScenario(i + (o.firstServer ?? 1)));
  return {
    timeScale: o.timeScale ?? 0.0005,
    robot: { user: HYBRID_CREDENTIALS.robotUser, password: HYBRID_CREDENTIALS.robotPassword, servers },
    cloud: { token: HYBRID_CREDENTIALS.hcloudToken, locations: ["fsn1", "nbg1", "hel1"] },
    factory: {},
  };
}

/** The hybrid example's `controlPlanes` config for the scenario's servers: each installs to its first NVMe disk, chosen by WWN. */
export function controlPlanesConfig(
  servers: RobotServerScenario[],
): { serverNumber: number; installDisk: { wwn: string } }[] {
  return servers.map((s) => ({ serverNumber: s.number, installDisk: { wwn: s.machine.disks[0].wwn! } }));
}
