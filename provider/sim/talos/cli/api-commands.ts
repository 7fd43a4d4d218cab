/** The Talos-API commands of the stand-in. */
import { TalosVersion } from "../versions";
import { Command } from "./command";
import { versionCommand } from "./cmd-version";

/** Talos-API commands (they receive the global flags). */
export function apiCommands(_client: TalosVersion): Command[] {
  return [versionCommand];
}
