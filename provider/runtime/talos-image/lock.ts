/**
 * The build lock that keeps two runs (two resources, or two stacks) from building the same image:
 * the builder's own SSH key, labelled with the image key. Among the live locks of an image the one
 * with the lowest id wins; the others remove their key and wait for its snapshot. The holder refreshes
 * a heartbeat label; a lock whose heartbeat does not change for STALE_BEATS intervals (measured on
 * the waiter's clock, so clock skew between workstations does not matter) was abandoned — an
 * interrupted `pulumi up` — and the waiter removes that build's leftovers and takes over.
 */
import { randomBytes } from "crypto";
import { Image, SshKey } from "../../hetzner/cloud";
import { errorMessage } from "../../internal/errors";
import { RUN_LABEL, TEMP_LABEL, tempResourceLabels } from "../../internal/labels";
import { pollUntil } from "../../internal/poll";
import { SshKeyPair, generateEd25519KeyPair } from "../../rescue/session-keys";
import { deleteKey, removeTemporaries, withCleanupProblems } from "./cleanup";
import { RunContext, cleanupOptions, findSnapshots } from "./plan";

/** Label key holding the image key (plan.ts `imageKeyOf`) on a build's temporary resources. */
export const IMAGE_KEY_LABEL = "talos-hetzner/image-key";
/** Label key of the lock's heartbeat counter. */
export const BEAT_LABEL = "talos-hetzner/beat";
/** Label key of the holder's heartbeat interval in ms (waiters judge staleness by the holder's interval). */
export const BEAT_MS_LABEL = "talos-hetzner/beat-ms";
/** Heartbeats a lock may miss before it counts as abandoned. */
export const STALE_BEATS = 5;

/** Labels of a build's temporary server. */
export function tempLabels(runId: string, imageKey: string): Record<string, string> {
  return { ...tempResourceLabels(runId), [IMAGE_KEY_LABEL]: imageKey };
}

/** Labels of a build's SSH key, which is also its lock. */
export function lockLabels(runId: string, imageKey: string, beat: number, beatMs: number): Record<string, string> {
  return { ...tempLabels(runId, imageKey), [BEAT_LABEL]: String(beat), [BEAT_MS_LABEL]: String(beatMs) };
}

/** A held build lock: the key (registered in the project) and its private half for the rescue login. */
export interface BuildLock {
  runId: string;
  key: SshKey;
  keyPair: SshKeyPair;
  stopHeartbeat: () => Promise<void>;
}

/** What the wait ended with: this run builds, or a snapshot is there to adopt. */
export type LockOutcome = { kind: "build"; lock: BuildLock } | { kind: "adopt"; image: Image };

/** Remembers each lock's heartbeat and since when (on this clock) it has not changed. */
export class StaleTracker {
  private readonly seen = new Map<number, { beat: string; since: number }>();
  constructor(private readonly now: () => number) {}

  /** True once the key's heartbeat has been seen unchanged for STALE_BEATS of its holder's intervals. */
  isStale(key: SshKey): boolean {
    const beat = key.labels[BEAT_LABEL] ?? "";
    const prev = this.seen.get(key.id);
    if (!prev || prev.beat !== beat) {
      this.seen.set(key.id, { beat, since: this.now() });
      return false;
    }
    const beatMs = Number(key.labels[BEAT_MS_LABEL]) || 30_000;
    return this.now() - prev.since > STALE_BEATS * beatMs;
  }
}

/** The first snapshot that is available or still being created. */
function usable(images: Image[]): Image | undefined {
  return images.find((i) => i.status === "available") ?? images.find((i) => i.status === "creating");
}

/** Waits until this run holds the build lock or an available snapshot of the image exists. */
export async function acquireOrAdopt(c: RunContext): Promise<LockOutcome> {
  const tracker = new StaleTracker(c.deps.now);
  const said = new Set<string>();
  const note = (line: string) => (said.has(line) ? undefined : (said.add(line), c.log.info(line)));
  return pollUntil(() => round(c, tracker, note), {
    what: `a snapshot of Talos ${c.plan.version} ${c.plan.arch} (image key ${c.plan.imageKey}) from the build another run holds the lock for`,
    timeoutMs: c.timing.lockWaitMs,
    initialMs: c.timing.pollMs * 4,
    factor: 1.5,
    maxMs: c.timing.heartbeatMs,
    sleep: c.deps.sleep,
    now: c.deps.now,
  });
}

async function round(
  c: RunContext,
  tracker: StaleTracker,
  note: (l: string) => void,
): Promise<LockOutcome | undefined> {
  const snap = usable(await findSnapshots(c.deps, c.plan));
  if (snap?.status === "available") return { kind: "adopt", image: snap };
  if (snap) return void note(`snapshot ${snap.id} of this image is being created; waiting until it is available`);
  const live = await liveLocks(c, tracker);
  if (live.length)
    return void note(
      `another run (${live[0].labels[RUN_LABEL]}, SSH key ${live[0].id}) is building this image; waiting for its snapshot`,
    );
  return tryAcquire(c, tracker, note);
}

async function listLocks(c: RunContext): Promise<SshKey[]> {
  return c.deps.cloud.sshKeys.list({ labelSelector: `${IMAGE_KEY_LABEL}=${c.plan.imageKey}` });
}

/** The image's locks that are not abandoned; abandoned ones are removed with their build's leftovers. */
async function liveLocks(c: RunContext, tracker: StaleTracker): Promise<SshKey[]> {
  const live: SshKey[] = [];
  for (const key of await listLocks(c)) {
    if (tracker.isStale(key)) await takeOver(c, key);
    else live.push(key);
  }
  return live;
}

async function takeOver(c: RunContext, key: SshKey): Promise<void> {
  const run = key.labels[RUN_LABEL];
  c.log.cleanup(
    `the build lock of run ${run} (SSH key ${key.id}) missed ${STALE_BEATS} heartbeats: removing that abandoned build`,
  );
  const o = cleanupOptions(c);
  const servers = run
    ? await c.deps.cloud.servers.list({ labelSelector: `${TEMP_LABEL}=true,${RUN_LABEL}=${run}` })
    : [];
  for (const s of servers) await removeTemporaries(c.deps.cloud, { serverId: s.id }, true, o);
  await removeTemporaries(c.deps.cloud, { keyId: key.id }, true, o);
}

/** Registers this run's key; keeps it only when it is the oldest live lock and no snapshot appeared meanwhile. */
async function tryAcquire(
  c: RunContext,
  tracker: StaleTracker,
  note: (l: string) => void,
): Promise<LockOutcome | undefined> {
  const runId = randomBytes(4).toString("hex");
  const keyPair = generateEd25519KeyPair(`talos-image-${runId}`);
  const labels = lockLabels(runId, c.plan.imageKey, 0, c.timing.heartbeatMs);
  const key = await c.deps.cloud.sshKeys.create({ name: `talos-image-${runId}`, publicKey: keyPair.public, labels });
  try {
    const contenders = (await listLocks(c)).filter((k) => k.id === key.id || !tracker.isStale(k));
    const winner = contenders.reduce((a, b) => (b.id < a.id ? b : a), key);
    const snap = winner.id === key.id ? usable(await findSnapshots(c.deps, c.plan)) : undefined;
    if (winner.id === key.id && !snap) {
      c.log.info(`holding the build lock: run ${runId}, SSH key ${key.id}`);
      return { kind: "build", lock: { runId, key, keyPair, stopHeartbeat: startHeartbeat(c, runId, key.id) } };
    }
    await deleteKey(c.deps.cloud, key.id);
    if (snap?.status === "available") return { kind: "adopt", image: snap };
    return void note(
      winner.id !== key.id
        ? `another run (SSH key ${winner.id}) took the build lock first; waiting for its snapshot`
        : `snapshot ${snap!.id} appeared meanwhile; waiting until it is available`,
    );
  } catch (e) {
    throw withCleanupProblems(e, await removeTemporaries(c.deps.cloud, { keyId: key.id }, true, cleanupOptions(c)));
  }
}

/** Refreshes the lock's heartbeat label every interval until the returned stop function is called. */
function startHeartbeat(c: RunContext, runId: string, keyId: number): () => Promise<void> {
  let beat = 0;
  let chain: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    const labels = lockLabels(runId, c.plan.imageKey, ++beat, c.timing.heartbeatMs);
    chain = chain
      .then(() => c.deps.cloud.sshKeys.update(keyId, { labels }))
      .then(
        () => undefined,
        (e) => c.log.warn(`could not refresh the build lock (SSH key ${keyId}): ${errorMessage(e)}`),
      );
  }, c.timing.heartbeatMs);
  timer.unref?.();
  return async () => {
    clearInterval(timer);
    await chain;
  };
}
