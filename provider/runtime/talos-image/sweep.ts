/**
 * The sweeper for leftovers of interrupted `TalosImage` builds (a killed `pulumi up`, a lost
 * connection during cleanup): every temporary builder server, its firewall, then every build SSH key, found by
 * label — servers first, as hcloud-upload-image's `cleanup` does, waiting for each delete action.
 */
import { CloudClient, Labels } from "../../hetzner/cloud";
import { TalosHetznerError } from "../../internal/errors";
import { CREATED_BY, TEMP_LABEL } from "../../internal/labels";
import { logLine } from "../../internal/log";
import { Sleep } from "../../internal/retry";
import { CleanupOptions, deleteKey, deleteServerAndWait } from "./cleanup";
import { IMAGE_KEY_LABEL } from "./lock";
import { deleteFirewall } from "./builder-firewall";

/** Options of `sweepTalosImageLeftovers`. */
export interface SweepOptions {
  /** The Cloud project to sweep. */
  client: CloudClient;
  /** Only remove what was created more than this many ms ago, so builds running right now survive. @default 0 (everything) */
  olderThanMs?: number;
  /** Time allowed for each server's delete action, in ms. @default 300000 */
  timeoutMs?: number;
  /** Pause between polls of a delete, in ms. @default 1000 */
  pollMs?: number;
  /** @default real timers */
  sleep?: Sleep;
  /** @default Date.now */
  now?: () => number;
  /** Where the `Cleanup:` lines go. @default the library log */
  log?: (line: string) => void;
}

/** What was removed. */
export interface SweepResult {
  servers: number[];
  firewalls: number[];
  sshKeys: number[];
}

/** Label selector of TalosImage's temporary resources (builder servers and their SSH keys, which are the build locks). */
export const LEFTOVER_SELECTOR = `${TEMP_LABEL}=true,created-by=${CREATED_BY},${IMAGE_KEY_LABEL}`;

/** Deletes leftover builder servers, then keys; throws after trying everything when something could not be removed. */
export async function sweepTalosImageLeftovers(o: SweepOptions): Promise<SweepResult> {
  const log = o.log ?? ((l: string) => logLine(`[sweep] Cleanup: ${l}`));
  const now = (o.now ?? Date.now)();
  const old = (x: { created: string; labels: Labels }) => now - Date.parse(x.created) >= (o.olderThanMs ?? 0);
  const co: CleanupOptions = {
    timeoutMs: o.timeoutMs ?? 300_000,
    pollMs: o.pollMs ?? 1000,
    sleep: o.sleep,
    report: log,
  };
  const result: SweepResult = { servers: [], firewalls: [], sshKeys: [] };
  const problems: string[] = [];
  const attempt = async (what: string, fn: () => Promise<unknown>, done: () => void) => {
    try {
      await fn();
      done();
      log(`deleted ${what}`);
    } catch (e) {
      problems.push(`${what}: ${(e as Error).message}`);
      log(`FAILED to delete ${what}: ${(e as Error).message}`);
    }
  };
  for (const s of (await o.client.servers.list({ labelSelector: LEFTOVER_SELECTOR })).filter(old)) {
    await attempt(
      `temporary server ${s.id} (${s.name})`,
      () => deleteServerAndWait(o.client, s.id, co),
      () => result.servers.push(s.id),
    );
  }
  // After the servers: a firewall still attached to one cannot be deleted.
  for (const f of (await o.client.firewalls.list({ labelSelector: LEFTOVER_SELECTOR })).filter(old)) {
    await attempt(
      `temporary firewall ${f.id} (${f.name})`,
      () => deleteFirewall(o.client, f.id),
      () => result.firewalls.push(f.id),
    );
  }
  for (const k of (await o.client.sshKeys.list({ labelSelector: LEFTOVER_SELECTOR })).filter(old)) {
    await attempt(
      `temporary SSH key ${k.id} (${k.name})`,
      () => deleteKey(o.client, k.id),
      () => result.sshKeys.push(k.id),
    );
  }
  if (problems.length)
    throw new TalosHetznerError(
      `sweeping TalosImage leftovers failed for ${problems.length} resource(s): ${problems.join("; ")}`,
    );
  return result;
}
