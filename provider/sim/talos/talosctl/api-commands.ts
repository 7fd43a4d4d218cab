/** The Talos-API commands of the stand-in. */
import { TalosVersion } from "../versions";
import { Command } from "./command";
import { applyCommand } from "./cmd-apply";
import { clusterCommands } from "./cmd-cluster";
import { getCommand } from "./cmd-get";
import { lifecycleCommands } from "./cmd-lifecycle";
import { upgradeK8sCommand } from "./cmd-upgrade-k8s";
import { versionCommand } from "./cmd-version";

/** Talos-API commands (they receive the global flags). */
export function apiCommands(client: TalosVersion): Command[] {
  return [
    applyCommand(client),
    ...clusterCommands,
    getCommand,
    ...lifecycleCommands(client),
    upgradeK8sCommand(client),
    versionCommand,
  ];
}
