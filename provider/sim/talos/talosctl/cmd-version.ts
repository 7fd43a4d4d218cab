/** `talosctl version` (contracts/talosctl.md §11). */
import { GrpcError } from "../api";
import { VersionInfo, longVersion, versionInfo } from "../build-info";
import { TalosVersion } from "../versions";
import { Command, RunContext, noArgs } from "./command";
import { filterReplies, maintenanceClient, secureSession } from "./connect";

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
    if (f.json)
      ctx.io.out(
        JSON.stringify({
          metadata: r.node ? { hostname: r.node } : undefined,
          version: { tag: v.tag, sha: v.sha, goVersion: v.goVersion, os: "linux", arch: v.arch },
          features: { rbac: true },
        }) + "\n",
      );
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
