/** What a machine's disks boot: Talos (which image, which config) or nothing the simulator runs. */
import { readStateConfig } from "../disk/state";
import { withFileDevice } from "../disk/device";
import { firmwareBootDisk } from "../disk/firmware";
import { inspectDisk, isIntactTalos } from "../disk/inspect";
import { MachineSpec, ServedImage, TalosBoot } from "../../types";
import { configFromUserData } from "./userdata";

/** The outcome of the firmware + bootloader stage. */
export type DiskBoot =
  | {
      kind: "talos";
      disk: number;
      image: ServedImage;
      config: string | null;
      configSource: TalosBoot["configSource"];
      reason: string;
    }
  | { kind: "no-os"; reason: string };

/** Decides what boots from the disks of a machine (no side effects); `entryDisk` is the disk a UEFI boot entry chose. */
export function decideDiskBoot(
  spec: MachineSpec,
  files: string[],
  served: Map<string, ServedImage>,
  userData?: string,
  entryDisk?: number,
): DiskBoot {
  const idx = entryDisk ?? firmwareBootDisk(files, spec.bootMode);
  if (idx < 0) return { kind: "no-os", reason: `no disk is bootable in ${spec.bootMode} mode` };
  const name = spec.disks[idx].name;
  const found = inspectDisk(files[idx]);
  if (!found.talos)
    return { kind: "no-os", reason: `${spec.bootMode} boots ${name}, which holds no Talos installation` };
  if (!isIntactTalos(found) || !found.talos.key) {
    return {
      kind: "no-os",
      reason: `${spec.bootMode} boots ${name}: Talos image is damaged (${found.talos.problems.join("; ")})`,
    };
  }
  const image = served.get(found.talos.key);
  if (!image)
    return {
      kind: "no-os",
      reason: `${spec.bootMode} boots ${name}: its Talos image was never served by the image factory`,
    };
  if (spec.faults?.talosNeverBoots)
    return { kind: "no-os", reason: `${name}: Talos never boots (fault talosNeverBoots)` };
  const state = found.talos.state
    ? withFileDevice(files[idx], false, (d) => readStateConfig(d, found.talos!.state!))
    : null;
  const base = { kind: "talos" as const, disk: idx, image };
  if (state !== null)
    return {
      ...base,
      config: state,
      configSource: "state",
      reason: `${name} boots Talos ${image.version} with the config on STATE`,
    };
  const fromUserData =
    spec.kind === "cloud" && image.platform === "hcloud" ? configFromUserData(userData, image.version) : null;
  if (fromUserData !== null)
    return {
      ...base,
      config: fromUserData,
      configSource: "user-data",
      reason: `${name} boots Talos ${image.version} with the config from user-data`,
    };
  return {
    ...base,
    config: null,
    configSource: "none",
    reason: `${name} boots Talos ${image.version} in maintenance mode`,
  };
}
