/** Version, reboot and reset on a node (contracts/talosctl.md §11, §15); upgrade is in upgrade.ts. */
import { VersionInfo, versionInfo } from "../build-info";
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
  node.scheduleReboot("reset", !p.reboot, "reset");
  return { bootId: node.bootId };
}
