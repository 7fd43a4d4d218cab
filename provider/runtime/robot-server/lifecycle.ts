/**
 * `RobotServer` read, update and delete. Read refreshes Robot's name and addresses and whether Talos
 * answers, and never drops the resource; update only renames (an image change does not reinstall);
 * delete leaves the machine alone unless `wipeOnDelete` asks to wipe the installed disk through rescue.
 */
import { SafetyError } from "../../internal/errors";
import { logLine } from "../../internal/log";
import { wipeDiskCommand } from "../../rescue/commands";
import { selectInstallDisk, stableDevicePath } from "../../rescue/select";
import { RescueSession } from "../../rescue/session";
import { ReadResult, UpdateResult } from "../dispatch/types";
import { closeFirewall, serverLabel } from "./create";
import { RobotServerDeps, explainRobotError, robotServerDeps } from "./deps";
import { assertOwnable, ownedBy, plainName, robotNameFor } from "./owner";
import { Budget, readInventory } from "./install";
import { networkFacts } from "./outputs";
import { serverPreflight } from "./preflight";
import { bootRescue } from "./reset";
import { armRescue, disarmIfArmed, releaseRescueAccess, rescueAccess, RescueAccess } from "./rescue";
import { Steps } from "./steps";
import { longestRunMs } from "./ephemeral-keys";
import { probeTalos } from "./talos";
import { OUTPUT_KEYS, RobotServerInputs, RobotServerOutputs, timingOf } from "./types";
import { worldTimeScale } from "../shared/timing";

/** Refresh: Robot's current name and addresses, and what Talos answers; an unreachable node stays in state. */
export async function readRobotServer(
  id: string,
  props: RobotServerOutputs,
): Promise<ReadResult<RobotServerInputs, RobotServerOutputs>> {
  const t = timingOf(props.deadlines, worldTimeScale());
  const d = robotServerDeps(t);
  const label = serverLabel(props);
  const server = await d.robot.servers.get(props.serverNumber).catch((e) => Promise.reject(explainRobotError(e)));
  if (!server) {
    logLine(
      `[${label}] WARNING: Robot no longer lists server ${props.serverNumber}; keeping the resource (remove it from the program if the server was cancelled)`,
    );
    return { id, props: { ...props, talosState: "unreachable" } };
  }
  const net = await networkFacts(d.robot, server);
  const probe = net.ipv4 ? await probeTalos(d.talosctl, net.ipv4, t.probeMs) : { state: "unreachable" as const };
  logLine(`[${label}] refreshed: Robot name "${net.serverName}", Talos ${probe.state}`);
  return { id, props: { ...props, ...net, talosState: probe.state } };
}

/**
 * Update: renames the server in Robot when its name (with the owner marker) differs from the current
 * one, unless another resource's marker is on it (as last read); everything else is recorded only.
 */
export async function updateRobotServer(
  _id: string,
  olds: RobotServerOutputs,
  news: RobotServerInputs,
): Promise<UpdateResult<RobotServerOutputs>> {
  const kept = Object.fromEntries(OUTPUT_KEYS.map((k) => [k, olds[k]])) as Partial<RobotServerOutputs>;
  const wanted = news.name === undefined ? undefined : robotNameFor(news.name, news.owner);
  if (wanted === undefined || wanted === olds.serverName) return { outs: kept };
  if (typeof olds.serverName === "string") assertOwnable(news.serverNumber, olds.serverName, news.owner);
  const d = robotServerDeps(timingOf(news.deadlines, worldTimeScale()));
  const renamed = await d.robot.servers
    .rename(news.serverNumber, wanted)
    .catch((e) => Promise.reject(explainRobotError(e)));
  logLine(
    `[${news.name}] renamed server ${news.serverNumber} in Robot from "${olds.serverName}" to "${renamed.serverName}"`,
  );
  return { outs: { ...kept, serverName: renamed.serverName } };
}

/** Delete: nothing by default; with `wipeOnDelete`, boots rescue and wipes the installed disk (found again by its selector). */
export async function deleteRobotServer(_id: string, props: RobotServerOutputs): Promise<void> {
  const label = serverLabel(props);
  if (!props.wipeOnDelete) {
    logLine(`[${label}] leaving server ${props.serverNumber} untouched (wipeOnDelete is not set); Talos keeps running`);
    return releaseOwner(props, robotServerDeps(timingOf(props.deadlines)));
  }
  const t = timingOf(props.deadlines, worldTimeScale());
  const d = robotServerDeps(t);
  const steps = new Steps(label, props.adminCidrs?.length ? 7 : 6);
  const pre = await steps.run("preflight: server and resets", () => serverPreflight(props.serverNumber, d, steps.log));
  let access: RescueAccess | undefined;
  try {
    // RobotFirewall, deleted first, has cleared the cluster's rules: close the window again before rescue.
    await closeFirewall({ i: props, d, steps, pre });
    access = await steps.run("preparing rescue access", () =>
      rescueAccess(d.robot, props.serverNumber, props.rescueKey, steps.log, longestRunMs(t)),
    );
    await steps.run("arming the rescue system", () => armRescue(d.robot, props.serverNumber, access!));
    const s = await steps.run("resetting into the rescue system", () =>
      bootRescue(
        {
          robot: d.robot,
          serverNumber: props.serverNumber,
          ip: pre.ip,
          access: access!,
          timing: t,
          log: steps.log,
          sleep: d.sleep,
          adminCidrs: props.adminCidrs,
        },
        pre.plan,
      ),
    );
    try {
      await wipeInRescue(s, props, t.installMs, steps);
    } finally {
      await s.close();
    }
  } catch (e) {
    await disarmIfArmed(d.robot, props.serverNumber, steps.log);
    throw e;
  } finally {
    await releaseRescueAccess(d.robot, access, steps.log);
  }
  await releaseOwner(props, d);
}

/** Removes this resource's owner marker from the server's Robot name, so another resource may take it. */
async function releaseOwner(props: RobotServerOutputs, d: RobotServerDeps): Promise<void> {
  if (!props.owner) return;
  const server = await d.robot.servers.get(props.serverNumber).catch((e) => Promise.reject(explainRobotError(e)));
  if (!server || !ownedBy(server.serverName, props.owner)) return;
  await d.robot.servers
    .rename(props.serverNumber, plainName(server.serverName))
    .catch((e) => Promise.reject(explainRobotError(e)));
  logLine(
    `[${serverLabel(props)}] released server ${props.serverNumber}: its Robot name is "${plainName(server.serverName)}" again`,
  );
}

/** Steps 5–6 of a wipeOnDelete: find the installed disk again (refusing a different one) and wipe it. */
async function wipeInRescue(
  s: RescueSession,
  props: RobotServerOutputs,
  installMs: number,
  steps: Steps,
): Promise<void> {
  const label = steps.resource;
  const budget = new Budget(installMs);
  const target = await steps.run("finding the installed disk", async () => {
    const disk = selectInstallDisk(await readInventory(s, label, budget), props.installDisk, label);
    const path = stableDevicePath(disk);
    if (props.installDiskPath && !disk.byId.includes(props.installDiskPath) && path !== props.installDiskPath) {
      throw new SafetyError(
        `installDisk now matches ${path}, but Talos was installed on ${props.installDiskPath}: not wiping a different disk`,
      );
    }
    return { path, size: disk.sizeBytes };
  });
  await steps.run(`wiping ${target.path} (the server stays in the rescue system)`, () =>
    s.run(wipeDiskCommand(target.path, target.size), { timeoutMs: budget.remaining(), what: `wiping ${target.path}` }),
  );
}
