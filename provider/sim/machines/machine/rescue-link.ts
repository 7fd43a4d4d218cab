/**
 * The link to the rescue system (provider/sim/machines/rescue/system.ts, built separately). Loaded lazily so
 * the machine works — with a rescue that answers nothing — when that module is absent.
 */
import { RescueArm } from "../../types";
import type { RescueHost } from "./machine";

/** A running rescue system. */
export interface RescueService {
  stop(): Promise<void>;
}

/** Starts a machine's rescue system (the signature of rescue/system.ts `startRescueSystem`). */
export type StartRescue = (host: RescueHost, arm: RescueArm) => Promise<RescueService>;

/** The rescue system module's starter, or a no-op when the module does not exist. */
export function defaultStartRescue(): StartRescue {
  let mod: { startRescueSystem?: StartRescue };
  try {
    mod = require("../rescue/system");
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "MODULE_NOT_FOUND" && String(err.message).includes("rescue/system")) return noRescue;
    throw e;
  }
  return mod.startRescueSystem ?? noRescue;
}

const noRescue: StartRescue = async () => ({ async stop() {} });
