/**
 * What a `RobotServer` run talks to: the Robot webservice, talosctl and the Image Factory, built
 * from stack config / environment (never from inputs), replaceable for tests and benchmarks.
 */
import { RobotClient, RobotApiError, robotErrorCode } from "../../hetzner/robot";
import { TalosHetznerError } from "../../internal/errors";
import { Sleep, realSleep } from "../../internal/retry";
import type { Talosctl } from "../../talos/talosctl";
import { requireSetting } from "../shared/config";
import { robotHourMs } from "../shared/timing";
import { talosctlFromSettings } from "../shared/talosctl";
import { overridableDeps } from "../shared/overridable";
import { Timing } from "./types";

/** The services of one run. */
export interface RobotServerDeps {
  robot: RobotClient;
  talosctl: Talosctl;
  /** Image Factory base URL. */
  factoryUrl: string;
  /** Sleep for the run's own pauses. */
  sleep: Sleep;
}

/** Builds the services of a run; the default reads settings (talos-hetzner:robot*, HETZNER_ROBOT_*, TALOSCTL, TALOS_IMAGE_FACTORY_URL). */
export type DepsFactory = (t: Timing) => RobotServerDeps;

/** The services from settings: Robot credentials are required, the rest have defaults. */
export const depsFromSettings: DepsFactory = (t) => ({
  robot: new RobotClient({
    url: requireSetting("robotUrl"),
    user: requireSetting("robotUser"),
    password: requireSetting("robotPassword"),
    // Waiting out a rate limit is part of the install; it may take as long as the install may.
    rateLimitDeadlineMs: Math.max(t.installMs, 60_000),
    budgetWindowMs: robotHourMs(),
  }),
  talosctl: talosctlFromSettings(),
  factoryUrl: requireSetting("imageFactoryUrl"),
  sleep: realSleep,
});

const factory = overridableDeps<DepsFactory>(depsFromSettings);

/** Replaces how runs get their services (tests, benchmarks); returns the previous factory. */
export function setRobotServerDeps(next: DepsFactory): DepsFactory {
  return factory.set(next);
}

/** The services of a new run. */
export function robotServerDeps(t: Timing): RobotServerDeps {
  return factory.get()(t);
}

/** Adds what the user can do about a Robot credentials failure; other errors pass through. */
export function explainRobotError(e: unknown): unknown {
  const code = robotErrorCode(e);
  if (code !== "UNAUTHORIZED") return e;
  const err = e as RobotApiError;
  return new TalosHetznerError(
    `${err.message}: the Robot webservice user or password is wrong; set talos-hetzner:robotUser and talos-hetzner:robotPassword (or HETZNER_ROBOT_USER and HETZNER_ROBOT_PASSWORD) to a webservice user from Robot's settings, not the Robot login (3 failed logins block your IP for 10 minutes)`,
    { cause: e },
  );
}
