/**
 * `upgrade` (contracts/talosctl.md §13). v1.13 clients use the LifecycleService path (image pull,
 * upgrade stream, reboot with the tracker) when every node runs > v1.13.0-alpha.2, else the legacy
 * MachineService.Upgrade (tracker on stderr, node errors as `"<node>": <err>`). The simulator does
 * not drain on the new path (`--drain` is accepted and ignored): the library drains itself and passes `--drain=false`.
 */
import { VersionInfo } from "../build-info";
import { TalosVersion, atLeast, parseVersion } from "../versions";
import { WAIT, action, session } from "./action";
import { Command, RunContext, noArgs } from "./command";
import { callAll, secureSession, statusText } from "./connect";
import { FlagDef } from "./flags";
import { tabwriter } from "./table";

/** True when the new API applies; prints the fallback line when a v1.13 client meets an older node. */
async function lifecycleApi(ctx: RunContext): Promise<boolean> {
  if (!atLeast(ctx.client, 1, 13) || ctx.flags.values.insecure) return false;
  const s = secureSession(ctx);
  const resp = await s.client.call("Version", {}, { nodes: s.nodes }).catch(() => null);
  const old = (resp?.replies ?? []).some((r) => r.data && !atLeast(parseVersion((r.data as VersionInfo).tag)!, 1, 13));
  if (old) ctx.io.err("New upgrade API is not available, falling back to legacy\n");
  return !old;
}

/** One call per node on the new path; failures joined like errors.Join of `error from node <n>: <err>`. */
async function perNode(ctx: RunContext, method: string, payload: unknown, prefix: string): Promise<string[]> {
  const s = secureSession(ctx);
  const errs: string[] = [];
  const done: string[] = [];
  for (const node of s.nodes) {
    const resp = await s.client.call(method, payload, { node }).catch((e: Error) => ({
      error: { code: "Unavailable", message: e.message.replace(/^rpc error: code = \w+ desc = /, "") },
    }));
    if (resp.error) errs.push(`error from node ${node}: ${statusText(resp.error)}`);
    else done.push(node);
  }
  if (errs.length) throw new Error(prefix + errs.join("\n"));
  return done;
}

async function upgradeLifecycle(ctx: RunContext): Promise<void> {
  const f = ctx.flags.values;
  await perNode(ctx, "ImagePull", { image: f.image }, "error pulling upgrade image: ");
  const done = await perNode(ctx, "Upgrade", { image: f.image, api: "lifecycle" }, "error during upgrade: ");
  ctx.io.err(done.map((n) => `${n}: upgrade completed\n`).join(""));
  if (f["no-reboot"]) return;
  ctx.flags.values.wait = (f.wait as boolean) || (f.drain as boolean) || (f.debug as boolean);
  await action(ctx, "Reboot", { mode: f["reboot-mode"] }, "error during upgrade: error executing reboot: ", "reboot");
}

async function upgradeLegacy(ctx: RunContext): Promise<void> {
  const f = ctx.flags.values;
  const payload = { image: f.image, rebootMode: f["reboot-mode"], preserve: f.preserve, force: f.force, api: "legacy" };
  if (f.debug) f.wait = true;
  if (f.wait) return action(ctx, "Upgrade", payload, "error during upgrade: ", "reboot");
  const s = session(ctx);
  const replies = await callAll(s.client, "Upgrade", payload, s.nodes, "error performing upgrade: ");
  const rows = [
    ["NODE", "ACK", "STARTED"],
    ...replies.map((r) => [r.node ?? s.client.peer(), "Upgrade request received", new Date().toISOString()]),
  ];
  ctx.io.out(tabwriter(rows));
}

async function upgrade(ctx: RunContext): Promise<void> {
  if (ctx.flags.values.legacy)
    ctx.io.err(
      "WARNING: Forcing use of legacy upgrade method. This flag is deprecated and will be removed in Talos 1.18.\n",
    );
  else if (await lifecycleApi(ctx)) return upgradeLifecycle(ctx);
  await upgradeLegacy(ctx);
}

function upgradeFlags(client: TalosVersion): FlagDef[] {
  const v13 = atLeast(client, 1, 13);
  const dep = v13 ? "legacy flag for MachineService.Upgrade fallback, to be removed in Talos 1.18" : undefined;
  return [
    {
      name: "image",
      short: "i",
      type: "string",
      def: `ghcr.io/siderolabs/installer:${client.tag}`,
      usage: "the container image to use for performing the install",
    },
    {
      name: "reboot-mode",
      short: "m",
      type: "choice",
      choices: v13 ? ["default", "force", "powercycle"] : ["default", "powercycle"],
      typeName: "string",
      def: "default",
      usage: "select the reboot mode during upgrade",
    },
    ...WAIT,
    { name: "preserve", short: "p", type: "bool", usage: "preserve data", deprecated: dep },
    {
      name: "stage",
      short: "s",
      type: "bool",
      usage: "stage the upgrade to perform it after a reboot",
      deprecated: dep,
    },
    {
      name: "force",
      short: "f",
      type: "bool",
      usage: "force the upgrade (skip checks on etcd health and members, might lead to data loss)",
      deprecated: dep,
    },
    {
      name: "insecure",
      type: "bool",
      usage: "upgrade using the insecure (encrypted with no auth) maintenance service",
      deprecated: dep,
    },
    ...(v13 ? V13_FLAGS : []),
  ];
}

const V13_FLAGS: FlagDef[] = [
  { name: "drain", type: "bool", def: true, usage: "drain the Kubernetes node before rebooting (cordon + evict pods)" },
  { name: "drain-timeout", type: "duration", def: 5 * 60000, usage: "timeout for draining the Kubernetes node" },
  { name: "no-reboot", type: "bool", usage: "do not reboot the node after upgrade (skip reboot and drain)" },
  {
    name: "progress",
    type: "choice",
    choices: ["auto", "plain"],
    typeName: "string",
    def: "auto",
    usage: "output mode for upgrade progress",
  },
  {
    name: "namespace",
    type: "string",
    def: "system",
    usage:
      'namespace to use: "system" (etcd and kubelet images), "cri" for all Kubernetes workloads, "inmem" for in-memory containerd instance',
  },
  { name: "legacy", type: "bool", usage: "force use of legacy upgrade method" },
];

/** The `upgrade` command of a client version. */
export function upgradeCommand(client: TalosVersion): Command {
  return {
    name: "upgrade",
    short: "Upgrade Talos on the target node",
    args: (a) => noArgs(a, "", "talosctl upgrade"),
    run: upgrade,
    flags: upgradeFlags(client),
  };
}
