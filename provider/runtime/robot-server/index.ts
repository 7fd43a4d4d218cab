/**
 * Runtime of `RobotServer` (provider/resources/robot-server.ts): what the thin shim dispatches to.
 * check validates at preview time; diff replaces only for `serverNumber` and `reinstallTrigger`
 * (delete first: it is the same machine); create/read/update/delete live in their own modules.
 */
import { checkRobotUrl } from "../shared/config";
import { changedKeys } from "../dispatch/diff";
import { DiffResult, Props, ResourceRuntime } from "../dispatch/types";
import { checkInputs, normalizeImage } from "./check";
import { createRobotServer } from "./create";
import { robotNameFor } from "./owner";
import { deleteRobotServer, readRobotServer, updateRobotServer } from "./lifecycle";
import { INPUT_KEYS, ROBOT_SERVER_FIELDS, RobotServerInputs, RobotServerOutputs } from "./types";

export { setRobotServerDeps, depsFromSettings, RobotServerDeps, DepsFactory } from "./deps";
export { planResets } from "./reset";
export { timingOf } from "./types";

/** Input keys whose change reinstalls: another server, or the user asking for a reinstall. */
export const REPLACE_KEYS = ROBOT_SERVER_FIELDS.replaceKeys;

/**
 * The diff of old outputs against new inputs. `name` (with the owner marker) is also compared with
 * the server's current Robot name (`serverName`), so a rename made outside Pulumi and seen by
 * refresh is renamed back, and a server created before owners were recorded gets its marker.
 */
export function diffRobotServer(olds: Props, news: Props): DiffResult {
  const changed = changedKeys(olds, news, INPUT_KEYS);
  const wanted =
    typeof news.name === "string"
      ? robotNameFor(news.name, typeof news.owner === "string" ? news.owner : undefined)
      : undefined;
  const drifted = wanted !== undefined && typeof olds.serverName === "string" && olds.serverName !== wanted;
  if (drifted && !changed.includes("name")) changed.push("name");
  const replaces = changed.filter((k) => (REPLACE_KEYS as readonly string[]).includes(k));
  // Create-before-delete would let the old resource's wipeOnDelete wipe the fresh install.
  return { changes: changed.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 };
}

/** The RobotServer runtime. */
export const runtime: ResourceRuntime<RobotServerInputs, RobotServerOutputs> = {
  async check(_olds, news) {
    checkRobotUrl();
    const inputs =
      news.image === undefined ? news : { ...news, image: normalizeImage(news.image as RobotServerInputs["image"]) };
    return { inputs: inputs as unknown as RobotServerInputs, failures: checkInputs(inputs) };
  },
  async diff(_id, olds, news) {
    return diffRobotServer(olds as unknown as Props, news as unknown as Props);
  },
  create: createRobotServer,
  read: readRobotServer,
  update: updateRobotServer,
  delete: deleteRobotServer,
};
