/** `talosctl apply-config` / `apply` (contracts/talosctl.md §7). */
import * as path from "path";
import { ApplyReply } from "../node/apply";
import { atLeast } from "../versions";
import { Command, RunContext } from "./command";
import { callAll, maintenanceClient, secureSession } from "./connect";
import { readFileGo } from "./files";
import { applyPatches, loadPatches } from "./patches";

function checkArgs(args: string[], calledAs: string): string | null {
  if (args.length > 1) return `accepts at most 1 arg(s), received ${args.length}`;
  if (!args.length) return null;
  if (calledAs === "apply" && ["config", "machineconfig"].includes(args[0])) return null;
  return calledAs === "apply" ? `unknown positional argument ${args[0]}` : "expected no positional arguments";
}

function readConfig(ctx: RunContext): string {
  const f = ctx.flags.values;
  const file = f.file as string;
  if (!file) throw new Error("no filename supplied for configuration");
  let data: string;
  try {
    data = readFileGo(path.resolve(ctx.cwd, file)).toString();
  } catch (e) {
    throw new Error(
      `failed to read configuration from ${JSON.stringify(file)}: ${(e as Error).message.replace(path.resolve(ctx.cwd, file), file)}`,
    );
  }
  if (!data.length) throw new Error("no configuration data read");
  const patches = f["config-patch"] as string[];
  return patches.length ? applyPatches(data, loadPatches(patches)) : data;
}

function fingerprints(ctx: RunContext): string[] {
  return (ctx.flags.values["cert-fingerprint"] as string[]).map((fp) => {
    const raw = Buffer.from(fp, "base64");
    if (raw.length !== 32 || raw.toString("base64") !== fp)
      throw new Error(
        `error parsing certificate fingerprint ${JSON.stringify(fp)}: illegal base64 data at input byte 0`,
      );
    return fp;
  });
}

async function run(ctx: RunContext): Promise<void> {
  const f = ctx.flags.values;
  const data = readConfig(ctx);
  const payload = { data, mode: f.mode as string, dryRun: f["dry-run"] as boolean, tryTimeoutMs: f.timeout as number };
  const prefix = "error applying new configuration: ";
  const replies = f.insecure
    ? await callAll(maintenanceClient(ctx, fingerprints(ctx)), "ApplyConfiguration", payload, undefined, prefix)
    : await (async () => {
        const s = secureSession(ctx);
        return callAll(s.client, "ApplyConfiguration", payload, s.nodes, prefix);
      })();
  for (const r of replies) {
    const reply = r.data as ApplyReply;
    for (const w of reply.warnings) ctx.io.err(`WARNING: ${w}\n`);
    if (reply.modeDetails) ctx.io.err(`${reply.modeDetails}\n`);
  }
}

/** The command definition for a client version. */
export function applyCommand(client: { minor: number; major: number; patch: number; tag: string }): Command {
  const modes = ["auto", "no-reboot", "reboot", "staged", "try", ...(atLeast(client, 1, 13) ? [] : ["interactive"])];
  return {
    name: "apply-config",
    aliases: ["apply"],
    short: "Apply a new configuration to a node",
    args: checkArgs,
    flags: [
      { name: "file", short: "f", type: "string", usage: "the filename of the updated configuration" },
      {
        name: "insecure",
        short: "i",
        type: "bool",
        usage: "apply the config using the insecure (encrypted with no auth) maintenance service",
      },
      {
        name: "mode",
        short: "m",
        type: "choice",
        choices: modes,
        typeName: "mode",
        def: "auto",
        usage: `apply config mode (possible options are: ${modes.join(", ")})`,
      },
      { name: "dry-run", type: "bool", usage: "check how the config change will be applied in dry-run mode" },
      {
        name: "timeout",
        type: "duration",
        def: 60000,
        usage: "the config will be rolled back after specified timeout (if try mode is selected)",
      },
      {
        name: "cert-fingerprint",
        type: "strings",
        usage: "list of server certificate fingeprints to accept (defaults to no check)",
      },
      {
        name: "config-patch",
        short: "p",
        type: "stringArray",
        usage: "the list of config patches to apply to the local config file before sending it to the node",
      },
    ],
    run,
  };
}
