/**
 * Kubernetes component images in a machine config. `talosctl upgrade-k8s` changes them on a running
 * cluster (contract §14) in a controlled order; a config apply that changed them would restart the
 * components node by node behind upgrade-k8s's back, so a roll keeps the images the node runs.
 */
import { encodeConfigDocuments, isV1Alpha1, parseConfigDocuments } from "./documents";
import { isMap } from "./yaml-io";

/** The v1alpha1 paths of the Kubernetes component images (`upgrade-k8s` owns them, contract §14). */
export const KUBERNETES_IMAGE_PATHS = [
  "machine.kubelet.image", "cluster.apiServer.image", "cluster.controllerManager.image", "cluster.scheduler.image", "cluster.proxy.image",
] as const;

/** The path's value in the v1alpha1 document of `config`, or undefined. */
function imageAt(doc: Record<string, unknown>, path: string): unknown {
  const [section, component] = path.split(".");
  const parent = doc[section];
  return isMap(parent) && isMap(parent[component]) ? parent[component].image : undefined;
}

/** Result of pinning: the config and the paths whose value was taken over. */
export interface PinnedImages {
  config: string;
  pinned: string[];
}

/**
 * `target` with each Kubernetes image path set to the value it has in `source`, where both configs
 * have that component (only paths present); `target` comes back unchanged (same text) when nothing differs.
 */
export function pinKubernetesImages(target: string, source: string): PinnedImages {
  const from = parseConfigDocuments(source, "source").find(isV1Alpha1);
  const docs = parseConfigDocuments(target, "target");
  const into = docs.find(isV1Alpha1);
  if (!from || !into) return { config: target, pinned: [] };
  const pinned: string[] = [];
  for (const path of KUBERNETES_IMAGE_PATHS) {
    const want = imageAt(from, path);
    const have = imageAt(into, path);
    if (typeof want !== "string" || typeof have !== "string" || want === have) continue;
    const [section, component] = path.split(".");
    ((into[section] as Record<string, unknown>)[component] as Record<string, unknown>).image = want;
    pinned.push(path);
  }
  return pinned.length === 0 ? { config: target, pinned } : { config: encodeConfigDocuments(docs), pinned };
}

/** True when `path` (a diffConfigs path) is one of the Kubernetes image paths. */
export function isKubernetesImagePath(path: string): boolean {
  return (KUBERNETES_IMAGE_PATHS as readonly string[]).includes(path);
}
