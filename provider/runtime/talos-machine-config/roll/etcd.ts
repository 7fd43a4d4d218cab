/**
 * etcd around a control plane's upgrade or removal (contract §16): forfeiting leadership, finding the
 * node's member, and the quorum guard (pure, table-tested) that refuses a removal below quorum.
 */
import { isError } from "../../../internal/errors";
import type { EtcdMember, TalosApiError } from "../../../talos/talosctl";

/**
 * The node refused an etcd API because it is no control plane: Talos's CheckControlplane answers
 * Unimplemented `<api> is only available on control plane nodes` (`machine type is not set, cannot use
 * <api> API` without a config), internal/app/internal/machinehelper, v1.6–v1.13.
 */
export function isNotControlPlane(e: unknown): boolean {
  return (
    apiFailure(e, "Unimplemented") &&
    /is only available on control plane nodes|machine type is not set, cannot use/.test((e as TalosApiError).detail)
  );
}

/**
 * The node answered, but no etcd listens at the control planes' client port (2379) yet: a cluster not
 * bootstrapped. Talos dials etcd from the node (etcd.NewClientFromControlPlaneIPs), so the failure is
 * the node's own Unavailable answer naming `:2379`, not the client's failure to reach the node.
 */
export function isEtcdDown(e: unknown): boolean {
  return (
    apiFailure(e, "Unavailable") && (e as TalosApiError).node !== null && /:2379\b/.test((e as TalosApiError).detail)
  );
}

/** Talos's answer to forfeiting the leadership of a one-member etcd (internal/pkg/etcd/etcd.go, v1.6–v1.13). */
export function isOnlyMember(e: unknown): boolean {
  return apiFailure(e, "Unknown") && /cannot forfeit leadership, only one member/.test((e as TalosApiError).detail);
}

/** The node runs no etcd member the library can talk to: a worker answer or etcd not running yet. */
export function isEtcdNotRunning(e: unknown): boolean {
  return isNotControlPlane(e) || isEtcdDown(e);
}

function apiFailure(e: unknown, code: string): boolean {
  return isError(e, "TalosApiError") && (e as TalosApiError).grpcCode === code;
}

/** The member of a node: by hostname, else by the IP in a peer URL. */
export function memberOf(members: EtcdMember[], hostname: string | undefined, ip: string): EtcdMember | undefined {
  return (
    members.find((m) => hostname !== undefined && m.hostname === hostname) ??
    members.find((m) => m.peerUrls.some((u) => urlHost(u) === ip))
  );
}

/** The host of a peer URL without IPv6 brackets, undefined when it does not parse. */
function urlHost(u: string): string | undefined {
  try {
    return new URL(u).hostname.replace(/^\[|\]$/g, "");
  } catch {
    return undefined;
  }
}

/** What the quorum guard decided for removing one member. */
export interface QuorumVerdict {
  ok: boolean;
  remaining: number;
  healthyAfter: number;
  quorum: number;
}

/**
 * After removing `removed`, the remaining members need a healthy majority: ⌊n/2⌋+1 of the n left.
 * `healthy` holds the ids of members whose node answers; the last member alone is always removable
 * (nothing is left to lose quorum: a whole-cluster destroy).
 */
export function quorumAfterRemoval(members: EtcdMember[], removed: string, healthy: Set<string>): QuorumVerdict {
  const left = members.filter((m) => m.id !== removed && !m.learner);
  const quorum = Math.floor(left.length / 2) + 1;
  const healthyAfter = left.filter((m) => healthy.has(m.id)).length;
  return { ok: left.length === 0 || healthyAfter >= quorum, remaining: left.length, healthyAfter, quorum };
}

/** The IP of a member's first peer URL (`https://10.0.0.2:2380` → `10.0.0.2`). */
export function memberAddress(m: EtcdMember): string | undefined {
  return m.peerUrls.map(urlHost).find((h) => h !== undefined);
}
