/**
 * One build of a Talos snapshot on a temporary server, holding the build lock: steps 5–12 of a
 * create. The server and the key are removed in `finally` whatever happened, waiting for the
 * server's delete action; what could not be removed is reported, never swallowed.
 */
import { Image } from "../../hetzner/cloud";
import { Temporaries, removeTemporaries, withCleanupProblems } from "./cleanup";
import { BuildLock } from "./lock";
import { RunContext, cleanupOptions, redactUrl } from "./plan";
import { Steps } from "./steps";
import {
  BUILDER_DISK,
  bootRescue,
  connectRescue,
  createBuilder,
  discardDisk,
  shutDown,
  sshHost,
  takeSnapshot,
  waitAvailable,
  writeImage,
} from "./builder";

/** A finished build: the available snapshot, and what cleanup could not remove (empty when all went well). */
export interface BuildResult {
  image: Image;
  cleanupProblems: string[];
}

/** Builds the snapshot and always removes the temporaries; a build failure is thrown with any cleanup problems appended. */
export async function buildSnapshot(c: RunContext, steps: Steps, lock: BuildLock): Promise<BuildResult> {
  const t: Temporaries = { keyId: lock.key.id, stopHeartbeat: lock.stopHeartbeat };
  let image: Image | undefined;
  let failure: { error: unknown } | undefined;
  let problems: string[] = [];
  try {
    image = await runBuild(c, steps, lock, t);
  } catch (e) {
    failure = { error: e };
  } finally {
    problems = await removeTemporaries(c.deps.cloud, t, failure !== undefined, cleanupOptions(c));
  }
  if (failure) throw withCleanupProblems(failure.error, problems);
  return { image: image!, cleanupProblems: problems };
}

async function runBuild(c: RunContext, steps: Steps, lock: BuildLock, t: Temporaries): Promise<Image> {
  const p = c.plan;
  const server = await steps.run(`creating the temporary builder (${p.serverType} in ${p.location}, not started)`, () =>
    createBuilder(c, lock, t),
  );
  await steps.run("enabling the rescue system and powering on", () => bootRescue(c, server.id, lock));
  const session = await steps.run(`connecting to the rescue system over SSH (${sshHost(server)})`, () =>
    connectRescue(c, server, lock),
  );
  try {
    const writeDeadline = c.deps.now() + c.timing.writeMs;
    await steps.run(`discarding ${BUILDER_DISK}`, () => discardDisk(c, session, writeDeadline));
    await steps.run(`writing the image from ${redactUrl(p.url)}`, () => writeImage(c, session, writeDeadline));
    await steps.run("shutting down and waiting until the server is off", () => shutDown(c, session, server.id));
  } finally {
    await session.close();
  }
  const imageDeadline = c.deps.now() + c.timing.imageMs;
  const pending = await steps.run("creating the snapshot", () => takeSnapshot(c, server.id, t, imageDeadline));
  return steps.run(`waiting until snapshot ${pending.id} is available`, () =>
    waitAvailable(c, pending.id, t, imageDeadline),
  );
}
