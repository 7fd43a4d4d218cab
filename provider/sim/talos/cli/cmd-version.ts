/** `talosctl version` (contracts/talosctl.md §11). */
import * as crypto from "crypto";
import { GrpcError } from "../api";
import { TalosVersion } from "../versions";
import { Command, RunContext, noArgs } from "./command";
import { filterReplies, maintenanceClient, secureSession, statusText } from "./connect";

/** Build facts of a (simulated) Talos release. */
export interface VersionInfo {
  tag: string;
  sha: string;
  goVersion: string;
  arch: string;
}

/** The simulated build facts of a tag (stable fake git SHA, Go version per minor). */
export function versionInfo(tag: string, arch = "amd64"): VersionInfo {
  const minor = Number(/^v\d+\.(\d+)/.exec(tag)?.[1] ?? 13);
  const go = minor >= 12 ? "go1.25.5" : minor >= 11 ? "go1.24.9" : "go1.24.4";
  return { tag, sha: crypto.createHash("sha256").update(tag).digest("hex").slice(0, 8), goVersion: go, arch };
}

/** `PrintLongVersion` lines (tab-indented). */
export function longVersion(v: VersionInfo): string {
  return `\tTag:         ${v.tag}\n\tSHA:         ${v.sha}\n\tBuilt:       \n\tGo version:  ${v.goVersion}\n\tOS/Arch:     linux/${v.arch}\n`;
}

function clientBlock(client: TalosVersion, short: boolean): string {
  return "Client:\n" + (short ? `Talos ${client.tag}\n` : longVersion(versionInfo(client.tag)));
}

async function run(ctx: RunContext): Promise<void> {
  const f = ctx.flags.values;
  if (!f.json) ctx.io.out(clientBlock(ctx.client, f.short as boolean));
  if (f.client) return;
  const insecure = f.insecure as boolean;
  const s = insecure ? { client: maintenanceClient(ctx), nodes: undefined } : secureSession(ctx);
  if (!f.json) ctx.io.out("Server:\n");
  let resp;
  try {
    resp = await s.client.call("Version", {}, s.nodes ? { nodes: s.nodes } : {});
    if (resp.error) throw new GrpcError(resp.error.code, resp.error.message);
  } catch (e) {
    throw new Error(`error getting version: ${(e as Error).message}`);
  }
  const { ok, error } = filterReplies(resp);
  if (error) ctx.io.err(`WARNING: ${error}\n`);
  for (const r of ok) {
    const v = r.data as VersionInfo;
    const node = r.node ?? s.client.peer();
    if (f.json) ctx.io.out(JSON.stringify({ metadata: r.node ? { hostname: r.node } : undefined, version: { tag: v.tag, sha: v.sha, goVersion: v.goVersion, os: "linux", arch: v.arch }, features: { rbac: true } }) + "\n");
    else ctx.io.out(`\tNODE:        ${node}\n${longVersion(v)}\tEnabled:     RBAC\n`);
  }
}

/** The command definition. */
export const versionCommand: Command = {
  name: "version",
  short: "Prints the version",
  args: (a) => noArgs(a, "", "talosctl version"),
  flags: [
    { name: "client", type: "bool", usage: "Print client version only" },
    { name: "short", type: "bool", usage: "Print the short version" },
    { name: "insecure", short: "i", type: "bool", usage: "use Talos maintenance mode API" },
    { name: "json", type: "bool", usage: "Print the version in JSON format", hidden: true },
  ],
  run,
};

export { statusText };
