/**
 * Bootstrapping etcd exactly once (contracts/talosctl.md §8): wait while the node answers
 * FailedPrecondition ("bootstrap is not available yet" while the CRI starts, "time is not in sync
 * yet") or cannot be reached (it is still rebooting into its config); fail at once when waiting
 * cannot help; AlreadyExists "etcd data directory is not empty" means done (the wrapper maps it).
 */
import { isError } from "../../internal/errors";
import { pollUntil } from "../../internal/poll";
import type { NodeTarget, TalosApiError } from "../../talos/talosctl";
import { ClusterDeps } from "../shared/cluster-deps";
import { BootstrapRefusedError } from "./types";

const WORKER_TEXTS = [
  "bootstrap is only available on control plane nodes",
  "bootstrap can only be performed on a control plane node",
];

function apiError(e: unknown): TalosApiError | undefined {
  return isError(e, "TalosApiError") ? (e as TalosApiError) : undefined;
}

/** True for answers that mean "not yet": FailedPrecondition (except the v1.6 worker text) and Unavailable. */
export function bootstrapRetryable(e: unknown): boolean {
  const a = apiError(e);
  if (!a) return false;
  if (a.grpcCode === "Unavailable") return true;
  return a.grpcCode === "FailedPrecondition" && !WORKER_TEXTS.some((t) => a.detail.includes(t));
}

/** The error to report for an answer waiting cannot fix, with what to do about it; other errors pass through. */
export function explainBootstrapRefusal(node: string, e: unknown): unknown {
  const a = apiError(e);
  if (!a) return e;
  const said = `${a.grpcCode}: ${a.detail}`;
  if (WORKER_TEXTS.some((t) => a.detail.includes(t))) {
    return new BootstrapRefusedError(
      node,
      `[bootstrapNode] node ${node} refused bootstrap (${said}): it runs a worker config; bootstrap etcd on a control-plane node, one of controlPlaneNodes whose machine config has machine.type controlplane`,
      e,
    );
  }
  if (a.grpcCode === "InvalidArgument") {
    return new BootstrapRefusedError(
      node,
      `[bootstrapNode] node ${node} refused bootstrap (${said}): its machine config has no etcd section; apply a control-plane config (machine.type controlplane, cluster.etcd) to it, or bootstrap another control-plane node`,
      e,
    );
  }
  if (a.grpcCode === "Unimplemented" && a.detail.includes("machine type is not set")) {
    return new BootstrapRefusedError(
      node,
      `[bootstrapNode] node ${node} refused bootstrap (${said}): it has no machine config yet; apply its control-plane config first (make TalosBootstrap depend on the node's TalosMachineConfig)`,
      e,
    );
  }
  return e;
}

/** Bootstraps etcd on `target.node`, waiting up to `timeoutMs` for the node to accept; returns whether it had been done before. */
export async function bootstrapEtcd(
  target: NodeTarget,
  timeoutMs: number,
  deps: ClusterDeps,
  onWait?: (why: string) => void,
): Promise<{ alreadyBootstrapped: boolean }> {
  const t = deps.talosctl();
  return pollUntil(
    async () => {
      try {
        return await t.bootstrap(target);
      } catch (e) {
        if (bootstrapRetryable(e)) onWait?.((e as Error).message);
        throw explainBootstrapRefusal(target.node, e);
      }
    },
    {
      what: `node ${target.node} to accept bootstrap`,
      timeoutMs,
      transient: bootstrapRetryable,
      initialMs: 1000,
      factor: 1.5,
      maxMs: 10_000,
      sleep: deps.sleep,
      now: deps.now,
    },
  );
}
