/** `reboot`, `reset` (§15), `upgrade` (§13) and the removed `disks` command. */
import { VersionInfo } from "../build-info";
import { TalosVersion, atLeast, parseVersion } from "../versions";
import { Command, RunContext, noArgs } from "./command";
import { callAll, maintenanceClient, secureSession } from "./connect";
import { FlagDef } from "./flags";
import { tabwriter } from "./table";
import { track } from "./tracker";

function session(ctx: RunContext) {
  const f = ctx.flags.values;
  if (f.insecure && f.wait) throw new Error("cannot use --wait and --insecure together");
  return f.insecure ? { client: maintenanceClient(ctx), nodes: undefined } : secureSession(ctx);
}

async function action(ctx: RunContext, method: string, payload: unknown, prefix: string, expect: "reboot" | "down"): Promise<void> {
  const s = session(ctx);
  const call = async (node?: string) => {
    const [r] = await callAll(s.client, method, payload, node ? [node] : s.nodes, prefix);
    return (r.data as { bootId: string }).bootId;
  };
  if (!ctx.flags.values.wait) { await call(); return; }
  await track(ctx, s.nodes ?? [], expect, (node) => call(node));
}

async function reboot(ctx: RunContext): Promise<void> {
  await action(ctx, "Reboot", { mode: ctx.flags.values.mode }, "error executing reboot: ", "reboot");
}

async function reset(ctx: RunContext): Promise<void> {
  const f = ctx.flags.values;
  const payload = { graceful: f.graceful, reboot: f.reboot, wipeMode: f["wipe-mode"], systemLabelsToWipe: f["system-labels-to-wipe"] };
  await action(ctx, "Reset", payload, "error executing reset: ", f.reboot ? "reboot" : "down");
}

/** v1.13 clients use the new LifecycleService API only when every node is > v1.13.0-alpha.2 (contract §13). */
async function legacyFallback(ctx: RunContext): Promise<void> {
  if (!atLeast(ctx.client, 1, 13) || ctx.flags.values.insecure) return;
  const s = secureSession(ctx);
  const resp = await s.client.call("Version", {}, { nodes: s.nodes }).catch(() => null);
  const old = (resp?.replies ?? []).some((r) => r.data && !atLeast(parseVersion((r.data as VersionInfo).tag)!, 1, 13));
  if (old) ctx.io.err("New upgrade API is not available, falling back to legacy\n");
}

async function upgrade(ctx: RunContext): Promise<void> {
  const f = ctx.flags.values;
  if (f.legacy) ctx.io.err("WARNING: Forcing use of legacy upgrade method. This will be removed in a future release.\n");
  else await legacyFallback(ctx);
  const payload = { image: f.image, rebootMode: f["reboot-mode"] };
  if (!f.wait) {
    const s = session(ctx);
    const replies = await callAll(s.client, "Upgrade", payload, s.nodes, "error performing upgrade: ");
    const rows = [["NODE", "ACK", "STARTED"], ...replies.map((r) => [r.node ?? "", "Upgrade request received", new Date().toISOString()])];
    return void ctx.io.out(tabwriter(rows));
  }
  await action(ctx, "Upgrade", payload, "error during upgrade: ", "reboot");
}

const WAIT: FlagDef[] = [
  { name: "wait", type: "bool", def: true, usage: "wait for the operation to complete, tracking its progress. always set to true when --debug is set" },
  { name: "debug", type: "bool", usage: "debug operation from kernel logs. --wait is set to true when this flag is set" },
  { name: "timeout", type: "duration", def: 30 * 60000, usage: "time to wait for the operation is complete if --debug or --wait is set" },
];

function upgradeFlags(client: TalosVersion): FlagDef[] {
  const legacy = "legacy flag for MachineService.Upgrade fallback, to be removed in Talos 1.18";
  const dep = atLeast(client, 1, 13) ? legacy : undefined;
  return [
    { name: "image", short: "i", type: "string", def: `ghcr.io/siderolabs/installer:${client.tag}`, usage: "the container image to use for performing the install" },
    { name: "reboot-mode", short: "m", type: "choice", choices: atLeast(client, 1, 13) ? ["default", "force", "powercycle"] : ["default", "powercycle"], typeName: "string", def: "default", usage: "select the reboot mode during upgrade" },
    ...WAIT,
    { name: "preserve", short: "p", type: "bool", usage: "preserve data", deprecated: dep },
    { name: "stage", short: "s", type: "bool", usage: "stage the upgrade to perform it after a reboot", deprecated: dep },
    { name: "force", short: "f", type: "bool", usage: "force the upgrade (skip checks on etcd health and members, might lead to data loss)", deprecated: dep },
    { name: "insecure", type: "bool", usage: "upgrade using the insecure (encrypted with no auth) maintenance service", deprecated: dep },
    ...(atLeast(client, 1, 13) ? [
      { name: "drain", type: "bool", def: true, usage: "drain the node before upgrading" } as FlagDef,
      { name: "drain-timeout", type: "duration", def: 5 * 60000, usage: "timeout for draining the node" } as FlagDef,
      { name: "no-reboot", type: "bool", usage: "skip the reboot after upgrade" } as FlagDef,
      { name: "progress", type: "choice", choices: ["auto", "plain"], typeName: "string", def: "auto", usage: "progress output mode" } as FlagDef,
      { name: "namespace", type: "string", def: "system", usage: "namespace to use for pulling the image" } as FlagDef,
      { name: "legacy", type: "bool", usage: "force use of the legacy upgrade method" } as FlagDef,
    ] : []),
  ];
}

/** The commands for a client version. */
export function lifecycleCommands(client: TalosVersion): Command[] {
  return [
    { name: "reboot", short: "Reboot a node", args: (a) => noArgs(a, "", "talosctl reboot"), run: reboot,
      flags: [{ name: "mode", short: "m", type: "choice", choices: ["default", "powercycle", "force"], typeName: "string", def: "default", usage: "select the reboot mode" }, ...WAIT] },
    { name: "reset", short: "Reset a node", args: (a) => noArgs(a, "", "talosctl reset"), run: reset,
      flags: [{ name: "graceful", type: "bool", def: true, usage: "if true, attempt to cordon/drain node and leave etcd (if applicable)" },
        { name: "reboot", type: "bool", usage: "if true, reboot the node after resetting instead of shutting down" },
        { name: "insecure", type: "bool", usage: "reset using the insecure (encrypted with no auth) maintenance service" },
        { name: "wipe-mode", type: "choice", choices: ["all", "system-disk", "user-disks"], typeName: "WipeMode", def: "all", usage: "disk reset mode" },
        { name: "user-disks-to-wipe", type: "strings", usage: "if set, wipes defined devices in the list" },
        { name: "system-labels-to-wipe", type: "strings", usage: "if set, just wipe selected system disk partitions by label but keep other partitions intact" }, ...WAIT] },
    { name: "upgrade", short: "Upgrade Talos on the target node", args: (a) => noArgs(a, "", "talosctl upgrade"), run: upgrade, flags: upgradeFlags(client) },
    { name: "disks", short: "Get the list of disks from /sys/block on the machine", hidden: true, flags: [{ name: "insecure", short: "i", type: "bool", usage: "get disks using the insecure (encrypted with no auth) maintenance service" }],
      run: async () => { throw new Error("`talosctl disks` is deprecated, please use `talosctl get disks`, `talosctl get systemdisk`, `talosctl get discoveredvolumes` instead"); } },
  ];
}
