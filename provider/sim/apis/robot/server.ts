/**
 * The Robot webservice simulator: HTTP on loopback, Basic auth, stateful, strict to
 * contracts/hetzner-robot.md §1. It drives machines only through the SimWorld/SimMachine interfaces.
 */
import * as http from "http";
import { AddressInfo } from "net";
import { RobotScenario } from "../../scenario";
import { ServiceFaults, SimWorld } from "../../types";
import { RobotRequestRecord, serveRobot } from "./http";
import { LoginGuard } from "./login-guard";
import { RobotRateLimiter } from "./ratelimit";
import { RobotSimState } from "./state";

export { RobotRequestRecord } from "./http";
export { robotServerScenario } from "./scenario";

/** Test hooks of the simulator beyond the scenario. */
export interface RobotSimOptions {
  /** Clock for rate-limit windows, manual resets and `created_at`. @default Date.now */
  now?: () => number;
  /** Random source for `faults.error5xxRate`. @default Math.random */
  random?: () => number;
}

/** A running Robot simulator. */
export interface RobotSim {
  url: string;
  user: string;
  password: string;
  /** Live fault knobs (a copy of scenario.faults): change them while the simulator runs. */
  faults: ServiceFaults;
  /** Every answered request in order: method, path, status. */
  requests: RobotRequestRecord[];
  /** The account state, for assertions. */
  state: RobotSimState;
  stop(): Promise<void>;
}

/** Creates every scenario server's machine and starts the webservice on `host` at a free port. */
export async function startRobotSim(
  world: SimWorld,
  scenario: RobotScenario,
  host: string,
  options: RobotSimOptions = {},
): Promise<RobotSim> {
  const now = options.now ?? Date.now;
  const state = new RobotSimState(world, { ...scenario.faults }, now);
  for (const s of scenario.servers) state.addServer(s, await world.createMachine(s.machine));
  const pipeline = {
    scenario,
    state,
    limiter: new RobotRateLimiter(world.timeScale, now),
    logins: new LoginGuard(now, world.timeScale),
    random: options.random ?? Math.random,
    requests: [] as RobotRequestRecord[],
  };
  const server = http.createServer((req, res) => void serveRobot(pipeline, req, res));
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    user: scenario.user,
    password: scenario.password,
    faults: state.faults,
    requests: pipeline.requests,
    state,
    async stop() {
      state.stopped = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
