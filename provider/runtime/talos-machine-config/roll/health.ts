/** The health gate after a node's roll: control planes back in etcd, every Kubernetes node Ready, before the next node starts. */
import { DeadlineError, isError } from "../../../internal/errors";
import { pollUntil } from "../../../internal/poll";
import { RollContext, targetOf } from "./context";
import { memberOf } from "./etcd";
import { KubeHandle } from "./kube";

/** What is not healthy yet, or undefined when healthy. */
async function problem(ctx: RollContext, handle: KubeHandle | undefined, inEtcd: boolean): Promise<string | undefined> {
  if (inEtcd) {
    const members = await ctx.client.etcdMembers(targetOf(ctx));
    if (!memberOf(members, ctx.inputs.hostname, ctx.node))
      return `${ctx.node} is not in its own etcd member list (${members.map((m) => m.hostname).join(", ") || "empty"})`;
  }
  if (!handle) return undefined;
  const notReady = (await handle.kube.listNodes()).filter((n) => !n.ready).map((n) => n.name);
  return notReady.length ? `Kubernetes node(s) not Ready: ${notReady.join(", ")}` : undefined;
}

/** Polls until healthy (errors count as "not yet"); DeadlineError naming what was still wrong. */
export async function checkHealth(
  ctx: RollContext,
  handle: KubeHandle | undefined,
  inEtcd: boolean,
  timeoutMs: number,
): Promise<void> {
  let last: string | undefined;
  try {
    await pollUntil(
      async () => {
        last = await problem(ctx, handle, inEtcd);
        return last === undefined ? true : undefined;
      },
      {
        what: `the cluster to be healthy after ${ctx.node}'s roll`,
        timeoutMs,
        initialMs: 500,
        maxMs: 5000,
        sleep: ctx.deps.sleep,
        now: ctx.deps.now,
        transient: () => true,
      },
    );
  } catch (e) {
    if (!isError(e, "DeadlineError") || last === undefined) throw e;
    throw new DeadlineError(`the cluster to be healthy after ${ctx.node}'s roll (still: ${last})`, timeoutMs, {
      cause: e,
    });
  }
}
