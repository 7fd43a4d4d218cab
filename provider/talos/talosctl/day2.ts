/**
 * Day-2 helpers of the talosctl wrapper: `upgrade` (flags per client version, tracker errors mapped
 * to the node), `upgrade-k8s`, `etcd remove-member`, `etcd forfeit-leadership` (contracts/talosctl.md §13, §14, §16).
 */
import { isError } from "../../internal/errors";
import type { Talosctl } from ".";
import { TalosApiError, TalosctlError, errorFromRun, parseGrpcFailures } from "./errors";
import { seconds, target } from "./api";
import { NodeTarget, UpgradeK8sOptions, UpgradeOptions } from "./types";

/** talosctl's own `--timeout` default for upgrade (30m). */
const UPGRADE_TIMEOUT_MS = 30 * 60000;

/** The argv of `upgrade` for a client minor version: `--drain` exists from v1.13, `--preserve` only when asked. */
export function upgradeArgs(o: UpgradeOptions, clientMinorVersion: number): string[] {
  const args = ["upgrade", ...target(o), "--image", o.image, `--wait=${o.wait ?? true}`];
  if (o.preserve) args.push("--preserve");
  if (clientMinorVersion >= 13) args.push(`--drain=${o.drain ?? false}`);
  if (o.rebootMode) args.push("--reboot-mode", o.rebootMode);
  args.push("--timeout", seconds(o.timeoutMs ?? UPGRADE_TIMEOUT_MS));
  return args;
}

/** `upgrade --image`; a failure names the node with the tracker's (or the node's) last error line. */
export async function upgrade(t: Talosctl, o: UpgradeOptions): Promise<void> {
  const args = upgradeArgs(o, await t.clientMinor());
  const res = await t.run(args, {
    talosconfig: o.talosconfig,
    timeoutMs: (o.timeoutMs ?? UPGRADE_TIMEOUT_MS) + 60000,
    allowFailure: true,
  });
  if (res.exitCode !== 0) throw upgradeError(o.node, res.exitCode, res.stderr);
}

/** What talosctl's action tracker prints each time it reconnects to a node that does not answer. */
const TRACKER_RETRYING = "unavailable, retrying...";
const TRACKER_GAVE_UP = `the node did not answer again before talosctl's --timeout (tracker: ${TRACKER_RETRYING})`;

/** One node's failure as TalosApiError (gRPC status in the text) or TalosctlError, both naming the node. */
function nodeError(command: string, node: string, exitCode: number | null, stderr: string, text: string): Error {
  const [grpc] = parseGrpcFailures(text);
  if (grpc) return new TalosApiError(command, [{ ...grpc, node }]);
  return new TalosctlError(command, exitCode, stderr, node, text);
}

/**
 * Maps a failed `upgrade`: the action tracker prints `"<node>": <message>` lines and the root does
 * not repeat the error (§13), so the node's last tracker line is the error; the v1.13 streaming path
 * prints `error …: error from node <n>: <err>` instead; anything else is attributed to the target node.
 */
export function upgradeError(node: string, exitCode: number | null, stderr: string): Error {
  const lines = stderr.split("\n");
  const tracked = lines.map((l) => /^"(.+?)": (.*)$/.exec(l)).filter((m): m is RegExpExecArray => m !== null);
  if (tracked.length) {
    const last = tracked[tracked.length - 1];
    // The tracker's own deadline error is lost with its cancelled context (action/tracker.go): a node
    // that never answered again leaves its reconnect line last.
    if (last[2] === TRACKER_RETRYING) return new TalosctlError("upgrade", exitCode, stderr, last[1], TRACKER_GAVE_UP);
    return nodeError("upgrade", last[1], exitCode, stderr, last[2]);
  }
  const fromNode = lines.map((l) => /error from node (\S+?): (.*)$/.exec(l)).find((m) => m);
  if (fromNode)
    return nodeError("upgrade", fromNode[1], exitCode, stderr, lines.find((l) => l.includes(fromNode[0])) as string);
  const plain = lines.find((l) => l.trim() && !l.startsWith("WARNING: ") && !l.startsWith("Flag --"));
  return plain ? nodeError("upgrade", node, exitCode, stderr, plain) : errorFromRun("upgrade", exitCode, stderr);
}

/** `upgrade-k8s --to <to> [--from <from>] [--dry-run]` against one node → its stdout progress lines. */
export async function upgradeK8s(t: Talosctl, o: UpgradeK8sOptions): Promise<string[]> {
  const args = [
    "upgrade-k8s",
    ...target(o),
    "--to",
    o.to,
    ...(o.from ? ["--from", o.from] : []),
    ...(o.dryRun ? ["--dry-run"] : []),
  ];
  const res = await t.run(args, {
    talosconfig: o.talosconfig,
    timeoutMs: o.timeoutMs ?? UPGRADE_TIMEOUT_MS,
    allowFailure: true,
  });
  if (res.exitCode !== 0) {
    const e = errorFromRun("upgrade-k8s", res.exitCode, res.stderr);
    const text = res.stderr.split("\n").find((l) => l.trim() && !l.startsWith("WARNING: "));
    throw isError(e, "TalosctlError") && text
      ? new TalosctlError("upgrade-k8s", res.exitCode, res.stderr, o.node, text)
      : e;
  }
  return res.stdout.split("\n").filter(Boolean);
}

/** `etcd remove-member <hex id>` through a control plane that stays. */
export async function etcdRemoveMember(t: Talosctl, o: NodeTarget & { memberId: string }): Promise<void> {
  await t.run(["etcd", "remove-member", o.memberId, ...target(o)], { talosconfig: o.talosconfig });
}

/** `etcd forfeit-leadership` (no output, also succeeds when the node is not the leader). */
export async function etcdForfeitLeadership(t: Talosctl, o: NodeTarget): Promise<void> {
  await t.run(["etcd", "forfeit-leadership", ...target(o)], { talosconfig: o.talosconfig });
}
