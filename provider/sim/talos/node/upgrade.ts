/**
 * `upgrade` on a node (contracts/talosctl.md §13): the legacy MachineService.Upgrade checks (installed,
 * installer image, upgrade mutex, etcd health on control planes unless forced) and the v1.13 path
 * (image pull, then an upgrade without reboot; the client reboots). The installer image's tag becomes
 * the node version after the reboot (upgrade record in the node state).
 */
import { GrpcError } from "../api";
import { parseVersion } from "../versions";
import { installerProblem } from "./installer";
import { upgradeProblem } from "./k8s-compat";
import { TalosNode } from "./node";

/** Upgrade payload: `api: "lifecycle"` is the v1.13 streaming path (no etcd check, no reboot). */
export interface UpgradePayload {
  image: string;
  preserve?: boolean;
  force?: boolean;
  api?: "legacy" | "lifecycle";
}

/** `ImagePull` of the v1.13 path: NotFound with containerd's text when the registry has no such image. */
export async function imagePull(node: TalosNode, payload: unknown): Promise<Record<string, never>> {
  const problem = installerProblem(node, (payload as { image: string }).image);
  if (problem) throw new GrpcError("NotFound", problem);
  return {};
}

// Talos etcd.ValidateForUpgrade texts (internal/pkg/etcd/etcd.go); an unreachable member fails its quorum read.
function etcdProblem(node: TalosNode, preserve: boolean): string | null {
  const members = node.cluster ? node.host.registry.etcdMembers(node.cluster) : [];
  if (!members.length) return null;
  if (!preserve && members.length === 1)
    return "only 1 etcd member found; assuming this is not an HA setup and refusing to upgrade; if this is a single-node cluster, use --preserve to upgrade";
  if (members.length === 2) return "etcd member count(2) is insufficient to maintain quorum if upgrade commences";
  const down = members.find((m) => {
    const n = node.host.running().find((r) => r.machine.id === m.machineId);
    return !n || n.rebootPending || n.hung;
  });
  return down
    ? `etcd member ${down.memberId.padStart(16, "0")} is not healthy; all members must be healthy to perform an upgrade: context deadline exceeded`
    : null;
}

function validate(node: TalosNode, p: UpgradePayload): string {
  // machined's legacy Upgrade and LifecycleService.Upgrade (internal/app/lifecycle) word this differently.
  if (node.maintenance)
    throw new GrpcError(
      "FailedPrecondition",
      p.api === "lifecycle" ? "machine is not installed" : "Talos is not installed",
    );
  const problem = installerProblem(node, p.image);
  if (problem)
    throw p.api === "lifecycle"
      ? new GrpcError("NotFound", problem)
      : new GrpcError("Unknown", `error validating installer image ${JSON.stringify(p.image)}: ${problem}`);
  const to = parseVersion(/:(v\d+\.\d+\.\d+[^@]*)(@.*)?$/.exec(p.image)?.[1] ?? "");
  if (!to)
    throw new GrpcError(
      "Unknown",
      `error validating installer image ${JSON.stringify(p.image)}: image tag is not a Talos version`,
    );
  if (node.rebootPending) throw new GrpcError("FailedPrecondition", "failed to acquire upgrade mutex: locked");
  const etcd = p.api !== "lifecycle" && node.controlPlane && !p.force ? etcdProblem(node, p.preserve === true) : null;
  if (etcd) throw new GrpcError("Unknown", `error validating etcd for upgrade: ${etcd}`);
  // The installer's pre-flight check (cmd/installer/pkg/install/preflight.go); real Talos reports it from
  // the installer run (legacy: a failed upgrade sequence, v1.13 path: a non-zero exit code), the simulator at the call.
  const tooFar = upgradeProblem(node.version, to.tag);
  if (tooFar) throw new GrpcError("Unknown", `pre-flight checks failed: ${tooFar}`);
  return to.tag;
}

/**
 * Validates the upgrade and records it (armed with the hang fault if set), so the next boot runs the
 * new version; gives that version. The caller reboots (the gRPC legacy path after the sequence's events).
 */
export function acceptUpgrade(node: TalosNode, p: UpgradePayload): string {
  const to = validate(node, p);
  const hang = node.host.faults.hangAfterUpgrade.has(node.machine.id);
  node.stateFile.update({ upgrade: { fromImageVersion: node.boot.image.version, version: to, image: p.image, hang } });
  return to;
}

/** Upgrade: validates, records the upgrade, reboots on the legacy path. */
export async function upgrade(
  node: TalosNode,
  payload: unknown,
): Promise<{ bootId: string; from: string; to: string }> {
  const p = payload as UpgradePayload;
  const to = acceptUpgrade(node, p);
  if (p.api === "lifecycle") {
    node.record("upgrade", to);
    node.log(`upgrade to ${to} installed; waiting for the client to reboot`);
  } else {
    node.scheduleReboot(`upgrade to ${to}`, false, "upgrade", to);
  }
  return { bootId: node.bootId, from: node.version.tag, to };
}
