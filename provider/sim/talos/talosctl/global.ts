/** Global flags of Talos-API commands and talosconfig resolution (contracts/talosctl.md §1.1–§1.2). */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TalosConfigFile, TalosContext, parseTalosconfig } from "../gen/talosconfig";
import { RunContext } from "./command";
import { FlagDef } from "./flags";

/** The persistent flags every Talos-API command gets (root-persistent before v1.11). */
export const GLOBAL_FLAGS: FlagDef[] = [
  {
    name: "talosconfig",
    type: "string",
    usage:
      "The path to the Talos configuration file. Defaults to 'TALOSCONFIG' env variable if set, otherwise '$HOME/.talos/config' and '/var/run/secrets/talos.dev/config' in order.",
  },
  { name: "nodes", short: "n", type: "strings", usage: "target the specified nodes" },
  { name: "endpoints", short: "e", type: "strings", usage: "override default endpoints in Talos configuration" },
  { name: "cluster", short: "c", type: "string", usage: "Cluster to connect to if a proxy endpoint is used." },
  { name: "context", type: "string", usage: "Context to be used in command" },
  {
    name: "siderov1-keys-dir",
    type: "string",
    usage:
      "The path to the SideroV1 auth PGP keys directory. Defaults to 'SIDEROV1_KEYS_DIR' env variable if set, otherwise '$HOME/.talos/keys'. Only valid for Contexts that use SideroV1 auth.",
  },
];

const EMPTY_CONFIG = 'context: ""\ncontexts: {}\n';

function candidates(ctx: RunContext): string[] {
  const list: string[] = [];
  if (ctx.env.TALOSCONFIG !== undefined) list.push(ctx.env.TALOSCONFIG);
  const home = ctx.env.TALOS_HOME;
  if (ctx.client.minor >= 12 && home && path.isAbsolute(home)) list.push(path.join(home, "config"));
  else list.push(path.join(ctx.env.HOME || os.homedir(), ".talos", "config"));
  list.push("/var/run/secrets/talos.dev/config");
  return list;
}

function createEmpty(p: string): void {
  fs.mkdirSync(path.dirname(p), { recursive: true, mode: 0o700 });
  fs.writeFileSync(p, EMPTY_CONFIG, { mode: 0o600 });
}

/** Resolves and reads the talosconfig: `--talosconfig` (created empty if missing), else the first existing candidate. */
export function readTalosconfig(ctx: RunContext): TalosConfigFile {
  const flag = ctx.flags.values.talosconfig as string;
  let file = flag ? path.resolve(ctx.cwd, flag) : candidates(ctx).find((c) => fs.existsSync(c));
  if (flag && !fs.existsSync(file as string)) createEmpty(file as string);
  if (!file) {
    file = candidates(ctx).find((c) => !c.startsWith("/var/run/")) as string;
    try {
      createEmpty(file);
    } catch {
      /* read-only home: an empty config is used */
    }
  }
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new Error(`failed to open config file ${JSON.stringify(file)}: ${(e as Error).message}`);
  }
  return parseTalosconfig(text);
}

/** The context to use (`--context` or the file's current one), with talosctl's exact errors. */
export function resolveContext(ctx: RunContext, cfg: TalosConfigFile): TalosContext {
  const wanted = ctx.flags.values.context as string;
  if (!wanted && !cfg.context && !Object.keys(cfg.contexts).length) throw new Error("talos config file is empty");
  const name = wanted || cfg.context;
  const c = cfg.contexts[name];
  if (!c)
    throw new Error(
      wanted
        ? `context ${JSON.stringify(name)} not found in config`
        : `default context ${JSON.stringify(name)} not found in config`,
    );
  return c;
}

/** `--nodes` if given, else the context's nodes; talosctl's error when both are empty. */
export function resolveNodes(ctx: RunContext, c: TalosContext | null): string[] {
  const flag = ctx.flags.values.nodes as string[];
  const nodes = flag.length ? flag : (c?.nodes ?? []);
  if (!nodes.length)
    throw new Error(
      "nodes are not set for the command: please use `--nodes` flag or configuration file to set the nodes to run the command against",
    );
  return nodes;
}

/** Endpoints: `--endpoints` override the context's; each gets `:50000` when it has no port. */
export function resolveEndpoints(ctx: RunContext, c: TalosContext): string[] {
  const flag = ctx.flags.values.endpoints as string[];
  const eps = flag.length ? flag : (c.endpoints ?? []);
  if (!eps.length) throw new Error("error constructing client: failed to determine endpoints");
  return eps.map(withPort);
}

/** Adds the apid port when missing (`resolver.EnsureEndpointsHavePorts`). */
export function withPort(ep: string): string {
  if (/^\[.*\]:\d+$/.test(ep) || /^[^:]+:\d+$/.test(ep)) return ep;
  return ep.includes(":") && !ep.startsWith("[") ? `[${ep}]:50000` : `${ep}:50000`;
}
