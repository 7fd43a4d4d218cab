/**
 * Talos upgrades on the wire. MachineService.Upgrade is the legacy path: every talosctl before v1.13,
 * and v1.13's for nodes up to v1.13.0-alpha.2 or with --legacy; machined checks at the call and runs
 * the upgrade sequence under a new actor id, which ends in the reboot into the new version. v1.13's
 * default path is ImageService.Pull, then LifecycleService.Upgrade (installs without a reboot and
 * streams the installer's progress and exit code), then the client's own Reboot
 * (cmd/talosctl/cmd/talos/upgrade.go, internal/app/lifecycle/lifecycle.go at v1.13.9).
 */
import { GrpcError } from "../api";
import { TalosNode } from "../node/node";
import { acceptUpgrade, imagePull, upgrade } from "../node/upgrade";
import { runSequence } from "./machine";
import { Message } from "./router";

/** MachineService.Upgrade: refused at the call, or acknowledged with the actor id of the upgrade sequence. */
export async function legacyUpgrade(node: TalosNode, req: Record<string, unknown>): Promise<Message[]> {
  const to = acceptUpgrade(node, {
    image: String(req.image ?? ""),
    preserve: req.preserve === true,
    force: req.force === true,
    api: "legacy",
  });
  const actorId = runSequence(
    node,
    "Upgrade",
    [
      ["machine.SequenceEvent", { sequence: "upgrade", action: "START" }],
      ["machine.MachineStatusEvent", { stage: "UPGRADING", status: { ready: false, unmet_conditions: [] } }],
    ],
    async () => node.scheduleReboot(`upgrade to ${to}`, false, "upgrade", to),
  );
  return [{ ack: "Upgrade request received", actor_id: actorId }];
}

/** ImageService.Pull: the image's name once pulled, or NotFound when the registry has no such image. */
export async function imageServicePull(node: TalosNode, req: Record<string, unknown>): Promise<Message[]> {
  const image = String(req.image_ref ?? "");
  await imagePull(node, { image });
  return [{ name: image }];
}

const progress = (p: Message): Message => ({ progress: p });

/**
 * LifecycleService.Upgrade: the installer's run as progress messages and an exit code. A failing
 * installer is a non-zero exit code, not an error status ("Server SHOULD NOT respond with error").
 */
export async function lifecycleUpgrade(node: TalosNode, req: Record<string, unknown>): Promise<Message[]> {
  const image = String((req.source as { image_name?: string } | null)?.image_name ?? "");
  if (!image) throw new GrpcError("InvalidArgument", "installer image name is required");
  try {
    const { to } = await upgrade(node, { image, api: "lifecycle" });
    return [progress({ message: `upgrade to ${to} installed` }), progress({ exit_code: 0 })];
  } catch (e) {
    // The installer's pre-flight check fails inside the installer run: its output, then its exit code.
    if (e instanceof GrpcError && e.desc.startsWith("pre-flight checks failed"))
      return [progress({ message: e.desc }), progress({ exit_code: 1 })];
    throw e;
  }
}
