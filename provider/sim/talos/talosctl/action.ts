/** The action commands' shared parts: client choice, the plain-or-tracked call, the tracker flags (contracts/talosctl.md §13, §15). */
import { RunContext } from "./command";
import { callAll, callNode, maintenanceClient, secureSession } from "./connect";
import { FlagDef } from "./flags";
import { track } from "./tracker";

/** The client of an action: maintenance with `--insecure` (not with `--wait`), else talosconfig. */
export function session(ctx: RunContext) {
  const f = ctx.flags.values;
  if (f.insecure && f.wait) throw new Error("cannot use --wait and --insecure together");
  return f.insecure ? { client: maintenanceClient(ctx), nodes: undefined } : secureSession(ctx);
}

/** `reboot`/`reset`/`upgrade` on the nodes: plain call without `--wait`, else the action tracker (one-to-one calls, raw node errors). */
export async function action(
  ctx: RunContext,
  method: string,
  payload: unknown,
  prefix: string,
  expect: "reboot" | "down",
): Promise<void> {
  const s = session(ctx);
  if (!ctx.flags.values.wait) {
    await callAll(s.client, method, payload, s.nodes, prefix);
    return;
  }
  await track(
    ctx,
    s.nodes ?? [],
    expect,
    async (node) => ((await callNode(s.client, method, payload, node)) as { bootId: string }).bootId,
  );
}

/** The tracker flags of reboot/reset/upgrade. */
export const WAIT: FlagDef[] = [
  {
    name: "wait",
    type: "bool",
    def: true,
    usage: "wait for the operation to complete, tracking its progress. always set to true when --debug is set",
  },
  {
    name: "debug",
    type: "bool",
    usage: "debug operation from kernel logs. --wait is set to true when this flag is set",
  },
  {
    name: "timeout",
    type: "duration",
    def: 30 * 60000,
    usage: "time to wait for the operation is complete if --debug or --wait is set",
  },
];
