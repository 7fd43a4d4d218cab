/** Typed helpers for talosctl's Talos-API commands; output parsing follows contracts/talosctl.md §7–§16. */
import * as fs from "fs";
import * as path from "path";
import { isError } from "../internal/errors";
import type { Talosctl } from "./talosctl";
import { TalosApiError, errorFromRun } from "./talosctl-errors";
import { withTempDir, writePrivate } from "./talosctl-exec";
import { parseJsonStream } from "./talosctl-json";

/** Which node to talk to, through which endpoints, with which talosconfig (content). */
export interface NodeTarget {
  node: string;
  endpoints?: string[];
  talosconfig?: string;
}

/** `apply-config` inputs. */
export interface ApplyConfigOptions extends NodeTarget {
  config: string;
  mode: "auto" | "no-reboot" | "reboot" | "staged" | "try";
  /** Maintenance-mode client (no talosconfig used). */
  insecure: boolean;
  dryRun: boolean;
  /** `try` mode revert timeout in ms. */
  tryTimeout?: number;
}

/** What `apply-config` reported. */
export interface ApplyResult {
  /** The mode details line ("Applied configuration without a reboot"…); "" when the node printed none (maintenance ≤ v1.12). */
  modeDetails: string;
  rebootNeeded: boolean;
  /** Unified diff (dry run, or the reason of an auto-mode reboot); null when none was printed. */
  diff: string | null;
  warnings: string[];
  dryRun: boolean;
}

/** `health` inputs. */
export interface HealthOptions extends NodeTarget {
  controlPlanes: string[];
  workers: string[];
  /** ms. */
  waitTimeout: number;
}

/** `get` inputs. */
export interface GetOptions extends Partial<NodeTarget> {
  node: string;
  insecure?: boolean;
  id?: string;
}

/** One resource of `get -o json`. */
export interface TalosResource {
  node: string;
  metadata: { namespace: string; type: string; id: string; version: number; owner: string | null; phase: string; created: string; updated: string; labels?: Record<string, unknown>; annotations?: Record<string, unknown> };
  spec: unknown;
}

/** A row of `etcd members`. */
export interface EtcdMember {
  node: string;
  id: string;
  hostname: string;
  peerUrls: string[];
  clientUrls: string[];
  learner: boolean;
}

/** `version` inputs. */
export interface VersionOptions extends Partial<NodeTarget> {
  node: string;
  insecure?: boolean;
}

/** The server part of `version`. */
export interface ServerVersion {
  node: string;
  tag: string;
  sha: string;
  goVersion: string;
  osArch: string;
}

/** `reset` inputs. */
export interface ResetOptions extends NodeTarget {
  graceful?: boolean;
  reboot?: boolean;
  wipeMode?: "all" | "system-disk" | "user-disks";
  systemLabelsToWipe?: string[];
  wait?: boolean;
  insecure?: boolean;
}

/** `upgrade` inputs. */
export interface UpgradeOptions extends NodeTarget {
  image: string;
  wait?: boolean;
  rebootMode?: "default" | "force" | "powercycle";
  timeoutMs?: number;
}

/** `-n <node> [-e <endpoints>]`. */
function target(o: Partial<NodeTarget> & { node: string }): string[] {
  return ["-n", o.node, ...(o.endpoints?.length ? ["-e", o.endpoints.join(",")] : [])];
}

const seconds = (ms: number) => `${Math.max(1, Math.ceil(ms / 1000))}s`;

/** Parses apply-config's stderr (everything it prints goes there). */
export function parseApplyOutput(stderr: string, dryRun: boolean): ApplyResult {
  const lines = stderr.split("\n");
  const warnings = lines.filter((l) => l.startsWith("WARNING: ")).map((l) => l.slice(9));
  const text = lines.filter((l) => !l.startsWith("WARNING: ")).join("\n").trim();
  if (dryRun && text.startsWith("Dry run summary:")) {
    const details = (text.split("\n")[1] ?? "").replace(/ \(skipped in dry-run\)\.$/, "");
    const diffAt = text.indexOf("Config diff:\n");
    const diff = diffAt >= 0 ? text.slice(diffAt + "Config diff:\n".length).replace(/^\n/, "") : null;
    return { modeDetails: details, rebootNeeded: needsReboot(details), diff, warnings, dryRun };
  }
  const diffAt = text.indexOf("\ndiff:\n");
  const diff = diffAt >= 0 ? text.slice(diffAt + 7) : null;
  const details = diffAt >= 0 ? text.slice(0, diffAt) : text;
  return { modeDetails: details, rebootNeeded: needsReboot(details), diff, warnings, dryRun };
}

function needsReboot(details: string): boolean {
  return details.startsWith("Applied configuration with a reboot") || details.startsWith("Staged configuration");
}

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
    if (isError(e, "TalosApiError") && (e as TalosApiError).grpcCode === "AlreadyExists") return { alreadyBootstrapped: true };
    throw e;
  }
}

/** Server-side `health`; returns its progress lines. */
export async function health(t: Talosctl, o: HealthOptions): Promise<string[]> {
  const args = ["health", ...target(o), "--wait-timeout", seconds(o.waitTimeout)];
  if (o.controlPlanes.length) args.push("--control-plane-nodes", o.controlPlanes.join(","));
  if (o.workers.length) args.push("--worker-nodes", o.workers.join(","));
  const res = await t.run(args, { talosconfig: o.talosconfig, timeoutMs: o.waitTimeout + 60000, allowFailure: true });
  // Progress lines may quote node errors; only the final "healthcheck error:" decides the outcome.
  const at = res.stderr.indexOf("healthcheck error: ");
  if (res.exitCode !== 0) throw errorFromRun("health", res.exitCode, at >= 0 ? res.stderr.slice(at) : res.stderr);
  return res.stderr.split("\n").filter(Boolean);
}

/** `kubeconfig -` (client v1.10+) or a private temp file. */
export async function kubeconfig(t: Talosctl, o: NodeTarget): Promise<string> {
  const minor = Number(/^v\d+\.(\d+)/.exec(await t.clientVersion())?.[1] ?? 0);
  if (minor >= 10) return (await t.run(["kubeconfig", "-", ...target(o)], { talosconfig: o.talosconfig })).stdout;
  return withTempDir(async (dir) => {
    const file = path.join(dir, "kubeconfig");
    await t.run(["kubeconfig", file, "--merge=false", "--force", ...target(o)], { talosconfig: o.talosconfig });
    return fs.readFileSync(file, "utf8");
  });
}

/** `get <type> [id] -o json`. */
export async function getResources(t: Talosctl, type: string, o: GetOptions): Promise<TalosResource[]> {
  const args = ["get", type, ...(o.id ? [o.id] : []), ...target(o), "-o", "json", ...(o.insecure ? ["--insecure"] : [])];
  try {
    return parseJsonStream((await t.run(args, { talosconfig: o.talosconfig })).stdout) as TalosResource[];
  } catch (e) {
    if (o.id && isError(e, "TalosApiError") && (e as TalosApiError).grpcCode === "NotFound" && /doesn't exist/.test((e as TalosApiError).detail)) return [];
    throw e;
  }
}

/** Parses the `etcd members` table (tabwriter, padding 3). */
export function parseEtcdMembers(stdout: string): EtcdMember[] {
  const rows = stdout.split("\n").filter(Boolean).map((l) => l.trim().split(/\s{3,}/));
  const withNode = rows[0]?.[0] === "NODE";
  return rows.slice(1).map((r) => {
    const c = withNode ? r : ["", ...r];
    return { node: c[0], id: c[1], hostname: c[2], peerUrls: c[3].split(","), clientUrls: c[4].split(","), learner: c[5] === "true" };
  });
}

/** `etcd members`. */
export async function etcdMembers(t: Talosctl, o: NodeTarget): Promise<EtcdMember[]> {
  return parseEtcdMembers((await t.run(["etcd", "members", ...target(o)], { talosconfig: o.talosconfig })).stdout);
}

/** Parses the `Server:` block(s) of `version`. */
export function parseServerVersion(stdout: string): ServerVersion[] {
  const server = stdout.split("Server:\n")[1] ?? "";
  return server.split("\tNODE:").slice(1).map((block) => {
    const field = (name: string) => new RegExp(`\\t${name}:\\s*(.*)`).exec(block)?.[1].trim() ?? "";
    return { node: block.split("\n")[0].trim(), tag: field("Tag"), sha: field("SHA"), goVersion: field("Go version"), osArch: field("OS/Arch") };
  });
}

/** `version`; a node error printed as WARNING (exit 0) is raised as TalosApiError too. */
export async function version(t: Talosctl, o: VersionOptions): Promise<ServerVersion> {
  const res = await t.run(["version", ...target(o), ...(o.insecure ? ["--insecure"] : [])], { talosconfig: o.talosconfig });
  const v = parseServerVersion(res.stdout)[0];
  if (!v) throw errorFromRun("version", res.exitCode, res.stderr);
  return v;
}

/** `reset`. */
export async function reset(t: Talosctl, o: ResetOptions): Promise<void> {
  const args = ["reset", ...target(o), `--graceful=${o.graceful ?? true}`, `--reboot=${o.reboot ?? false}`, `--wait=${o.insecure ? false : o.wait ?? true}`];
  if (o.wipeMode) args.push("--wipe-mode", o.wipeMode);
  if (o.systemLabelsToWipe?.length) args.push("--system-labels-to-wipe", o.systemLabelsToWipe.join(","));
  if (o.insecure) args.push("--insecure");
  await t.run(args, { talosconfig: o.talosconfig });
}

/** `upgrade --image`. */
export async function upgrade(t: Talosctl, o: UpgradeOptions): Promise<void> {
  const args = ["upgrade", ...target(o), "--image", o.image, `--wait=${o.wait ?? true}`];
  if (o.rebootMode) args.push("--reboot-mode", o.rebootMode);
  if (o.timeoutMs) args.push("--timeout", seconds(o.timeoutMs));
  await t.run(args, { talosconfig: o.talosconfig, timeoutMs: (o.timeoutMs ?? 1800000) + 60000 });
}

/** `reboot`. */
export async function reboot(t: Talosctl, o: NodeTarget & { wait?: boolean }): Promise<void> {
  await t.run(["reboot", ...target(o), `--wait=${o.wait ?? true}`], { talosconfig: o.talosconfig });
}
