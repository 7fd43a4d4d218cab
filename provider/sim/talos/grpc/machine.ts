/**
 * MachineService methods on the wire, each backed by the node model's handler (node/handlers.ts):
 * a method here only translates the protobuf request into the handler's payload and the handler's
 * reply into Talos's response message. Methods missing here answer Unimplemented.
 */
import * as crypto from "crypto";
import { HANDLERS } from "../node/handlers";
import { eventLog } from "./events";
import { Auth } from "../node/auth";
import { TalosNode } from "../node/node";
import { ApplyReply } from "../node/apply";
import { MemberRow } from "../node/cluster";
import { VersionInfo } from "../build-info";
import { Message } from "./router";
import { imagePull } from "./images";
import { tarGzOneFile } from "./tarball";

/** A method: the request message on one node, giving the response's messages (without metadata). */
export type Method = (node: TalosNode, req: Record<string, unknown>, auth: Auth) => Promise<Message[]>;

const APPLY_MODES: Record<string, string> = {
  REBOOT: "reboot",
  AUTO: "auto",
  NO_REBOOT: "no-reboot",
  STAGED: "staged",
  TRY: "try",
};

/** A google.protobuf.Duration (seconds as a string, since longs load as strings) in ms; undefined when unset. */
export function durationMs(d: unknown): number | undefined {
  const v = d as { seconds?: string; nanos?: number } | null;
  return v ? Number(v.seconds ?? 0) * 1000 + Math.floor((v.nanos ?? 0) / 1e6) : undefined;
}

async function applyConfiguration(node: TalosNode, req: Record<string, unknown>, auth: Auth): Promise<Message[]> {
  const mode = APPLY_MODES[String(req.mode)] ?? "reboot";
  const payload = {
    data: (req.data as Buffer).toString("utf8"),
    mode,
    dryRun: req.dry_run === true,
    tryTimeoutMs: durationMs(req.try_mode_timeout),
  };
  const reply = (await HANDLERS.ApplyConfiguration(node, payload, auth)) as ApplyReply;
  // AUTO reports the mode machined chose: a reboot when the change could not apply immediately.
  const chosen =
    req.mode !== "AUTO"
      ? req.mode
      : reply.modeDetails.startsWith("Applied configuration with a reboot")
        ? "REBOOT"
        : "NO_REBOOT";
  return [{ warnings: reply.warnings, mode: chosen, mode_details: reply.modeDetails }];
}

async function version(node: TalosNode, _req: Record<string, unknown>, auth: Auth): Promise<Message[]> {
  const v = (await HANDLERS.Version(node, {}, auth)) as VersionInfo;
  return [
    {
      version: { tag: v.tag, sha: v.sha, built: "", go_version: v.goVersion, os: "linux", arch: v.arch },
      platform: { name: node.boot.image.platform, mode: node.mode },
      // machined reports features only once it has a machine config.
      features: node.maintenance ? null : { rbac: true },
    },
  ];
}

async function etcdMemberList(node: TalosNode, _req: Record<string, unknown>, auth: Auth): Promise<Message[]> {
  const rows = (await HANDLERS.EtcdMemberList(node, {}, auth)) as MemberRow[];
  const members = rows.map((m) => ({
    id: BigInt(`0x${m.id}`).toString(),
    hostname: m.hostname,
    peer_urls: m.peerUrls,
    client_urls: m.clientUrls,
    is_learner: m.learner,
  }));
  return [{ legacy_members: [], members }];
}

async function etcdRemoveMemberByID(node: TalosNode, req: Record<string, unknown>, auth: Auth): Promise<Message[]> {
  await HANDLERS.EtcdRemoveMemberByID(node, { memberId: BigInt(String(req.member_id)).toString(16) }, auth);
  return [{}];
}

async function kubeconfig(node: TalosNode, _req: Record<string, unknown>, auth: Auth): Promise<Message[]> {
  const { kubeconfig: text } = (await HANDLERS.Kubeconfig(node, {}, auth)) as { kubeconfig: string };
  return [{ bytes: tarGzOneFile("kubeconfig", Buffer.from(text)) }];
}

/**
 * Wall-clock ms between the reply and the start of a reboot/reset sequence. machined answers first
 * and runs the sequence in the background; talosctl's tracker opens its event stream concurrently
 * with the call, so the sequence's events must come after that stream is up, as they do on a real
 * node whose sequence takes seconds.
 */
const SEQUENCE_START_MS = 250;

/** Wall-clock ms a sequence waits at most for an event watcher (see EventLog.watchedWithin). */
const WATCHER_WAIT_MS = 1000;

/** Gives a new actor id, then runs a sequence under it: its events first, then `run` (what the node does). */
export function runSequence(
  node: TalosNode,
  name: string,
  events: [string, Message][],
  run: () => Promise<unknown>,
): string {
  const actorId = crypto.randomUUID();
  const log = eventLog(node);
  setTimeout(() => {
    void log.watchedWithin(WATCHER_WAIT_MS).then(() => {
      if (node.stopped) return;
      for (const [type, payloadOf] of events) log.push(type, payloadOf, actorId);
      run().catch((e) => node.log(`${name} sequence failed: ${(e as Error).message}`));
    });
  }, SEQUENCE_START_MS);
  return actorId;
}

/** Reboot: the reboot sequence, which talosctl's tracker follows by actor id. */
async function reboot(node: TalosNode, req: Record<string, unknown>, auth: Auth): Promise<Message[]> {
  const actorId = runSequence(
    node,
    "Reboot",
    [
      ["machine.SequenceEvent", { sequence: "reboot", action: "START" }],
      ["machine.MachineStatusEvent", { stage: "REBOOTING", status: { ready: false, unmet_conditions: [] } }],
    ],
    () => HANDLERS.Reboot(node, req, auth),
  );
  return [{ actor_id: actorId }];
}

const WIPE_MODES: Record<string, string> = { ALL: "all", SYSTEM_DISK: "system-disk", USER_DISKS: "user-disks" };

/** Reset: the reset sequence stops every service (the event talosctl's tracker waits for), then wipes and reboots or powers off. */
async function reset(node: TalosNode, req: Record<string, unknown>, auth: Auth): Promise<Message[]> {
  const parts = (req.system_partitions_to_wipe ?? []) as { label: string; wipe: boolean }[];
  const payload = {
    graceful: req.graceful === true,
    reboot: req.reboot === true,
    wipeMode: WIPE_MODES[String(req.mode)] ?? "all",
    systemLabelsToWipe: parts.filter((p) => p.wipe).map((p) => p.label),
  };
  const actorId = runSequence(
    node,
    "Reset",
    [
      ["machine.SequenceEvent", { sequence: "reset", action: "START" }],
      ["machine.TaskEvent", { task: "stopAllServices", action: "START" }],
    ],
    () => HANDLERS.Reset(node, payload, auth),
  );
  return [{ actor_id: actorId }];
}

/** A handler whose reply carries nothing talosctl reads: one empty message. */
function plain(name: string, extra: Message = {}): Method {
  return async (node, req, auth) => {
    await HANDLERS[name](node, req, auth);
    return [{ ...extra }];
  };
}

/** Unary methods. */
export const UNARY: Record<string, Method> = {
  ApplyConfiguration: applyConfiguration,
  Version: version,
  Bootstrap: plain("Bootstrap"),
  EtcdMemberList: etcdMemberList,
  EtcdForfeitLeadership: plain("EtcdForfeitLeadership", { member: "" }),
  EtcdRemoveMemberByID: etcdRemoveMemberByID,
  Reboot: reboot,
  Reset: reset,
  ImagePull: imagePull,
};

/** Server-streaming methods (each message is one stream item). */
export const STREAMING: Record<string, Method> = {
  Kubeconfig: kubeconfig,
};
