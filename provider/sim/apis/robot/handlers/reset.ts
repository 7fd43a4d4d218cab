/**
 * Resets: `GET /reset`, `GET /reset/{n}`, `POST /reset/{n}`. Types come from the scenario; a type
 * the server lacks is 400 INVALID_INPUT invalid:["type"] (aszlig/hetzner#61). `man` only books a
 * technician: the machine is untouched, and further resets get 409 RESET_MANUAL_ACTIVE meanwhile.
 */
import { ResetType } from "../../../types";
import { RobotHandler } from "../call";
import { RobotSimError, invalidInput, notFound } from "../errors";
import { stringOf } from "../form";
import { RobotSimState, SimServer } from "../state";
import { serverRef, wrapEach } from "./views";

/** How long a booked manual reset counts as running, realistic ms (scaled by world.timeScale). */
export const MANUAL_RESET_MS = 30 * 60_000;

function resetServer(state: RobotSimState, n: string): SimServer {
  const server = state.server(n);
  if (state.resetTypes(server).length === 0) {
    throw new RobotSimError(404, "RESET_NOT_AVAILABLE", "The server has no reset option");
  }
  return server;
}

/**
 * `operating_status` only means something where the power button is offered: with power/power_long
 * it is "running" or "shut off" (fixtures/robot/reset-get-power.json), otherwise "not supported"
 * (fixtures/robot/reset-get.json).
 */
function operatingStatus(s: SimServer, types: ResetType[]): string {
  if (!types.includes("power")) return "not supported";
  return s.machine.power() === "on" ? "running" : "shut off";
}

/** GET /reset: servers that offer a reset; 404 NOT_FOUND when none does. */
export const listResets: RobotHandler = ({ state }) => {
  const servers = [...state.servers.values()].filter((s) => state.resetTypes(s).length > 0);
  if (!servers.length) throw notFound("No server with reset option found");
  return {
    body: wrapEach(
      "reset",
      servers.map((s) => ({ ...serverRef(s), type: state.resetTypes(s) })),
    ),
  };
};

/** GET /reset/{n}. */
export const getReset: RobotHandler = ({ state, params }) => {
  const s = resetServer(state, params.n);
  const types = state.resetTypes(s);
  return { body: { reset: { ...serverRef(s), type: types, operating_status: operatingStatus(s, types) } } };
};

/** POST /reset/{n} with `type`. */
export const postReset: RobotHandler = ({ state, params, form }) => {
  const s = resetServer(state, params.n);
  const type = stringOf(form.type);
  if (type === undefined) throw invalidInput(["type"], []);
  if (!state.resetTypes(s).includes(type as ResetType)) throw invalidInput([], ["type"]);
  if (state.now() < s.manualResetUntil) {
    throw new RobotSimError(409, "RESET_MANUAL_ACTIVE", "There is already a running manual reset");
  }
  if ((state.faults.resetFailNext ?? 0) > 0) {
    state.faults.resetFailNext!--;
    throw new RobotSimError(500, "RESET_FAILED", "Resetting failed due to an internal error");
  }
  if (type === "man") s.manualResetUntil = state.now() + MANUAL_RESET_MS * state.world.timeScale;
  else s.machine.reset(type as ResetType);
  return { body: { reset: { ...serverRef(s), type } } };
};
