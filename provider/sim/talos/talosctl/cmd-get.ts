/** `talosctl get <type> [<id>]` (contracts/talosctl.md §12), with the version-skew warning. */
import { ApiResponse } from "../api";
import { WireResource } from "../node/resources";
import { VersionInfo } from "../build-info";
import { multierror } from "../multierror";
import { parseVersion, plain } from "../versions";
import { ApiClient } from "./client";
import { Command, RunContext, rangeArgs } from "./command";
import { maintenanceClient, secureSession, statusText } from "./connect";
import { NodeResource, jsonOutput, jsonpathOutput, tableOutput, yamlOutput } from "./output";

async function skewWarning(ctx: RunContext, client: ApiClient, nodes: string[]): Promise<void> {
  const resp = await client.call("Version", {}, { nodes }).catch(() => null);
  const old = (resp?.replies ?? [])
    .filter((r) => r.data)
    .map((r) => ({ node: r.node, v: parseVersion((r.data as VersionInfo).tag)! }))
    .filter(
      (x) =>
        x.v.major < ctx.client.major ||
        (x.v.major === ctx.client.major &&
          (x.v.minor < ctx.client.minor || (x.v.minor === ctx.client.minor && x.v.patch < ctx.client.patch))),
    );
  if (old.length)
    ctx.io.err(
      `WARNING: ${old.map((o) => `${o.node}: server version ${plain(o.v)} is older than client version ${plain(ctx.client)}`).join(", ")}\n`,
    );
}

function resources(resp: ApiResponse): WireResource[] {
  if (resp.error) throw new Error(statusText(resp.error));
  return (resp.replies?.[0]?.data as WireResource[]) ?? [];
}

function render(ctx: RunContext, items: NodeResource[]): string {
  const out = ctx.flags.values.output as string;
  if (out === "json") return jsonOutput(items);
  if (out === "yaml") return yamlOutput(items);
  if (out.startsWith("jsonpath=")) return jsonpathOutput(items, out.slice(9));
  return tableOutput(items, items[0]?.res.metadata.type ?? "");
}

async function run(ctx: RunContext): Promise<void> {
  const f = ctx.flags.values;
  const out = f.output as string;
  if (!["table", "yaml", "json"].includes(out) && !out.startsWith("jsonpath="))
    throw new Error(`output format ${JSON.stringify(out)} is not supported`);
  if (f.watch) throw new Error("watch is not supported by the simulator");
  const payload = { type: ctx.args[0], id: ctx.args[1], namespace: f.namespace || undefined };
  const items: NodeResource[] = [];
  const errors: string[] = [];
  // Insecure: one call, no node metadata (`node` is ""); secure: one-to-one per node, errors collected.
  const targets: { node: string; call: () => Promise<ApiResponse> }[] = [];
  if (f.insecure) {
    const client = maintenanceClient(ctx);
    targets.push({ node: "", call: () => client.call("Get", payload) });
  } else {
    const s = secureSession(ctx);
    await skewWarning(ctx, s.client, s.nodes);
    for (const node of s.nodes) targets.push({ node, call: () => s.client.call("Get", payload, { node }) });
  }
  for (const t of targets) {
    try {
      for (const r of resources(await t.call())) items.push({ node: t.node, res: r });
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  if (items.length) ctx.io.out(render(ctx, items));
  if (errors.length) throw new Error(multierror(errors));
}

/** The command definition. */
export const getCommand: Command = {
  name: "get",
  aliases: ["g"],
  useArgs: "<type> [<id>]",
  short: "Get a specific resource or list of resources (use 'talosctl get rd' to see all available resource types).",
  args: rangeArgs(1, 2),
  flags: [
    { name: "output", short: "o", type: "string", def: "table", usage: "output mode (json, table, yaml, jsonpath)" },
    {
      name: "namespace",
      type: "string",
      usage: "resource namespace (default is to use default namespace per resource)",
    },
    { name: "watch", short: "w", type: "bool", usage: "watch resource changes" },
    {
      name: "insecure",
      short: "i",
      type: "bool",
      usage: "get resources using the insecure (encrypted with no auth) maintenance service",
    },
  ],
  run,
};
