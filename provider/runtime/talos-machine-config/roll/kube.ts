/**
 * The Kubernetes side of a roll or a removal: the admin kubeconfig from a control plane
 * (`talosctl kubeconfig`), the node's Kubernetes name (by IP), cordon + drain, uncordon + Ready.
 */
import { TalosHetznerError, errorMessage, isError } from "../../../internal/errors";
import { pollUntil } from "../../../internal/poll";
import { transientKube } from "../../../kube";
import type { TalosResource } from "../../../talos/talosctl";
import { KubeAccess, kubeAccess } from "../deps";
import { NodeContext } from "../node";

/** One node's Kubernetes handle: the client and the node's name. */
export interface KubeHandle {
  kube: KubeAccess;
  name: string;
}

/** A node of the cluster as `talosctl get members` lists it (contract §12.3). */
export interface MemberNode {
  hostname: string;
  machineType: string;
  addresses: string[];
}

/** The cluster members the node knows (discovery), IPv4 addresses first. */
export async function clusterMembers(ctx: NodeContext): Promise<MemberNode[]> {
  const found: TalosResource[] = await ctx.client.getResources("members", {
    node: ctx.node,
    endpoints: ctx.endpoints,
    talosconfig: ctx.talosconfig,
  });
  return found.map((r) => {
    const s = (r.spec ?? {}) as { hostname?: string; machineType?: string; addresses?: string[] };
    const addrs = s.addresses ?? [];
    return {
      hostname: s.hostname ?? r.metadata.id,
      machineType: s.machineType ?? "",
      addresses: [...addrs.filter((a) => !a.includes(":")), ...addrs.filter((a) => a.includes(":"))],
    };
  });
}

/** A control-plane address to ask for the kubeconfig: the node itself when it is one, else one from `get members` (undefined when none is listed). */
export async function controlPlaneOf(ctx: NodeContext, role: string): Promise<string | undefined> {
  if (role === "controlplane") return ctx.node;
  const cp = (await clusterMembers(ctx)).find(
    (m) => (m.machineType === "controlplane" || m.machineType === "init") && m.addresses.length > 0,
  );
  return cp?.addresses[0];
}

/**
 * The Kubernetes node behind `ctx.node`, or undefined (with the reason) when there is none to drain:
 * the Kubernetes API does not answer yet (cluster not bootstrapped) or the node never registered.
 * A bootstrapped cluster whose API does not answer is an error, not a reason to reboot undrained.
 */
export async function openKube(ctx: NodeContext, role: string): Promise<KubeHandle | { absent: string }> {
  const cp = await controlPlaneOf(ctx, role);
  if (cp === undefined)
    return { absent: `node ${ctx.node} lists no control plane among its cluster members (talosctl get members)` };
  const via = { node: cp, endpoints: cp === ctx.node ? ctx.endpoints : [cp], talosconfig: ctx.talosconfig };
  const kube = (ctx.deps.kube ?? kubeAccess)(await ctx.client.kubeconfig(via));
  try {
    const node = await kube.nodeByAddress(ctx.node);
    return node ? { kube, name: node.name } : { absent: `no Kubernetes node has address ${ctx.node}` };
  } catch (e) {
    if (!isError(e, "KubeUnreachableError")) throw e;
    if (await etcdRuns(ctx, via)) throw new KubeDownError(ctx.node, cp, e);
    return { absent: `${errorMessage(e)} (etcd is not running on ${cp}: the cluster is not bootstrapped yet)` };
  }
}

/** True when etcd answers on the control plane: the cluster is bootstrapped, so Kubernetes should serve. */
async function etcdRuns(
  ctx: NodeContext,
  via: { node: string; endpoints: string[]; talosconfig: string },
): Promise<boolean> {
  return ctx.client.etcdMembers(via).then(
    (m) => m.length > 0,
    () => false,
  );
}

/** A bootstrapped cluster whose Kubernetes API does not answer: draining is impossible, rebooting blind is not our call. */
export class KubeDownError extends TalosHetznerError {
  constructor(node: string, cp: string, cause: unknown) {
    super(
      `cannot drain node ${node}: etcd runs on control plane ${cp} but the Kubernetes API does not answer (${errorMessage(cause)}); fix the API endpoint, or set drain: false to proceed without draining`,
      { cause },
    );
    this.name = "KubeDownError";
  }
}

/** Cordons and drains (drainNode cordons first, like kubectl drain); a DrainTimeoutError leaves the node cordoned and says so. */
export async function cordonAndDrain(ctx: NodeContext, h: KubeHandle, timeoutMs: number): Promise<void> {
  try {
    const r = await h.kube.drain(h.name, {
      timeoutMs,
      sleep: ctx.deps.sleep,
      now: ctx.deps.now,
      log: (l) => ctx.log.info(l),
    });
    ctx.log.info(
      `drained ${h.name}: ${r.evicted.length} pod(s) evicted, ${r.skipped.length} skipped (DaemonSet or mirror pods)`,
    );
  } catch (e) {
    if (!isError(e, "DrainTimeoutError")) throw e;
    throw new TalosHetznerError(
      `${errorMessage(e)}; the node stays cordoned (uncordon was not done); resolve the blocking pods, then re-run to resume`,
      { cause: e },
    );
  }
}

/** Uncordons (retrying while the API comes back after a reboot) and waits until the node is Ready. */
export async function uncordonReady(ctx: NodeContext, h: KubeHandle, timeoutMs: number): Promise<void> {
  const start = ctx.deps.now();
  await pollUntil(
    async () => {
      await h.kube.uncordon(h.name);
      return true;
    },
    {
      what: `the Kubernetes API to uncordon ${h.name}`,
      timeoutMs,
      initialMs: 500,
      maxMs: 5000,
      sleep: ctx.deps.sleep,
      now: ctx.deps.now,
      transient: transientKube,
    },
  );
  ctx.log.info(`uncordoned Kubernetes node ${h.name}`);
  const left = Math.max(1000, timeoutMs - (ctx.deps.now() - start));
  await h.kube.waitReady(h.name, { timeoutMs: left, sleep: ctx.deps.sleep, now: ctx.deps.now });
  ctx.log.info(`Kubernetes node ${h.name} is Ready`);
}
