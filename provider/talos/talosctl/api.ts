/** Typed helpers for talosctl's Talos-API commands; output parsing follows contracts/talosctl.md §7–§16. */
import * as fs from "fs";
import * as path from "path";
import { isError } from "../../internal/errors";
import type { Talosctl } from ".";
import { TalosApiError, errorFromRun } from "./errors";
import { withTempDir, writePrivate } from "./exec";
import { parseJsonStream } from "./json";
import { parseApplyOutput, parseEtcdMembers, parseServerVersion } from "./parse";
import {
  ApplyConfigOptions,
  ApplyResult,
  EtcdMember,
  GetOptions,
  NodeTarget,
  ResetOptions,
  ServerVersion,
  TalosResource,
  VersionOptions,
} from "./types";

export * from "./types";
export { parseApplyOutput, parseEtcdMembers, parseServerVersion } from "./parse";

/** `-n <node> [-e <endpoints>]`. */
export function target(o: Partial<NodeTarget> & { node: string }): string[] {
  return ["-n", o.node, ...(o.endpoints?.length ? ["-e", o.endpoints.join(",")] : [])];
}

/** Duration flag value in whole seconds (at least 1s). */
export const seconds = (ms: number) => `${Math.max(1, Math.ceil(ms / 1000))}s`;

/** `apply-config -f <private temp file>`. */
export async function applyConfig(t: Talosctl, o: ApplyConfigOptions): Promise<ApplyResult> {
  return withTempDir(async (dir) => {
    const file = writePrivate(path.join(dir, "config.yaml"), o.config);
    const args = ["apply-config", ...target(o), "-f", file, "-m", o.mode];
    if (o.insecure) args.push("--insecure");
    if (o.dryRun) args.push("--dry-run");
    if (o.tryTimeout !== undefined) args.push("--timeout", seconds(o.tryTimeout));
    const res = await t.run(args, { talosconfig: o.talosconfig });
    return parseApplyOutput(res.stderr, o.dryRun);
  });
}

/** `bootstrap`; AlreadyExists "etcd data directory is not empty" → already bootstrapped. */
export async function bootstrap(t: Talosctl, o: NodeTarget): Promise<{ alreadyBootstrapped: boolean }> {
  try {
    await t.run(["bootstrap", ...target(o)], { talosconfig: o.talosconfig });
    return { alreadyBootstrapped: false };
  } catch (e) {
    if (isError(e, "TalosApiError") && (e as TalosApiError).grpcCode === "AlreadyExists")
      return { alreadyBootstrapped: true };
    throw e;
  }
}

/** `kubeconfig -` (client v1.10+) or a private temp file. */
export async function kubeconfig(t: Talosctl, o: NodeTarget): Promise<string> {
  if ((await t.clientMinor()) >= 10)
    return (await t.run(["kubeconfig", "-", ...target(o)], { talosconfig: o.talosconfig })).stdout;
  return withTempDir(async (dir) => {
    const file = path.join(dir, "kubeconfig");
    await t.run(["kubeconfig", file, "--merge=false", "--force", ...target(o)], { talosconfig: o.talosconfig });
    return fs.readFileSync(file, "utf8");
  });
}

/** `get <type> [id] -n <node[,node…]> [-e …] -o json [--insecure]`. */
export function getArgs(type: string, o: GetOptions): string[] {
  return ["get", type, ...(o.id ? [o.id] : []), ...target(o), "-o", "json", ...(o.insecure ? ["--insecure"] : [])];
}

/** `get <type> [id] -o json`. */
export async function getResources(t: Talosctl, type: string, o: GetOptions): Promise<TalosResource[]> {
  const args = getArgs(type, o);
  try {
    return parseJsonStream((await t.run(args, { talosconfig: o.talosconfig })).stdout) as TalosResource[];
  } catch (e) {
    if (
      o.id &&
      isError(e, "TalosApiError") &&
      (e as TalosApiError).grpcCode === "NotFound" &&
      /doesn't exist/.test((e as TalosApiError).detail)
    )
      return [];
    throw e;
  }
}

/** `etcd members`. */
export async function etcdMembers(t: Talosctl, o: NodeTarget): Promise<EtcdMember[]> {
  return parseEtcdMembers((await t.run(["etcd", "members", ...target(o)], { talosconfig: o.talosconfig })).stdout);
}

/** `version`; a node error printed as WARNING (exit 0) is raised as TalosApiError too. */
export async function version(t: Talosctl, o: VersionOptions): Promise<ServerVersion> {
  const res = await t.run(["version", ...target(o), ...(o.insecure ? ["--insecure"] : [])], {
    talosconfig: o.talosconfig,
  });
  const v = parseServerVersion(res.stdout)[0];
  if (!v) throw errorFromRun("version", res.exitCode, res.stderr);
  return v;
}

/** `reset`. */
export async function reset(t: Talosctl, o: ResetOptions): Promise<void> {
  const args = [
    "reset",
    ...target(o),
    `--graceful=${o.graceful ?? true}`,
    `--reboot=${o.reboot ?? false}`,
    `--wait=${o.insecure ? false : (o.wait ?? true)}`,
  ];
  if (o.wipeMode) args.push("--wipe-mode", o.wipeMode);
  if (o.systemLabelsToWipe?.length) args.push("--system-labels-to-wipe", o.systemLabelsToWipe.join(","));
  if (o.insecure) args.push("--insecure");
  await t.run(args, { talosconfig: o.talosconfig });
}

/** `reboot`. */
export async function reboot(t: Talosctl, o: NodeTarget & { wait?: boolean }): Promise<void> {
  await t.run(["reboot", ...target(o), `--wait=${o.wait ?? true}`], { talosconfig: o.talosconfig });
}
