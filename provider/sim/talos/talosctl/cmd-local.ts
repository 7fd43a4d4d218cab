/** Commands that need no Talos API: `validate` (§6) and `machineconfig patch` (§5.1). */
import * as path from "path";
import { loadConfig } from "../config-docs";
import { MODES, validateConfig } from "../validate";
import { Command, RunContext, exactArgs, noArgs } from "./command";
import { readFileGo, writeFileGo } from "./files";
import { applyPatches, loadPatches } from "./patches";

async function validate(ctx: RunContext): Promise<void> {
  const f = ctx.flags.values;
  const file = f.config as string;
  const text = file ? readFileGo(path.resolve(ctx.cwd, file)) : readFileGo("");
  const cfg = loadConfig(text);
  const mode = f.mode as string;
  if (!MODES.includes(mode)) throw new Error(`unknown runtime mode: ${JSON.stringify(mode)}`);
  const result = validateConfig(cfg, mode, f.strict as boolean);
  for (const w of result.warnings) ctx.io.err(`WARNING: ${w}\n`);
  if (result.error) throw new Error(result.error);
  ctx.io.out(`${file} is valid for ${mode} mode\n`);
}

/** `talosctl validate`. */
export const validateCommand: Command = {
  name: "validate",
  short: "Validate config",
  args: (a) => noArgs(a, "", "talosctl validate"),
  required: ["mode"],
  flags: [
    { name: "config", short: "c", type: "string", usage: "the path of the config file" },
    {
      name: "mode",
      short: "m",
      type: "string",
      usage: "the mode to validate the config for (valid values are metal, cloud, and container)",
    },
    { name: "strict", type: "bool", usage: "treat validation warnings as errors" },
  ],
  run: validate,
};

async function patch(ctx: RunContext): Promise<void> {
  const f = ctx.flags.values;
  const input = readFileGo(path.resolve(ctx.cwd, ctx.args[0]));
  const patches = loadPatches(f.patch as string[]);
  const out = patches.length ? applyPatches(input, patches) : input;
  if (f.output) writeFileGo(path.resolve(ctx.cwd, f.output as string), out, 0o644);
  else ctx.io.out(`${out}\n`);
}

/** `talosctl machineconfig` with its `patch` subcommand. */
export const machineconfigCommand: Command = {
  name: "machineconfig",
  aliases: ["mc"],
  short: "Machine config related commands",
  children: [
    {
      name: "patch",
      useArgs: "<machineconfig-file>",
      short: "Patch a machine config",
      args: exactArgs(1),
      flags: [
        {
          name: "output",
          short: "o",
          type: "string",
          usage: "output destination. if not specified, output will be printed to stdout",
        },
        {
          name: "patch",
          short: "p",
          type: "stringArray",
          usage: "patch generated machineconfigs (applied to all node types), use @file to read a patch from file",
        },
      ],
      run: patch,
    },
  ],
};
