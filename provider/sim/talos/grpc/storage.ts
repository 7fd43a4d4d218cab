/**
 * StorageService.Disks (deprecated in favour of `talosctl get disks`, still served by v1.13):
 * talosctl's reset tracker calls it insecurely after `reset --reboot` to see the node back in
 * maintenance mode.
 */
import { Auth } from "../node/auth";
import { TalosNode } from "../node/node";
import { Message } from "./router";

/** The machine's disks as storage.Disk messages. */
export async function disks(node: TalosNode, _req: Record<string, unknown>, _auth: Auth): Promise<Message[]> {
  return [
    {
      disks: node.machine.spec.disks.map((d) => ({
        size: String(d.sizeBytes),
        model: d.model,
        device_name: `/dev/${d.name}`,
        serial: d.serial,
        wwid: d.wwn ?? "",
        type: d.transport === "nvme" ? "NVME" : d.rotational ? "HDD" : "SSD",
        subsystem: "/sys/class/block",
        readonly: false,
      })),
    },
  ];
}
