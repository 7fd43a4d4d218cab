/**
 * How the config a node keeps compares with the desired one. With `kubernetesUpgrade: "upgrade-k8s"`
 * the node keeps its own Kubernetes images (TalosBootstrap's upgrade-k8s changes them), so the
 * comparison is made after pinning: the desired images are put into the live config first, and a
 * node that differs only there is neither drifted nor changed.
 */
import { configHash, pinKubernetesImages } from "../../talos/config";
import { LiveConfigs } from "./node";
import { MachineConfigInputs, MachineConfigOutputs } from "./types";

/** True when the Kubernetes images are left to upgrade-k8s on a configured node. */
export function defersKubernetesImages(i: Pick<MachineConfigInputs, "kubernetesUpgrade">): boolean {
  return i.kubernetesUpgrade !== "apply";
}

/** The live config as compared with `desired`: the deferred image paths taken from `desired`. */
export function comparableLive(
  liveText: string,
  desired: string | undefined,
  i: Pick<MachineConfigInputs, "kubernetesUpgrade">,
): string {
  if (!desired || !defersKubernetesImages(i)) return liveText;
  return pinKubernetesImages(liveText, desired).config;
}

/** The config to apply to a configured node: the rendered one with the node's own Kubernetes images kept. */
export function configToApply(
  rendered: string,
  live: LiveConfigs,
  i: Pick<MachineConfigInputs, "kubernetesUpgrade">,
): { config: string; pinned: string[] } {
  if (!defersKubernetesImages(i)) return { config: rendered, pinned: [] };
  return pinKubernetesImages(rendered, live.persistent ?? live.active);
}

/** Outputs describing what the node keeps: `liveConfigHash` of its persistent config (compared after pinning), `rebootPending` when it differs from the active one. */
export function liveOutputs(
  live: LiveConfigs,
  desired?: string,
  i: Pick<MachineConfigInputs, "kubernetesUpgrade"> = {},
): Pick<Partial<MachineConfigOutputs>, "liveConfigHash" | "rebootPending"> {
  const active = configHash(live.active);
  const keptText = live.persistent ?? live.active;
  const kept = live.persistent === null ? active : configHash(live.persistent);
  return { liveConfigHash: configHash(comparableLive(keptText, desired, i)), rebootPending: kept !== active };
}
