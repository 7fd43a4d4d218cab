/** The talosctl command tree for one client version (global flags per Talos-API command from v1.11). */
import { TalosVersion, atLeast } from "../versions";
import { Command } from "./command";
import { genConfigCommand } from "./cmd-gen-config";
import { genSecretsCommand } from "./cmd-gen-secrets";
import { machineconfigCommand, validateCommand } from "./cmd-local";
import { apiCommands } from "./api-commands";
import { GLOBAL_FLAGS } from "./global";

/** Builds the root command. */
export function rootCommand(client: TalosVersion): Command {
  const perCommand = atLeast(client, 1, 11);
  const api = apiCommands(client).map((c) =>
    perCommand ? { ...c, persistentFlags: [...(c.persistentFlags ?? []), ...GLOBAL_FLAGS] } : c,
  );
  const gen: Command = {
    name: "gen",
    short: "Generate CAs, certificates, and private keys",
    persistentFlags: [{ name: "force", short: "f", type: "bool", usage: "will overwrite existing files" }],
    children: [genConfigCommand(client), genSecretsCommand],
  };
  // Before v1.11 the global flags were root-persistent (validate's -c then shadows --cluster's shorthand).
  const rootFlags = perCommand ? [] : GLOBAL_FLAGS.map((f) => (f.name === "cluster" ? { ...f, short: undefined } : f));
  return {
    name: "talosctl",
    short: "A CLI for out-of-band management of Kubernetes nodes created by Talos",
    persistentFlags: rootFlags,
    children: [...api, gen, validateCommand, machineconfigCommand].sort((a, b) => a.name.localeCompare(b.name)),
  };
}
