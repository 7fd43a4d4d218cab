/**
 * Getting a dedicated server into its rescue system: which reset to use (a pure, table-tested plan),
 * one escalation when rescue does not answer in time, and the one-shot rule: an inactive rescue flag
 * after a reset means the boot consumed it, not that Robot refused it (contracts/hetzner-robot.md §2, §3.2).
 */
import { RobotClient, RobotResetType } from "../../hetzner/robot";
import { DeadlineError, TalosHetznerError, isError } from "../../internal/errors";
import { StepLogger } from "../../internal/log";
import { pollUntil } from "../../internal/poll";
import { RescueSession } from "../../rescue/session";
import { firewallHint } from "./install-firewall";
import { resetWithRetry } from "./refusals";
import { RescueAccess, armRescue } from "./rescue";
import { Timing } from "./types";

/** The resets to send: the first attempt and the one escalation (null when the server offers none). */
export interface ResetPlan {
  first: RobotResetType[];
  escalation: RobotResetType[] | null;
}

/** A server the plan cannot reset (no usable reset type). */
export class ResetUnavailableError extends TalosHetznerError {
  constructor(message: string) {
    super(message);
    this.name = "ResetUnavailableError";
  }
}

/** A reset was accepted by Robot but the server did not react. */
export class ResetNoEffectError extends TalosHetznerError {
  constructor(message: string) {
    super(message);
    this.name = "ResetNoEffectError";
  }
}

/** Rescue did not answer SSH after the reset and its escalation. */
export class RescueUnavailableError extends TalosHetznerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RescueUnavailableError";
  }
}

const CYCLE: RobotResetType[] = ["power_long", "power"];

/**
 * `power` turns a shut-off server on; a running one gets `hw` (never `sw`, missing on AX boxes, nor
 * `man`, a technician). The escalation is a forced power cycle, or `hw` again when that is all there is.
 */
export function planResets(types: RobotResetType[], operatingStatus: string | undefined): ResetPlan {
  const cycle = types.includes("power_long") && types.includes("power") ? CYCLE : null;
  const hw: RobotResetType[] | null = types.includes("hw") ? ["hw"] : null;
  if (operatingStatus === "shut off") {
    if (!types.includes("power"))
      throw new ResetUnavailableError(
        `the server is shut off and Robot offers no power reset to turn it on (types: ${types.join(", ") || "none"})`,
      );
    return { first: ["power"], escalation: cycle };
  }
  const first = hw ?? cycle;
  if (!first)
    throw new ResetUnavailableError(
      `Robot offers neither an hw reset nor a power cycle for this server (types: ${types.join(", ") || "none"}); sw and man are never automated`,
    );
  return { first, escalation: first === hw ? (cycle ?? hw) : (hw ?? cycle) };
}

/** What `bootRescue` needs. */
export interface RescueBootContext {
  robot: RobotClient;
  serverNumber: number;
  ip: string;
  access: RescueAccess;
  timing: Timing;
  log: StepLogger;
  sleep: (ms: number) => Promise<void>;
  /** The admin CIDRs the install firewall admits to SSH, when one was set. */
  adminCidrs?: readonly string[];
}

/** Sends one reset sequence; a `power_long` must show "shut off" before `power` turns the server on again. */
async function sendResets(c: RescueBootContext, seq: RobotResetType[]): Promise<void> {
  for (const type of seq) {
    await resetWithRetry(c.robot, c.serverNumber, type, {
      pauseMs: c.timing.rescue.maxMs * 3,
      sleep: c.sleep,
      log: c.log,
    });
    c.log.info(`reset ${type} sent`);
    if (type === "power_long") await waitShutOff(c);
  }
}

async function waitShutOff(c: RescueBootContext): Promise<void> {
  const t = c.timing;
  try {
    await pollUntil(
      async () => ((await c.robot.reset.getOptions(c.serverNumber)).operatingStatus === "running" ? undefined : true),
      {
        what: "the server to shut off",
        timeoutMs: t.powerOffMs,
        ...t.powerOff,
        sleep: c.sleep,
      },
    );
  } catch (e) {
    if (!isError(e, "DeadlineError")) throw e;
    throw new ResetNoEffectError(
      `reset power_long did not take effect: Robot still reports the server as running ${Math.round(t.powerOffMs / 1000)}s later (a reset the server ignores needs Hetzner support)`,
    );
  }
}

/**
 * One wait for the rescue system: SSH with the run's credentials, only to a host presenting a key
 * Robot reported for this activation (or, when it reported none, the key pinned earlier in the run),
 * then the rescue check; the first verified key of a run without reported keys is pinned and logged.
 */
async function connectRescue(c: RescueBootContext): Promise<RescueSession> {
  const t = c.timing;
  const accepted = acceptedHostKeys(c.access);
  const session = await RescueSession.connect({
    host: c.ip,
    deadlineMs: t.rescueMs,
    sleep: c.sleep,
    acceptedHostKeys: accepted,
    ...(c.access.privateKey ? { privateKey: c.access.privateKey } : { password: c.access.password }),
    backoff: t.rescue,
    firstWaitMs: t.rescue.firstWaitMs,
  });
  try {
    await session.verifyRescue(Math.max(5_000, t.rescue.maxMs * 10));
    logHostKey(c, session.hostKeyFingerprint);
    return session;
  } catch (e) {
    await session.close();
    throw e;
  }
}

function acceptedHostKeys(a: RescueAccess): string[] {
  if (a.hostKeys && a.hostKeys.length > 0) return a.hostKeys;
  return a.pinnedHostKey ? [a.pinnedHostKey] : [];
}

function logHostKey(c: RescueBootContext, fingerprint: string): void {
  const a = c.access;
  if (a.hostKeys && a.hostKeys.length > 0)
    return c.log.info(
      `rescue host key ${fingerprint} matches one Robot reported for this activation (${a.hostKeys.join(", ")})`,
    );
  if (a.pinnedHostKey) return c.log.info(`rescue host key ${fingerprint} is the one pinned earlier in this run`);
  a.pinnedHostKey = fingerprint;
  c.log.info(
    `rescue host key ${fingerprint} pinned for this run (Robot reported none for the activation: trusted on first use, required from every later connection)`,
  );
}

/**
 * Resets the server into the armed rescue system and returns a verified session. When SSH does not
 * answer within the deadline: re-arm only if the flag was consumed (an armed flag means the boot has
 * not happened, and re-arming would interrupt nothing but cost a request), then escalate once.
 */
export async function bootRescue(c: RescueBootContext, plan: ResetPlan): Promise<RescueSession> {
  await sendResets(c, plan.first);
  try {
    return await connectRescue(c);
  } catch (e) {
    if (!isError(e, "DeadlineError")) throw e;
    if (!plan.escalation) throw await rescueFailure(c, plan.first, e);
    const armed = (await c.robot.rescue.get(c.serverNumber)).active;
    if (!armed) await armRescue(c.robot, c.serverNumber, c.access);
    c.log.warn(
      `rescue did not answer within ${Math.round(c.timing.rescueMs / 1000)}s after reset ${plan.first.join("+")} (rescue ${armed ? "still armed: the server did not boot it" : "consumed, re-armed"}); escalating to ${plan.escalation.join("+")}`,
    );
  }
  await sendResets(c, plan.escalation);
  try {
    return await connectRescue(c);
  } catch (e) {
    if (!isError(e, "DeadlineError")) throw e;
    throw await rescueFailure(c, [...plan.first, ...plan.escalation], e);
  }
}

async function rescueFailure(
  c: RescueBootContext,
  sent: RobotResetType[],
  cause: unknown,
): Promise<RescueUnavailableError> {
  const armed = (await c.robot.rescue.get(c.serverNumber)).active;
  const resets = sent.join(", ");
  if (armed) {
    return new RescueUnavailableError(
      `the rescue system never booted: after resets ${resets} Robot still shows the rescue activation armed, so the server did not boot from the network; make sure network boot (PXE) comes before the disks in the boot order (Hetzner support can change it)`,
      { cause },
    );
  }
  const last = (cause as DeadlineError).message;
  const mismatch = (cause as { cause?: unknown }).cause;
  if (isError(mismatch, "HostKeyMismatchError")) {
    return new RescueUnavailableError(
      `the rescue system on ${c.ip}:22 never presented the expected host key after resets ${resets}: ${mismatch.message}. ` +
        "Nothing was sent to that host (no password, no command); if something else answers on that address, check the server in Robot before running pulumi up again",
      { cause },
    );
  }
  return new RescueUnavailableError(
    `the server booted the rescue system (Robot shows the activation consumed) but SSH to ${c.ip}:22 never accepted this run's credentials after resets ${resets}: ${last}${firewallHint(c.adminCidrs)}`,
    { cause },
  );
}
