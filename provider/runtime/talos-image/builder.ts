/**
 * The single steps of a `TalosImage` build on a temporary Cloud server, in the order
 * hcloud-upload-image runs them (contracts/hetzner-cloud.md §3), plus the lessons of §6: wait
 * until the server is really off before `create_image`, and wait until the snapshot is available.
 */
import { CloudApiError, Image, Server } from "../../hetzner/cloud";
import { TalosHetznerError, isError } from "../../internal/errors";
import { registerSecret } from "../../internal/log";
import { pollUntil } from "../../internal/poll";
import { joinCommands } from "../../internal/shell";
import { installImageCommand, parseImageSha256 } from "../../rescue/commands";
import { RescueCommandError, RescueSession } from "../../rescue/session";
import { archMismatch } from "./check";
import { Temporaries } from "./cleanup";
import { BuildLock, tempLabels } from "./lock";
import { RunContext } from "./plan";
import { createBuilderFirewall } from "./builder-firewall";

/** The builder's OS; it never boots (rescue is armed before the first power-on), it only has to exist for both architectures. */
export const BUILDER_IMAGE = "ubuntu-24.04";
/** The builder's only disk in the rescue system (Cloud servers have one virtio/SCSI disk). */
export const BUILDER_DISK = "/dev/sda";

/** Creates the builder (not started, so its OS never boots), checks its architecture and waits for the create action. */
export async function createBuilder(c: RunContext, lock: BuildLock, t: Temporaries): Promise<Server> {
  const p = c.plan;
  const firewall = await createBuilderFirewall(c, lock, t);
  const r = await c.deps.cloud.servers
    .create({
      name: `talos-image-${lock.runId}`,
      serverType: p.serverType,
      image: BUILDER_IMAGE,
      location: p.location,
      startAfterCreate: false,
      sshKeys: [lock.key.id],
      labels: tempLabels(lock.runId, p.imageKey),
      ...(firewall !== undefined ? { firewalls: [firewall] } : {}),
    })
    .catch((e) => Promise.reject(explainUnavailable(e, p.serverType, p.location)));
  t.serverId = r.server.id;
  const arch = r.server.server_type.architecture;
  if (arch !== p.arch) throw new TalosHetznerError(archMismatch(p.serverType, arch, p.arch));
  c.log.info(`server ${r.server.id} (${r.server.name}) at ${sshHost(r.server)}`);
  await c.deps.cloud.actions.waitFor([r.action, ...r.nextActions], { timeoutMs: c.timing.actionMs });
  return r.server;
}

/** A 412/422 from POST /servers with what the user can change. */
function explainUnavailable(e: unknown, serverType: string, location: string): unknown {
  if (!isError(e, "CloudApiError") || ![412, 422].includes((e as CloudApiError).status)) return e;
  return new TalosHetznerError(
    `${e.message} (serverType "${serverType}" in location "${location}": set the location or serverType input to one that is available)`,
    { cause: e },
  );
}

/** Arms the rescue system with the build key (it is one-shot: consumed by the next boot), then powers on. */
export async function bootRescue(c: RunContext, serverId: number, lock: BuildLock): Promise<void> {
  const { cloud } = c.deps;
  const rescue = await cloud.servers.enableRescue(serverId, { sshKeys: [lock.key.id] });
  registerSecret(rescue.rootPassword);
  // Power actions can answer 423 locked while another action runs on the server, so one at a time.
  await cloud.actions.waitFor([rescue.action], { timeoutMs: c.timing.actionMs });
  await cloud.actions.waitFor([await cloud.servers.powerOn(serverId)], { timeoutMs: c.timing.actionMs });
}

/** The address to SSH to: the public IPv4, else `<net>::1` of the IPv6 /64 (what Packer connects to). */
export function sshHost(server: Server): string {
  if (server.public_net.ipv4) return server.public_net.ipv4.ip;
  const net = server.public_net.ipv6?.ip;
  if (!net)
    throw new TalosHetznerError(
      `server ${server.id} has neither a public IPv4 nor an IPv6 network to reach its rescue system`,
    );
  return net.replace(/::\/\d+$/, "::1");
}

/** Connects to the rescue system, retrying while it boots (200 ms doubling to 2 s, as hcloud-upload-image), and checks it is rescue. */
export async function connectRescue(c: RunContext, server: Server, lock: BuildLock): Promise<RescueSession> {
  const s = await RescueSession.connect({
    host: sshHost(server),
    privateKey: lock.keyPair.private,
    deadlineMs: c.timing.sshMs,
    attemptTimeoutMs: Math.min(60_000, c.timing.sshMs),
    backoff: { initialMs: 200, factor: 2, maxMs: 2_000 },
    sleep: c.deps.sleep,
    now: c.deps.now,
  });
  try {
    await s.verifyRescue(Math.min(30_000, c.timing.sshMs));
    // Hetzner Cloud reports no rescue host key, so the key is trusted on first use; the build opens no second connection.
    c.log.info(
      `rescue host key ${s.hostKeyFingerprint} of server ${server.id} recorded for this build (trusted on first use)`,
    );
    return s;
  } catch (e) {
    await s.close();
    throw e;
  }
}

/** `blkdiscard` drops the old OS's blocks so the snapshot only holds Talos (0.42 → 0.2 GB, hcloud-upload-image #101); unsupported discard only warns. */
export async function discardDisk(c: RunContext, s: RescueSession, deadline: number): Promise<void> {
  try {
    await s.run(`blkdiscard --force ${BUILDER_DISK}`, {
      timeoutMs: remaining(c, deadline),
      what: "discarding the disk",
    });
  } catch (e) {
    if (!isError(e, "RescueCommandError")) throw e;
    c.log.warn(
      `blkdiscard failed, the old blocks stay and the snapshot may be larger: ${(e as RescueCommandError).stderrTail.join(" ") || "no stderr"}`,
    );
  }
}

/** Streams the image onto the disk with pipefail (a 404 or truncated download fails here, never as an empty snapshot), then syncs. */
export async function writeImage(c: RunContext, s: RescueSession, deadline: number): Promise<string> {
  const script = joinCommands(installImageCommand({ url: c.plan.url, target: BUILDER_DISK }), "sync");
  const out = await s.run(script, { timeoutMs: remaining(c, deadline), what: "writing the image" });
  const sha = parseImageSha256(out.stdout);
  c.log.info(`wrote the image to ${BUILDER_DISK} (sha256 of the raw image ${sha})`);
  return sha;
}

/** Shuts the builder down over SSH and waits until the API reports it off; after `shutdownMs` it is powered off hard. */
export async function shutDown(c: RunContext, s: RescueSession, serverId: number): Promise<void> {
  const { cloud } = c.deps;
  await s.runDetached("sync; shutdown -h now", { waitMs: 10_000, what: "shutdown" });
  await s.close();
  try {
    await cloud.servers.waitForStatus(serverId, "off", { timeoutMs: c.timing.shutdownMs });
  } catch (e) {
    if (!isError(e, "DeadlineError")) throw e;
    c.log.warn(
      `server ${serverId} was not off ${Math.round(c.timing.shutdownMs / 1000)} s after the shutdown; powering it off`,
    );
    await cloud.actions.waitFor([await cloud.servers.powerOff(serverId)], { timeoutMs: c.timing.actionMs });
    await cloud.servers.waitForStatus(serverId, "off", { timeoutMs: c.timing.actionMs });
  }
}

/** Takes the snapshot with the lookup labels and waits for the create_image action; the image is recorded as pending until available. */
export async function takeSnapshot(c: RunContext, serverId: number, t: Temporaries, deadline: number): Promise<Image> {
  const r = await c.deps.cloud.servers.createImage(serverId, {
    description: c.plan.description,
    labels: c.plan.snapshotLabels,
  });
  t.pendingImageId = r.image.id;
  c.log.info(`snapshot ${r.image.id} is being created`);
  await c.deps.cloud.actions.waitFor([r.action], { timeoutMs: remaining(c, deadline) });
  return r.image;
}

/** Polls the snapshot until it is `available` (create_image's action may finish first). */
export async function waitAvailable(c: RunContext, imageId: number, t: Temporaries, deadline: number): Promise<Image> {
  const image = await pollUntil(
    async () => {
      const i = await c.deps.cloud.images.get(imageId);
      if (!i) throw new TalosHetznerError(`snapshot ${imageId} disappeared while it was being created`);
      return i.status === "available" ? i : undefined;
    },
    {
      what: `snapshot ${imageId} to become available`,
      timeoutMs: remaining(c, deadline),
      initialMs: c.timing.pollMs,
      factor: 1.5,
      maxMs: c.timing.pollMs * 10,
      sleep: c.deps.sleep,
      now: c.deps.now,
    },
  );
  t.pendingImageId = undefined;
  return image;
}

function remaining(c: RunContext, deadline: number): number {
  return Math.max(1, deadline - c.deps.now());
}
