/**
 * Delete of an `apply` node = node removal (issue #9): the etcd quorum guard for control planes first,
 * then cordon + drain, etcd removal, graceful reset when `resetOnDelete`, then the Kubernetes Node object
 * deleted. A node that no longer answers (server already gone) is warned about and the delete
 * finishes: a destroy must not hang on a dead machine.
 */
import { TalosHetznerError, errorMessage } from "../../internal/errors";
import type { EtcdMember } from "../../talos/talosctl";
import { RollContext, inStep } from "./roll/context";
import { isEtcdNotRunning, memberAddress, memberOf, quorumAfterRemoval } from "./roll/etcd";
import { KubeHandle, cordonAndDrain } from "./roll/kube";
import { openDrainable } from "./roll/drain";
import { DEFAULT_DRAIN_TIMEOUT_SECONDS } from "./types";
import { kubeAccess } from "./deps";

/** Where the member list came from, and the list. */
interface EtcdView {
  from: string;
  members: EtcdMember[];
}

/** Hosts to ask for `etcd members`: the node, then its other endpoints, then the cluster endpoint's host. */
function etcdSources(ctx: RollContext, answers: boolean): string[] {
  let endpointHost: string[] = [];
  try {
    endpointHost = [new URL(ctx.inputs.endpoint).hostname];
  } catch {
    /* validated at check */
  }
  const hosts = [...(answers ? [ctx.node] : []), ...ctx.endpoints.map((e) => e.replace(/:\d+$/, "")), ...endpointHost];
  return [...new Set(hosts)].filter((h) => answers || h !== ctx.node);
}

/** `etcd members` from the first source that runs etcd; undefined when none does (no bootstrapped etcd). */
async function etcdView(ctx: RollContext, answers: boolean): Promise<EtcdView | undefined> {
  for (const from of etcdSources(ctx, answers)) {
    try {
      return {
        from,
        members: await ctx.client.etcdMembers({ node: from, endpoints: [from], talosconfig: ctx.talosconfig }),
      };
    } catch (e) {
      ctx.log.info(`etcd members from ${from}: ${isEtcdNotRunning(e) ? "etcd is not running there" : errorMessage(e)}`);
    }
  }
  return undefined;
}

/** Ids of the members whose node answers the Talos API (`version`); the removed one is not asked. */
async function healthyMembers(ctx: RollContext, members: EtcdMember[], removed: string): Promise<Set<string>> {
  const healthy = new Set<string>();
  for (const m of members.filter((x) => x.id !== removed)) {
    const ip = memberAddress(m);
    if (!ip) continue;
    const ok = await ctx.client.version({ node: ip, endpoints: [ip], talosconfig: ctx.talosconfig }).then(
      () => true,
      () => false,
    );
    if (ok) healthy.add(m.id);
  }
  return healthy;
}

/** The node's etcd member and who is healthy besides it, once the quorum guard let the removal through. */
interface EtcdPlan {
  view: EtcdView;
  me: EtcdMember;
  healthy: Set<string>;
}

/**
 * The quorum guard, before anything is touched (a refused removal leaves the node as it was, not
 * cordoned); undefined when the node is no etcd member or etcd does not run.
 */
async function guardEtcd(ctx: RollContext, answers: boolean): Promise<EtcdPlan | undefined> {
  const view = await etcdView(ctx, answers);
  const me = view && memberOf(view.members, ctx.inputs.hostname, ctx.node);
  if (!view || !me) {
    ctx.log.info(
      view
        ? `${ctx.node} is not an etcd member (asked ${view.from})`
        : "no etcd member list: etcd is not running (not bootstrapped)",
    );
    return undefined;
  }
  const healthy = await healthyMembers(ctx, view.members, me.id);
  const v = quorumAfterRemoval(view.members, me.id, healthy);
  if (!v.ok && !ctx.inputs.allowQuorumLoss) {
    throw new TalosHetznerError(
      `[${ctx.label}] refusing to remove control plane ${ctx.node} from etcd: ${v.healthyAfter} of the ${v.remaining} remaining members would be healthy, below the quorum of ${v.quorum}; set allowQuorumLoss to remove it anyway`,
    );
  }
  if (!v.ok)
    ctx.log.warn(
      `removing ${ctx.node} from etcd below quorum (${v.healthyAfter} of ${v.remaining} healthy, quorum ${v.quorum}): allowQuorumLoss is set`,
    );
  else if (v.remaining === 0)
    ctx.log.info(`${ctx.node} is the last etcd member: no quorum left to keep (the cluster's etcd ends with it)`);
  else
    ctx.log.info(
      `etcd keeps a healthy majority without ${ctx.node}: ${v.healthyAfter} of ${v.remaining} (quorum ${v.quorum})`,
    );
  return { view, me, healthy };
}

/** Removes the guarded member through another healthy member, unless the graceful reset makes it leave. */
async function leaveEtcd(ctx: RollContext, plan: EtcdPlan, viaReset: boolean): Promise<void> {
  const { view, me, healthy } = plan;
  if (viaReset) return ctx.log.info(`member ${me.id} leaves etcd with the graceful reset`);
  const other = view.members.find((m) => m.id !== me.id && healthy.has(m.id));
  if (!other) return ctx.log.info(`member ${me.id} is the last one: nothing to remove it from`);
  const at = memberAddress(other)!;
  await inStep(ctx, "etcd remove-member", () =>
    ctx.client.etcdRemoveMember({ node: at, endpoints: [at], talosconfig: ctx.talosconfig, memberId: me.id }),
  );
  ctx.log.info(`removed etcd member ${me.id} (${me.hostname}) through ${at}`);
}

/**
 * The Kubernetes node of a node that no longer answers, through a control plane that does (its
 * endpoints, the cluster endpoint's host): nothing to drain, but its Node object must not stay behind.
 */
async function deadNodeHandle(ctx: RollContext): Promise<KubeHandle | undefined> {
  for (const cp of etcdSources(ctx, false)) {
    try {
      const kube = (ctx.deps.kube ?? kubeAccess)(
        await ctx.client.kubeconfig({ node: cp, endpoints: [cp], talosconfig: ctx.talosconfig }),
      );
      const found = await kube.nodeByAddress(ctx.node);
      return found ? { kube, name: found.name } : undefined;
    } catch (e) {
      ctx.log.info(`Kubernetes through ${cp}: ${errorMessage(e)}`);
    }
  }
  return undefined;
}

/** Steps of a removal. */
export const REMOVE_STEPS = 5;

/** Removes the node from the cluster; `reset` runs the graceful reset (the caller's resetOnDelete path). */
export async function removeNode(ctx: RollContext, answers: boolean, reset: () => Promise<void>): Promise<void> {
  const i = ctx.inputs;
  const cp = i.role === "controlplane";
  ctx.log.step(cp ? "checking that etcd keeps its quorum without the node" : "etcd quorum: not a control plane");
  const plan = cp ? await guardEtcd(ctx, answers) : undefined;
  let handle: KubeHandle | undefined;
  if (!answers) {
    ctx.log.step("cordon and drain: skipped (the node does not answer)");
    handle = await deadNodeHandle(ctx);
  } else handle = await openDrainable(ctx, "cordoning and draining the node");
  if (handle && answers)
    await inStep(ctx, "drain", () =>
      cordonAndDrain(ctx, handle!, (i.drainTimeoutSeconds ?? DEFAULT_DRAIN_TIMEOUT_SECONDS) * 1000),
    );
  ctx.log.step(plan ? "removing the node from etcd" : "etcd: nothing to remove");
  if (plan) await leaveEtcd(ctx, plan, Boolean(i.resetOnDelete) && answers);
  if (i.resetOnDelete && answers) await reset();
  else
    ctx.log.step(
      answers
        ? `node ${ctx.node} keeps its config (resetOnDelete is not set)`
        : "reset: skipped (the node does not answer)",
    );
  ctx.log.step(handle ? `deleting Kubernetes node ${handle.name}` : "no Kubernetes node to delete");
  if (handle) await inStep(ctx, "deleting the Kubernetes node", () => handle!.kube.deleteNode(handle!.name));
}
