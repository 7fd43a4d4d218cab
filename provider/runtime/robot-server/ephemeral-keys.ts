/**
 * The ephemeral rescue keys of a server in Robot: each run registers one named with its server and
 * creation time and deletes it afterwards; a crashed run leaves it behind. The next run removes only
 * keys that are provably stale — older than the longest a run may take — so an install of the same
 * server still running elsewhere (another checkout, a CI job) keeps the key its rescue is armed with.
 */
import { RobotClient, RobotKey } from "../../hetzner/robot";
import { StepLogger } from "../../internal/log";
import { Timing } from "./types";

/** The longest Robot may take to apply the install firewall, as create waits for it. */
export const FIREWALL_WAIT_MS = 300_000;

/** Name prefix of the ephemeral keys of one server; what the sweep looks for. */
export function ephemeralKeyPrefix(serverNumber: number): string {
  return `talos-hetzner-ephemeral-${serverNumber}-`;
}

/** The name of a key registered at `nowMs`. */
export function ephemeralKeyName(serverNumber: number, nowMs: number): string {
  return `${ephemeralKeyPrefix(serverNumber)}${nowMs}`;
}

/** The longest one run may hold its key: the firewall, two rescue boots (one escalation), the install and the reboot. */
export function longestRunMs(t: Timing): number {
  return FIREWALL_WAIT_MS + 2 * t.rescueMs + t.installMs + t.maintenanceMs;
}

/** When the key was registered: the time in its name, else Robot's created_at (UTC); undefined when neither is known. */
export function registeredAt(serverNumber: number, k: RobotKey): number | undefined {
  const stamp = k.name.slice(ephemeralKeyPrefix(serverNumber).length);
  if (/^\d{13}$/.test(stamp)) return Number(stamp);
  const created = k.createdAt ? Date.parse(`${k.createdAt.replace(" ", "T")}Z`) : NaN;
  return Number.isNaN(created) ? undefined : created;
}

/** Deletes this server's ephemeral keys older than `staleAfterMs`; younger ones (or of unknown age) stay, logged. */
export async function sweepEphemeralKeys(
  robot: RobotClient,
  serverNumber: number,
  staleAfterMs: number,
  log: StepLogger,
  now: () => number = Date.now,
): Promise<void> {
  const mine = (await robot.keys.list()).filter((k) => k.name.startsWith(ephemeralKeyPrefix(serverNumber)));
  for (const k of mine) {
    const at = registeredAt(serverNumber, k);
    const age = at === undefined ? undefined : now() - at;
    if (age !== undefined && age > staleAfterMs) {
      await robot.keys.delete(k.fingerprint);
      log.cleanup(
        `deleted ephemeral key ${k.name} left behind by an earlier run (${Math.round(age / 60_000)} min old)`,
      );
      continue;
    }
    log.info(
      `kept ephemeral key ${k.name}: ${age === undefined ? "its age is unknown" : `${Math.round(age / 1000)} s old`}, so another run may still be installing this server with it (it is removed once older than ${Math.round(staleAfterMs / 60_000)} min)`,
    );
  }
}
