/**
 * Removal of a build's temporary resources (builder server, then SSH key, plus a snapshot that never
 * completed), shared by the build's `finally`, the takeover of abandoned builds and the sweeper.
 * Deleting something already gone counts as done; every other failure is returned, never swallowed.
 */
import { CloudApiError, CloudClient, isCloudNotFound } from "../../hetzner/cloud";
import { TalosHetznerError, errorMessage, isError } from "../../internal/errors";
import { Sleep, retry } from "../../internal/retry";
import { deleteFirewall } from "./builder-firewall";

/** Temporary resources of one build, filled in as they are created. */
export interface Temporaries {
  serverId?: number;
  keyId?: number;
  /** The builder's temporary firewall (builder-firewall.ts); deleted after the server, which holds it. */
  firewallId?: number;
  /** A snapshot `create_image` announced that did not become available; deleted when the build fails. */
  pendingImageId?: number;
  /** Stops the build-lock heartbeat; called before the key (the lock) is deleted. */
  stopHeartbeat?: () => Promise<void>;
}

/** How cleanup waits and reports. */
export interface CleanupOptions {
  /** Time allowed for each delete action. */
  timeoutMs: number;
  pollMs: number;
  sleep?: Sleep;
  /** One `Cleanup:` line per resource removed or left behind. */
  report: (line: string) => void;
}

/** Cleanup did not remove everything; the message lists what is left and how to remove it. */
export class CleanupError extends TalosHetznerError {
  constructor(
    readonly resource: string,
    readonly problems: string[],
  ) {
    super(
      `[${resource}] cleanup failed: ${problems.join("; ")}. Leftovers carry the label talos-hetzner/temp=true: run sweepTalosImageLeftovers() or delete them in the Cloud console`,
    );
    this.name = "CleanupError";
  }
}

const isLocked = (e: unknown) => isError(e, "CloudApiError") && (e as CloudApiError).status === 423;

/**
 * Deletes a server and waits for its delete action. 423 locked (an action of an interrupted build is
 * still running, or another run is deleting it) is retried until the server can be deleted or is gone.
 */
export async function deleteServerAndWait(
  cloud: CloudClient,
  id: number,
  o: CleanupOptions,
): Promise<"deleted" | "gone"> {
  let action;
  try {
    action = await retry(() => cloud.servers.delete(id), {
      retryable: isLocked,
      attempts: Number.MAX_SAFE_INTEGER,
      deadline: Date.now() + o.timeoutMs,
      initialMs: o.pollMs,
      factor: 1.5,
      maxMs: o.pollMs * 10,
      sleep: o.sleep,
    });
  } catch (e) {
    if (isCloudNotFound(e)) return "gone";
    throw e;
  }
  await cloud.actions.waitFor([action], { timeoutMs: o.timeoutMs });
  return "deleted";
}

/** Deletes an SSH key; a key already gone counts as deleted. */
export async function deleteKey(cloud: CloudClient, id: number): Promise<"deleted" | "gone"> {
  try {
    await cloud.sshKeys.delete(id);
    return "deleted";
  } catch (e) {
    if (isCloudNotFound(e)) return "gone";
    throw e;
  }
}

async function attempt(
  what: string,
  fn: () => Promise<"deleted" | "gone">,
  o: CleanupOptions,
  problems: string[],
): Promise<void> {
  try {
    const r = await fn();
    o.report(r === "deleted" ? `deleted ${what}` : `${what} was already gone`);
  } catch (e) {
    problems.push(`${what}: ${errorMessage(e)}`);
    o.report(`FAILED to delete ${what}: ${errorMessage(e)}`);
  }
}

/**
 * Removes the temporaries of one build: stops the heartbeat, deletes an incomplete snapshot when the
 * build failed, the server (waiting for the delete), its firewall, then the key. Returns what could not be removed.
 */
export async function removeTemporaries(
  cloud: CloudClient,
  t: Temporaries,
  failed: boolean,
  o: CleanupOptions,
): Promise<string[]> {
  const problems: string[] = [];
  await t.stopHeartbeat?.();
  const image = t.pendingImageId;
  if (failed && image !== undefined) {
    await attempt(
      `incomplete snapshot ${image}`,
      () =>
        cloud.images.delete(image).then(
          () => "deleted" as const,
          (e) => (isCloudNotFound(e) ? ("gone" as const) : Promise.reject(e)),
        ),
      o,
      problems,
    );
  }
  const server = t.serverId;
  if (server !== undefined)
    await attempt(`temporary server ${server}`, () => deleteServerAndWait(cloud, server, o), o, problems);
  const firewall = t.firewallId;
  if (firewall !== undefined)
    await attempt(`temporary firewall ${firewall}`, () => deleteFirewall(cloud, firewall), o, problems);
  const key = t.keyId;
  if (key !== undefined) await attempt(`temporary SSH key ${key}`, () => deleteKey(cloud, key), o, problems);
  return problems;
}

/** The build's error with the cleanup problems appended (same error object, so its name still matches). */
export function withCleanupProblems(e: unknown, problems: string[]): unknown {
  if (problems.length === 0 || !(e instanceof Error)) return e;
  e.message = `${e.message}\nCleanup also failed: ${problems.join("; ")}. Run sweepTalosImageLeftovers() or delete the leftovers (label talos-hetzner/temp=true) in the Cloud console`;
  return e;
}
