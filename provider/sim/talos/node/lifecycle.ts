/** Version, reboot, reset and upgrade on a node (contracts/talosctl.md §11, §13, §15). */
import { GrpcError } from "../api";
import { VersionInfo, versionInfo } from "../build-info";
import { parseVersion } from "../versions";
import { TalosNode } from "./node";

/** Version of the running Talos. */
export async function version(node: TalosNode): Promise<VersionInfo> {
  return versionInfo(node.version.tag, node.machine.spec.arch);
}

/** Reboot after answering. */
export async function reboot(node: TalosNode): Promise<{ bootId: string }> {
  node.scheduleReboot("reboot requested");
  return { bootId: node.bootId };
}

/** Reset payload. */
export interface ResetPayload {
  graceful: boolean;
  reboot: boolean;
  wipeMode: string;
  systemLabelsToWipe: string[];
}

/** Reset: leaves etcd (graceful), wipes STATE (config) and node state, then reboots or powers off. */
export async function reset(node: TalosNode, payload: unknown): Promise<{ bootId: string }> {
  const p = payload as ResetPayload;
  const labels = p.systemLabelsToWipe ?? [];
  const wipeState = p.wipeMode !== "user-disks" && (labels.length === 0 || labels.includes("STATE"));
  if (p.graceful) node.host.registry.removeMember(node.machine.id);
  node.host.registry.withdraw(node.machine.id);
  if (wipeState) {
    await node.boot.writeState(null);
    node.persistent = null;
    node.stateFile.wipe();
  }
  node.log(`reset (graceful=${p.graceful}, wipe=${p.wipeMode}${labels.length ? ` labels=${labels.join(",")}` : ""})`);
  node.scheduleReboot("reset", !p.reboot);
  return { bootId: node.bootId };
}

/** Upgrade payload. */
export interface UpgradePayload {
  image: string;
}

/** Upgrade: the installer image's tag becomes the node version after the reboot. */
export async function upgrade(node: TalosNode, payload: unknown): Promise<{ bootId: string; from: string; to: string }> {
  const { image } = payload as UpgradePayload;
  const tag = /:(v\d+\.\d+\.\d+[^@]*)$/.exec(image)?.[1];
  const to = tag ? parseVersion(tag) : null;
  if (!to) throw new GrpcError("InvalidArgument", `error validating installer image ${JSON.stringify(image)}: image tag is not a Talos version`);
  if (node.rebootPending) throw new GrpcError("FailedPrecondition", "failed to acquire upgrade mutex: locked");
  node.stateFile.update({ upgrade: { fromImageVersion: node.boot.image.version, version: to.tag, image } });
  node.scheduleReboot(`upgrade to ${to.tag}`);
  return { bootId: node.bootId, from: node.version.tag, to: to.tag };
}
