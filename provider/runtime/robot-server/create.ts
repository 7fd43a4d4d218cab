/**
 * `RobotServer` create: the numbered install flow (DESIGN.md table; contracts/hetzner-robot.md §2
 * "Recommended flow"). Every failure names its step and leaves the server so that running
 * `pulumi up` again starts over cleanly: each run boots a fresh rescue system (re-running inside an
 * old one is what CAPH learned not to do) and cleans up the ephemeral key and an unused activation.
 */
import { StepLogger } from "../../internal/log";
import { Inventory } from "../../rescue/inventory";
import { RescueSession } from "../../rescue/session";
import { CreateResult } from "../dispatch/types";
import { RobotServerDeps, robotServerDeps } from "./deps";
import { assertOwnable } from "./owner";
import {
  Budget,
  DiskPlan,
  fixBootOrder,
  planDisks,
  readInventory,
  verifyWritten,
  wipeDisks,
  writeImage,
} from "./install";
import { diskSummary, networkPatchFor, publicMac } from "./outputs";
import { Preflight, adoptedOutputs, preflight, talosCheck } from "./preflight";
import { bootRescue } from "./reset";
import { RescueAccess, armRescue, disarmIfArmed, releaseRescueAccess, rescueAccess } from "./rescue";
import { Steps } from "./steps";
import { applyInstallFirewall } from "./install-firewall";
import { FIREWALL_WAIT_MS, longestRunMs } from "./ephemeral-keys";
import { waitForMaintenance } from "./talos";
import { RobotServerInputs, RobotServerOutputs, Timing, timingOf } from "./types";
import { worldTimeScale } from "../shared/timing";

/** Steps of a full install (adoption stops after step 2); one more when adminCidrs sets the install firewall. */
export const CREATE_STEPS = 12;

/** The label of a server in logs and errors: its name, else its number. */
export function serverLabel(i: Pick<RobotServerInputs, "name" | "serverNumber">): string {
  return i.name ?? `server-${i.serverNumber}`;
}

interface Run {
  i: RobotServerInputs;
  d: RobotServerDeps;
  t: Timing;
  steps: Steps;
  pre: Preflight;
}

/** Installs Talos on the server (or adopts the Talos that runs on it); the resource id is the server number. */
export async function createRobotServer(i: RobotServerInputs): Promise<CreateResult<RobotServerOutputs>> {
  const t = timingOf(i.deadlines, worldTimeScale());
  const d = robotServerDeps(t);
  const steps = new Steps(serverLabel(i), CREATE_STEPS + (i.adminCidrs?.length ? 1 : 0));
  const pre = await steps.run("preflight: server, resets, addresses and image", () => preflight(i, d, steps.log));
  const adopt = await steps.run(`checking for a running Talos on ${pre.ip}`, () => talosCheck(i, d, pre, t, steps.log));
  const id = String(i.serverNumber);
  if (adopt) {
    steps.log.info(
      `adopting the Talos that runs on server ${i.serverNumber} (${adopt.state}); nothing was changed on the machine`,
    );
    return { id, outs: adoptedOutputs(i, pre, adopt, steps.log) };
  }
  return { id, outs: await install({ i, d, t, steps, pre }) };
}

/** Steps 3–12, with the key and an unused rescue activation cleaned up whatever happens. */
async function install(r: Run): Promise<Partial<RobotServerOutputs>> {
  const { i, d, steps, pre } = r;
  let access: RescueAccess | undefined;
  let booted = false;
  try {
    await closeFirewall(r);
    access = await steps.run("preparing rescue access", async () => {
      await confirmOwner(r);
      return rescueAccess(d.robot, i.serverNumber, i.rescueKey, steps.log, longestRunMs(r.t));
    });
    await steps.run("arming the rescue system (delete, then activate with the key)", () =>
      armRescue(d.robot, i.serverNumber, access!),
    );
    const session = await steps.run(
      `resetting into the rescue system (${pre.plan.first.join("+")}, escalation ${pre.plan.escalation?.join("+") ?? "none"})`,
      () =>
        bootRescue(
          {
            robot: d.robot,
            serverNumber: i.serverNumber,
            ip: pre.ip,
            access: access!,
            timing: r.t,
            log: steps.log,
            sleep: d.sleep,
            adminCidrs: i.adminCidrs,
          },
          pre.plan,
        ),
    );
    booted = true;
    const outs = await inRescue(r, session);
    const probe = await steps.run(`waiting for Talos maintenance mode on ${pre.ip}:50000`, () =>
      waitForMaintenance(d.talosctl, pre.ip, r.t, d.sleep),
    );
    return { ...outs, talosState: probe.state };
  } catch (e) {
    if (access && !booted) await disarmIfArmed(d.robot, i.serverNumber, steps.log);
    throw e;
  } finally {
    await releaseRescueAccess(d.robot, access, steps.log);
  }
}

/** With adminCidrs: the install firewall, active before rescue is armed (install-firewall.ts). */
export async function closeFirewall(r: {
  i: Pick<RobotServerInputs, "serverNumber" | "adminCidrs">;
  d: RobotServerDeps;
  steps: Steps;
  pre: { ip: string };
}): Promise<void> {
  const adminCidrs = r.i.adminCidrs;
  if (!adminCidrs?.length) {
    r.steps.log.warn(
      "adminCidrs is not set: the server's Robot firewall is left as it is, so the rescue system and Talos maintenance mode answer whoever reaches them until a firewall is applied",
    );
    return;
  }
  await r.steps.run(`closing the Robot firewall to adminCidrs (${adminCidrs.join(", ")}) before rescue`, () =>
    applyInstallFirewall({
      robot: r.d.robot,
      serverNumber: r.i.serverNumber,
      serverIp: r.pre.ip,
      adminCidrs,
      timeoutMs: FIREWALL_WAIT_MS,
      timeScale: worldTimeScale(),
      log: r.steps.log,
    }),
  );
}

/** Steps 6–11, inside one rescue session (closed afterwards). */
async function inRescue(r: Run, s: RescueSession): Promise<Partial<RobotServerOutputs>> {
  const { i, d, steps, pre } = r;
  const label = steps.resource;
  const budget = new Budget(r.t.installMs);
  try {
    const inv = await steps.run("reading the inventory (disks, NIC, SMBIOS UUID, boot mode)", () =>
      readInventory(s, label, budget),
    );
    const plan = await steps.run(`choosing the install disk (otherDisks: ${i.otherDisks ?? "refuse"})`, async () =>
      planDisks(inv, i.installDisk, i.otherDisks ?? "refuse", label, steps.log),
    );
    await steps.run(`stopping md arrays and wiping ${plan.targetPath}`, async () => {
      await confirmOwner(r);
      await wipeDisks(s, plan, budget, steps.log);
    });
    const sha = await steps.run(`writing the image to ${plan.targetPath}`, () =>
      writeImage(s, pre.image, plan.targetPath, budget),
    );
    steps.log.info(`image sha256 ${sha}${pre.image.sha256 ? " (matches the expected sha256)" : ""}`);
    await steps.run("re-reading the partition table and checking the boot order", async () => {
      steps.log.info(`${await verifyWritten(s, plan.targetPath, budget)} partitions on ${plan.targetPath}`);
      await fixBootOrder(s, inv, budget, steps.log);
    });
    await steps.run("deactivating rescue and rebooting into Talos", async () => {
      await d.robot.rescue.deactivate(i.serverNumber);
      await s.runDetached("sync; reboot", { what: "reboot" });
    });
    return installedOutputs(r, inv, plan, sha, steps.log);
  } finally {
    await s.close();
  }
}

/**
 * The owner marker is read again before rescue is armed and right before the first write: two creates
 * of one server started together can both pass preflight (claim, read back, other's claim, its read
 * back), and the later rename wins. Robot has no compare-and-swap, so the earlier one must notice the
 * other's claim before it arms rescue (arming deletes the other's activation and key, which surfaced as a
 * misleading `invalid: authorized_key`) and again before it touches a disk.
 */
async function confirmOwner(r: Run): Promise<void> {
  if (!r.i.owner) return;
  const server = await r.d.robot.servers.get(r.i.serverNumber);
  if (server) assertOwnable(r.i.serverNumber, server.serverName, r.i.owner);
}

function installedOutputs(
  r: Run,
  inv: Inventory,
  plan: DiskPlan,
  sha: string,
  log: StepLogger,
): Partial<RobotServerOutputs> {
  const mac = publicMac(inv, r.pre.ip);
  if (r.i.nicMac && mac && r.i.nicMac.toLowerCase() !== mac)
    log.warn(`nicMac ${r.i.nicMac} differs from the inventory's ${mac}; using the inventory's`);
  return {
    ...r.pre.net,
    mac,
    bootMode: inv.bootMode,
    smbiosUuid: inv.smbiosUuid,
    disks: diskSummary(inv.disks),
    installDiskPath: plan.targetPath,
    talosVersion: r.pre.image.version,
    imageUrl: r.pre.image.url,
    imageSha256: sha,
    installedAt: new Date().toISOString(),
    networkPatch: networkPatchFor(r.pre.image.version, mac, r.pre.net),
    adopted: false,
  };
}
