/**
 * Rescue access for one run: the ephemeral ed25519 key (registered in Robot for this install only,
 * named so leftovers of a crashed run are found and removed) and arming the rescue system with it.
 */
import { RobotClient } from "../../hetzner/robot";
import { errorMessage } from "../../internal/errors";
import { StepLogger, registerSecret } from "../../internal/log";
import { generateEd25519KeyPair } from "../../rescue/session-keys";
import { explainArmFailure } from "../shared/failure-hints";
import { explainBootBlocked } from "./refusals";
import { ephemeralKeyName, sweepEphemeralKeys } from "./ephemeral-keys";

/** How the run logs in to the rescue system. */
export interface RescueAccess {
  /** Fingerprints the rescue system is armed with. */
  fingerprints: string[];
  /** Private key of the ephemeral key (never stored, never logged). */
  privateKey?: string;
  /** Fingerprint of the ephemeral key, to delete it afterwards. */
  ephemeralFingerprint?: string;
  /** Root password of the current activation; never sent while a private key exists. Set by `armRescue`. */
  password?: string;
  /** Host key fingerprints Robot reported for the current activation (MD5 hex); set by `armRescue`. */
  hostKeys?: string[];
  /** Without reported keys: the key of the run's first verified rescue session, required from every later one. */
  pinnedHostKey?: string;
}

/**
 * Access with a fresh ephemeral key registered in Robot; the user's registered key, when given, is
 * armed beside it (so the user can log in too), but the run itself logs in with the ephemeral key:
 * the activation's root password never goes over the wire while a key can be used.
 */
export async function rescueAccess(
  robot: RobotClient,
  serverNumber: number,
  rescueKey: string | undefined,
  log: StepLogger,
  staleAfterMs: number,
): Promise<RescueAccess> {
  await sweepEphemeralKeys(robot, serverNumber, staleAfterMs, log);
  // Not ssh2's generator: it drops a leading zero byte of ~1 in 256 public keys (provider/rescue/session-keys.ts).
  const name = ephemeralKeyName(serverNumber, Date.now());
  const pair = generateEd25519KeyPair(name);
  registerSecret(pair.private);
  const key = await robot.keys.create(name, pair.public.trim());
  log.info(`registered ephemeral ed25519 key ${name} (${key.fingerprint})`);
  if (rescueKey)
    log.info(
      `rescue key ${rescueKey} (registered by you) is armed too; this run logs in with the ephemeral key, never with the root password`,
    );
  return {
    fingerprints: [...(rescueKey ? [rescueKey] : []), key.fingerprint],
    privateKey: pair.private,
    ephemeralFingerprint: key.fingerprint,
  };
}

/** Deletes the run's ephemeral key; never throws (a failure is logged so the sweep of the next run removes it). */
export async function releaseRescueAccess(
  robot: RobotClient,
  access: RescueAccess | undefined,
  log: StepLogger,
): Promise<void> {
  if (!access?.ephemeralFingerprint) return;
  try {
    await robot.keys.delete(access.ephemeralFingerprint);
    log.cleanup(`deleted ephemeral key ${access.ephemeralFingerprint}`);
  } catch (e) {
    log.cleanup(
      `could not delete ephemeral key ${access.ephemeralFingerprint} (${errorMessage(e)}); the next run of this server deletes it`,
    );
  }
}

/**
 * Arms rescue for the next boot: DELETE first, then POST, so a changed key takes effect and a
 * leftover activation cannot answer 409 BOOT_ALREADY_ENABLED (CAPH "preparing" step 4). Keeps the
 * activation's password in `access` (registered as a secret, so no log line can show it).
 */
export async function armRescue(robot: RobotClient, serverNumber: number, access: RescueAccess): Promise<void> {
  await robot.rescue.deactivate(serverNumber);
  const r = await robot.rescue
    .activate(serverNumber, "linux", access.fingerprints)
    .catch((e) => Promise.reject(explainArmFailure(explainBootBlocked(e, serverNumber), serverNumber)));
  registerSecret(r.password);
  access.password = r.password ?? undefined;
  access.hostKeys = r.hostKeys.map((k) => k.fingerprint).filter((f) => f !== "" && f !== "undefined");
}

/** Disarms rescue if this run left it armed (a failure before the machine booted it); never throws. */
export async function disarmIfArmed(robot: RobotClient, serverNumber: number, log: StepLogger): Promise<void> {
  try {
    if (!(await robot.rescue.get(serverNumber)).active) return;
    await robot.rescue.deactivate(serverNumber);
    log.cleanup("deactivated the rescue activation this run armed, so the next reboot does not land in rescue");
  } catch (e) {
    log.cleanup(`could not check or deactivate the rescue activation (${errorMessage(e)})`);
  }
}
