/**
 * The local simulator of Hetzner Robot, Hetzner Cloud, the Talos Image Factory, the machines'
 * rescue systems and Talos nodes. Shipped so users can run their cluster programs without servers.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Scenario } from "./scenario";
import { createWorld } from "./world";
import { RobotSim, startRobotSim } from "./apis/robot/server";
import { CloudSim, startCloudSim } from "./apis/cloud/server";
import { startFactorySim } from "./apis/factory/server";
import { installTalosRuntime, talosctlPath } from "./talos/runtime";
import { TalosctlChoice, TalosctlKind, chooseTalosctl } from "./talos/talosctl-binary";
import { SimWorld } from "./types";

export * from "./types";
export * from "./scenario";
export { robotServerScenario } from "./apis/robot/scenario";
export type { RobotSim } from "./apis/robot/server";
export type { SimKube, WorkloadSpec } from "./apis/kube/model";
export { runProgram, RunFailedError } from "./pulumi";
export type { RunOptions } from "./pulumi";

/** Options of `startSimulator`. */
export interface SimulatorOptions {
  scenario: Scenario;
  /** Where disk files and state live. @default a new temporary directory */
  stateDir?: string;
  /** Listen address for the HTTP services. @default "127.0.0.1" */
  host?: string;
  /**
   * Which talosctl `talosctl` names: the real client when `npm run tools` built it ("auto"), the
   * stand-in, or the real one or an error. @default "auto"
   */
  talosctl?: TalosctlChoice;
}

/** A running simulator: endpoints, credentials and a stop function. */
export interface Simulator {
  world: SimWorld;
  robot: { url: string; user: string; password: string };
  /** Cloud API: `url` is the server root, `endpoint` (= url + "/v1") is what clients and HCLOUD_ENDPOINT take. */
  cloud: { url: string; endpoint: string; token: string };
  factory: { url: string };
  /** The talosctl programs should use (see `talosctlKind`); put its directory first on PATH. */
  talosctl: string;
  /** Whether `talosctl` is the real client (over the simulated nodes' Talos API) or the stand-in. */
  talosctlKind: TalosctlKind;
  /** The stand-in executable, for what the simulated nodes cannot serve to the real client yet. */
  standInTalosctl: string;
  stateDir: string;
  /** Live handles of the services: fault knobs changeable at run time, request logs, state. */
  services: {
    robot: RobotSim;
    cloud: CloudSim;
    factory: Awaited<ReturnType<typeof startFactorySim>>;
  };
  stop(): Promise<void>;
}

/** Starts every simulated service of a scenario. */
export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const stateDir = options.stateDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "talos-hetzner-sim-"));
  const host = options.host ?? "127.0.0.1";
  const sc = options.scenario;
  const talosctl = chooseTalosctl(options.talosctl);
  const world = await createWorld({ timeScale: sc.timeScale ?? 0.001, stateDir });
  installTalosRuntime(world);
  const factory = await startFactorySim(world, sc.factory ?? {}, host);
  const robot = await startRobotSim(world, sc.robot ?? { user: "robot", password: "robot-pass", servers: [] }, host);
  const cloud = await startCloudSim(world, sc.cloud ?? { token: "sim-token" }, host, factory.url);
  return {
    world,
    robot: { url: robot.url, user: robot.user, password: robot.password },
    cloud: { url: cloud.url, endpoint: `${cloud.url}/v1`, token: cloud.token },
    factory: { url: factory.url },
    talosctl: talosctl.path,
    talosctlKind: talosctl.kind,
    standInTalosctl: talosctlPath(),
    stateDir,
    services: { robot, cloud, factory },
    async stop() {
      await Promise.allSettled([robot.stop(), cloud.stop(), factory.stop()]);
      await world.close();
    },
  };
}
