/**
 * A cobra-shaped command tree: subcommand lookup, per-command and persistent flags, argument
 * validators with cobra's texts, usage/help rendering, and talosctl's root error printing
 * (contracts/talosctl.md §1).
 */
import { TalosVersion } from "../versions";
import { FlagDef, FlagValues, flagUsages, parseFlags } from "./flags";

/** Where a command writes. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** What a command's run function receives. */
export interface RunContext {
  path: string;
  /** Name the command was invoked as (alias or name). */
  calledAs: string;
  args: string[];
  flags: FlagValues;
  io: Io;
  client: TalosVersion;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** One command. */
export interface Command {
  name: string;
  aliases?: string[];
  /** Cobra `Use` without the name: "<cluster name> <cluster endpoint>". */
  useArgs?: string;
  short: string;
  flags?: FlagDef[];
  persistentFlags?: FlagDef[];
  /** Argument validator returning cobra's error text, or null. */
  args?: (args: string[], calledAs: string) => string | null;
  required?: string[];
  run?: (ctx: RunContext) => Promise<void>;
  children?: Command[];
  hidden?: boolean;
}

/** An error the command already reported (talosctl `SuppressErrors`): nothing more is printed. */
export class SilentError extends Error {}

/** cobra.ExactArgs(n). */
export const exactArgs = (n: number) => (a: string[]) =>
  a.length === n ? null : `accepts ${n} arg(s), received ${a.length}`;
/** cobra.NoArgs. */
export const noArgs = (a: string[], _c: string, path = "") =>
  a.length ? `unknown command ${JSON.stringify(a[0])} for ${JSON.stringify(path)}` : null;
/** cobra.MaximumNArgs(n). */
export const maxArgs = (n: number) => (a: string[]) =>
  a.length > n ? `accepts at most ${n} arg(s), received ${a.length}` : null;
/** cobra.RangeArgs(min, max). */
export const rangeArgs = (min: number, max: number) => (a: string[]) =>
  a.length < min || a.length > max ? `accepts between ${min} and ${max} arg(s), received ${a.length}` : null;

const HELP: FlagDef = { name: "help", short: "h", type: "bool", usage: "" };

function findChild(cmd: Command, name: string): Command | undefined {
  return cmd.children?.find((c) => c.name === name || c.aliases?.includes(name));
}

/** Cobra `Find`: walks subcommand names, skipping flags (and the value of non-bool flags). */
function find(root: Command, args: string[]): { chain: Command[]; rest: string[]; calledAs: string } {
  const chain = [root];
  let rest = [...args];
  let calledAs = root.name;
  for (;;) {
    const cmd = chain[chain.length - 1];
    const all = [...chain.flatMap((c) => c.persistentFlags ?? []), ...(cmd.flags ?? [])];
    const idx = firstPositional(rest, all);
    if (idx < 0) break;
    const child = findChild(cmd, rest[idx]);
    if (!child) break;
    calledAs = rest[idx];
    chain.push(child);
    rest = [...rest.slice(0, idx), ...rest.slice(idx + 1)];
  }
  return { chain, rest, calledAs };
}

function firstPositional(args: string[], flags: FlagDef[]): number {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") return -1;
    if (!a.startsWith("-") || a === "-") return i;
    if (a.includes("=")) continue;
    const f = a.startsWith("--")
      ? flags.find((x) => x.name === a.slice(2))
      : a.length === 2
        ? flags.find((x) => x.short === a[1])
        : undefined;
    if (f && f.type !== "bool") i++;
  }
  return -1;
}

/** Full path of a command chain: "talosctl gen config". */
function pathOf(chain: Command[]): string {
  return chain.map((c) => c.name).join(" ");
}

/** Cobra's default usage template. */
export function usageString(chain: Command[]): string {
  const cmd = chain[chain.length - 1];
  const path = pathOf(chain);
  const local = [...(cmd.flags ?? []), ...(cmd.persistentFlags ?? []), { ...HELP, usage: `help for ${cmd.name}` }];
  const inherited = chain.slice(0, -1).flatMap((c) => c.persistentFlags ?? []);
  const subs = (cmd.children ?? []).filter((c) => !c.hidden);
  let s = "Usage:";
  if (cmd.run) s += `\n  ${path}${cmd.useArgs ? " " + cmd.useArgs : ""} [flags]`;
  if (subs.length) s += `\n  ${path} [command]`;
  if (cmd.aliases?.length) s += `\n\nAliases:\n  ${[cmd.name, ...cmd.aliases].join(", ")}`;
  if (subs.length) {
    const w = Math.max(...subs.map((c) => c.name.length));
    s += "\n\nAvailable Commands:" + subs.map((c) => `\n  ${c.name.padEnd(w)} ${c.short}`).join("");
  }
  s += "\n\nFlags:\n" + flagUsages(local).trimEnd();
  if (inherited.length) s += "\n\nGlobal Flags:\n" + flagUsages(inherited).trimEnd();
  if (subs.length) s += `\n\nUse "${path} [command] --help" for more information about a command.`;
  return s + "\n";
}

function suggestions(root: Command, typed: string): string {
  const near = (root.children ?? []).filter(
    (c) => !c.hidden && (c.name.startsWith(typed) || levenshtein(c.name, typed) <= 2),
  );
  return near.length ? `\n\nDid you mean this?\n${near.map((c) => `\t${c.name}\n`).join("")}` : "";
}

function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

/** Runs `args` against the tree like cobra; returns the failing command chain with the error. */
async function execute(
  root: Command,
  args: string[],
  base: Omit<RunContext, "path" | "calledAs" | "args" | "flags">,
): Promise<{ chain: Command[]; error?: Error }> {
  const { chain, rest, calledAs } = find(root, args);
  const cmd = chain[chain.length - 1];
  const path = pathOf(chain);
  try {
    const defs = [
      ...chain.slice(0, -1).flatMap((c) => c.persistentFlags ?? []),
      ...(cmd.persistentFlags ?? []),
      ...(cmd.flags ?? []),
      HELP,
    ];
    const { positionals, flags } = parseFlags(rest, defs, (l) => base.io.err(l + "\n"));
    if (flags.values.help || !cmd.run) {
      if (chain.length === 1 && positionals.length)
        throw new Error(
          `unknown command ${JSON.stringify(positionals[0])} for "${path}"${suggestions(root, positionals[0])}`,
        );
      base.io.out(`${cmd.short}\n\n${usageString(chain)}`);
      return { chain };
    }
    const argErr = cmd.args ? cmd.args(positionals, calledAs) : null;
    if (argErr) throw new Error(argErr);
    const missing = (cmd.required ?? []).filter((r) => !flags.changed.has(r));
    if (missing.length) throw new Error(`required flag(s) ${missing.map((m) => JSON.stringify(m)).join(", ")} not set`);
    await cmd.run({ ...base, path, calledAs, args: positionals, flags });
    return { chain };
  } catch (e) {
    return { chain, error: e as Error };
  }
}

/** talosctl `main`: execute, print the error (+ usage when it mentions args/flags/commands), return the exit code. */
export async function runMain(
  root: Command,
  args: string[],
  base: Omit<RunContext, "path" | "calledAs" | "args" | "flags">,
): Promise<number> {
  const { chain, error } = await execute(root, args, base);
  if (!error) return 0;
  if (error instanceof SilentError) return 1;
  const text = error.message;
  base.io.err(text + "\n");
  if (/arg\(s\)|flag|command/.test(text)) base.io.err("\n" + usageString(chain) + "\n");
  return 1;
}
