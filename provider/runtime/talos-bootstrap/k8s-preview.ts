/**
 * The preview of a Kubernetes version change: diff runs `talosctl upgrade-k8s --dry-run` (30 s) on
 * the bootstrap node when the old outputs carry a talosconfig. A definite refusal (an unsupported
 * upgrade path…) throws, which fails `pulumi preview` before anything changes (errors thrown in diff
 * fail the preview: contracts/pulumi-dynamic.md); a node that cannot be reached only warns, and the
 * offline path rules of check then decide.
 */
import { InputError, errorMessage, isError } from "../../internal/errors";
import { logLine } from "../../internal/log";
import type { TalosApiError, TalosctlError } from "../../talos/talosctl";
import { Props, isUnknown } from "../dispatch/types";
import { registerTalosconfigSecrets } from "../shared/talosconfig";
import { ClusterDeps } from "../shared/cluster-deps";
import { K8sChange, describeChange, k8sChange, upgradeK8sOf } from "./k8s";
import { bootstrapId } from "./run";
import { normalizeK8sVersion, parseK8sVersion, upgradePathProblem } from "./k8s-version";
import { BootstrapOutputs, endpointsOf } from "./types";

/** Deadline of the dry run in a preview. */
export const DRY_RUN_TIMEOUT_MS = 30_000;

const UNREACHABLE_CODES = ["Unavailable", "DeadlineExceeded", "Canceled"];
// What a dial failure looks like when talosctl prints it without a gRPC status (the Kubernetes API side of upgrade-k8s).
const UNREACHABLE_TEXT =
  /connection refused|no route to host|i\/o timeout|context deadline exceeded|network is unreachable|connection reset|TLS handshake timeout|dial tcp/;

/** True when the dry run failed because nothing answered (node, endpoint or Kubernetes API), not because talosctl refused the change. */
export function dryRunUnreachable(e: unknown): boolean {
  if (isError(e, "DeadlineError", "TalosctlNotFoundError", "TalosctlMissingMethodError")) return true;
  if (isError(e, "TalosApiError")) return UNREACHABLE_CODES.includes((e as TalosApiError).grpcCode);
  if (isError(e, "TalosctlError")) return UNREACHABLE_TEXT.test((e as TalosctlError).stderr);
  return !isError(e, "InputError");
}

// The rules check applies to the previous inputs, applied to the recorded version (check cannot see outputs).
function refuseOffline(c: K8sChange): void {
  const p = c.from ? upgradePathProblem(c.from, c.to) : undefined;
  if (p) throw new InputError("kubernetesVersion", p);
}

/**
 * Dry-runs a Kubernetes version change; resolves when there is none, when talosctl accepts it, or
 * when the node cannot be reached and the offline rules pass; throws InputError naming
 * `kubernetesVersion` otherwise.
 */
export async function previewK8sUpgrade(olds: Props, news: Props, deps: ClusterDeps): Promise<void> {
  const to = news.kubernetesVersion;
  if (typeof to !== "string" || isUnknown(to) || !parseK8sVersion(to)) return;
  const prev = olds as unknown as BootstrapOutputs;
  const c = k8sChange({ kubernetesVersion: normalizeK8sVersion(to) }, prev);
  if (!c) return;
  if (!prev.talosconfig || isUnknown(prev.talosconfig) || !prev.bootstrapNode) return refuseOffline(c);
  registerTalosconfigSecrets(prev.talosconfig);
  const target = { node: prev.bootstrapNode, endpoints: endpointsOf(prev), talosconfig: prev.talosconfig };
  try {
    const lines = await upgradeK8sOf(deps.talosctl())({
      ...target,
      ...(c.from ? { from: c.from } : {}),
      to: c.to,
      dryRun: true,
      timeoutMs: DRY_RUN_TIMEOUT_MS,
    });
    logLine(
      `[${bootstrapId(prev)}] preview: talosctl upgrade-k8s --dry-run ${describeChange(c)} on ${target.node} passed (${lines.filter((l) => l.trim()).length} progress lines)`,
    );
  } catch (e) {
    if (!dryRunUnreachable(e)) {
      throw new InputError(
        "kubernetesVersion",
        `talosctl upgrade-k8s --dry-run refused ${describeChange(c)} on ${target.node}: ${errorMessage(e)}`,
      );
    }
    logLine(
      `[${bootstrapId(prev)}] WARNING: could not dry-run the Kubernetes upgrade ${describeChange(c)} on ${target.node} (${errorMessage(e)}); the preview shows the change without it`,
    );
    refuseOffline(c);
  }
}
