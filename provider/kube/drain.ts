/** Drain (cordon, evict with a deadline, wait for termination) and wait-for-Ready, like kubectl drain/uncordon. */
import { isError } from "../internal/errors";
import { pollUntil } from "../internal/poll";
import { Sleep } from "../internal/retry";
import { KubeClient } from "./client";
import { DrainTimeoutError, kubeStatus } from "./errors";
import { evictionLine, planDrain } from "./drain-plan";
import { KubeNode, KubePod, podRef } from "./objects";

/** Options of `drainNode`. */
export interface DrainOptions {
  /** Deadline of the whole drain in ms. */
  timeoutMs: number;
  sleep?: Sleep;
  now?: () => number;
  /** Receives progress lines (never secrets). */
  log?: (line: string) => void;
}

/** What drainNode needs of a client (KubeClient, or a fake in tests). */
export type DrainApi = Pick<KubeClient, "cordon" | "podsOnNode" | "evict">;

/** Unreachable API or a 5xx: worth asking again before the deadline. */
export function transientKube(e: unknown): boolean {
  return isError(e, "KubeUnreachableError") || (kubeStatus(e) ?? 0) >= 500;
}

// kubectl retries a refused eviction every 5s; we back off from 1s to 5s so simulated drains stay quick.
const EVICT_BACKOFF = { initialMs: 1000, factor: 2, maxMs: 5000 };
const GONE_BACKOFF = { initialMs: 250, factor: 2, maxMs: 2000 };

/**
 * kubectl drain --ignore-daemonsets --delete-emptydir-data: cordons, skips DaemonSet and mirror pods, evicts the rest
 * (retrying PodDisruptionBudget refusals until the deadline), then waits until the evicted pods are gone.
 */
export async function drainNode(
  k: DrainApi,
  name: string,
  o: DrainOptions,
): Promise<{ evicted: string[]; skipped: string[] }> {
  const now = o.now ?? Date.now;
  const log = o.log ?? (() => undefined);
  const deadline = now() + o.timeoutMs;
  log(`drain 1/3: cordoning node ${name}`);
  const plan = await pollUntil(
    async () => {
      await k.cordon(name);
      return planDrain(await k.podsOnNode(name));
    },
    {
      what: `node ${name} to be cordoned`,
      timeoutMs: o.timeoutMs,
      sleep: o.sleep,
      now,
      transient: transientKube,
      ...GONE_BACKOFF,
    },
  );
  log(`drain 2/3: ${evictionLine(name, plan)}`);
  if (plan.bare.length) log(`WARNING: deleting Pods that declare no controller: ${plan.bare.join(", ")}`);
  const reasons = new Map<string, string>();
  const left = await evictAll(k, name, plan.evict, { ...o, now, log, deadline, reasons });
  if (left.length) throw new DrainTimeoutError(name, o.timeoutMs, left, reasons);
  const waitFor = [...plan.evict, ...plan.terminating].map(podRef);
  log(`drain 3/3: waiting for ${waitFor.length} pod(s) to terminate on ${name}`);
  await waitGone(k, name, waitFor, { ...o, now, deadline });
  return { evicted: plan.evict.map(podRef), skipped: [...plan.daemonSet, ...plan.mirror] };
}

type Ctx = DrainOptions & { now: () => number; deadline: number };

/** Evicts until none is refused or the deadline passes; returns the pods still refused. */
async function evictAll(
  k: DrainApi,
  node: string,
  pods: KubePod[],
  c: Ctx & { log: (l: string) => void; reasons: Map<string, string> },
): Promise<string[]> {
  let pending = pods;
  const round = async () => {
    const still: KubePod[] = [];
    for (const p of pending) {
      const r = await k.evict(p);
      if (r.evicted) {
        c.reasons.delete(podRef(p));
        continue;
      }
      if (!c.reasons.has(podRef(p)))
        c.log(`eviction of ${podRef(p)} refused, retrying until the deadline: ${r.reason}`);
      c.reasons.set(podRef(p), r.reason);
      still.push(p);
    }
    pending = still;
    return pending.length ? undefined : true;
  };
  try {
    await pollUntil(round, {
      what: `evictions on node ${node}`,
      timeoutMs: Math.max(0, c.deadline - c.now()),
      sleep: c.sleep,
      now: c.now,
      transient: transientKube,
      ...EVICT_BACKOFF,
    });
  } catch (e) {
    if (!isError(e, "DeadlineError")) throw e;
  }
  return pending.map(podRef);
}

/** Waits until none of `refs` is bound to the node any more; DrainTimeoutError names the ones still terminating. */
async function waitGone(k: DrainApi, node: string, refs: string[], c: Ctx): Promise<void> {
  let left = refs;
  const check = async () => {
    const present = new Set((await k.podsOnNode(node)).map(podRef));
    left = refs.filter((r) => present.has(r));
    return left.length ? undefined : true;
  };
  try {
    await pollUntil(check, {
      what: `pods to leave node ${node}`,
      timeoutMs: Math.max(0, c.deadline - c.now()),
      sleep: c.sleep,
      now: c.now,
      transient: transientKube,
      ...GONE_BACKOFF,
    });
  } catch (e) {
    if (!isError(e, "DeadlineError")) throw e;
    throw new DrainTimeoutError(node, c.timeoutMs, left, new Map(left.map((r) => [r, "still terminating"])));
  }
}

/** Waits until the node reports Ready (API outages while it reboots count as "not yet"). */
export async function waitNodeReady(
  k: Pick<KubeClient, "getNode">,
  name: string,
  o: { timeoutMs: number; sleep?: Sleep; now?: () => number },
): Promise<KubeNode> {
  return pollUntil(
    async () => {
      const n = await k.getNode(name);
      return n?.ready ? n : undefined;
    },
    {
      what: `node ${name} to be Ready`,
      timeoutMs: o.timeoutMs,
      sleep: o.sleep,
      now: o.now,
      transient: transientKube,
      initialMs: 250,
      factor: 2,
      maxMs: 5000,
    },
  );
}
