/** `reboot`, `reset` (§15), the removed `disks` command, and `upgrade` (§13, built in cmd-upgrade.ts). */
import { TalosVersion } from "../versions";
import { Command, RunContext, noArgs } from "./command";
import { WAIT, action } from "./action";
import { upgradeCommand } from "./cmd-upgrade";

async function reboot(ctx: RunContext): Promise<void> {
  await action(ctx, "Reboot", { mode: ctx.flags.values.mode }, "error executing reboot: ", "reboot");
}

async function reset(ctx: RunContext): Promise<void> {
  const f = ctx.flags.values;
  const payload = {
    graceful: f.graceful,
    reboot: f.reboot,
    wipeMode: f["wipe-mode"],
    systemLabelsToWipe: f["system-labels-to-wipe"],
  };
  await action(ctx, "Reset", payload, "error executing reset: ", f.reboot ? "reboot" : "down");
}

/** The commands for a client version. */
export function lifecycleCommands(client: TalosVersion): Command[] {
  return [
    {
      name: "reboot",
      short: "Reboot a node",
      args: (a) => noArgs(a, "", "talosctl reboot"),
      run: reboot,
      flags: [
        {
          name: "mode",
          short: "m",
          type: "choice",
          choices: ["default", "powercycle", "force"],
          typeName: "string",
          def: "default",
          usage: "select the reboot mode",
        },
        ...WAIT,
      ],
    },
    {
      name: "reset",
      short: "Reset a node",
      args: (a) => noArgs(a, "", "talosctl reset"),
      run: reset,
      flags: [
        {
          name: "graceful",
          type: "bool",
          def: true,
          usage: "if true, attempt to cordon/drain node and leave etcd (if applicable)",
        },
        { name: "reboot", type: "bool", usage: "if true, reboot the node after resetting instead of shutting down" },
        {
          name: "insecure",
          type: "bool",
          usage: "reset using the insecure (encrypted with no auth) maintenance service",
        },
        {
          name: "wipe-mode",
          type: "choice",
          choices: ["all", "system-disk", "user-disks"],
          typeName: "WipeMode",
          def: "all",
          usage: "disk reset mode",
        },
        { name: "user-disks-to-wipe", type: "strings", usage: "if set, wipes defined devices in the list" },
        {
          name: "system-labels-to-wipe",
          type: "strings",
          usage: "if set, just wipe selected system disk partitions by label but keep other partitions intact",
        },
        ...WAIT,
      ],
    },
    upgradeCommand(client),
    {
      name: "disks",
      short: "Get the list of disks from /sys/block on the machine",
      hidden: true,
      flags: [
        {
          name: "insecure",
          short: "i",
          type: "bool",
          usage: "get disks using the insecure (encrypted with no auth) maintenance service",
        },
      ],
      run: async () => {
        throw new Error(
          "`talosctl disks` is deprecated, please use `talosctl get disks`, `talosctl get systemdisk`, `talosctl get discoveredvolumes` instead",
        );
      },
    },
  ];
}
