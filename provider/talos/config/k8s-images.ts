/**
 * Kubernetes component images in a machine config. `talosctl upgrade-k8s` changes them on a running
 * cluster (contract §14) in a controlled order; a config apply that changed them would restart the
 * components node by node behind upgrade-k8s's back, so a roll keeps the images the node runs.
 */
import { encodeConfigDocuments, isV1Alpha1, parseConfigDocuments } from "./documents";
import { visitPath } from "./secret-fields";

/** The v1alpha1 paths of the Kubernetes component images (`upgrade-k8s` owns them, contract §14). */
export const KUBERNETES_IMAGE_PATHS = [
  "machine.kubelet.image",
  "cluster.apiServer.image",
  "cluster.controllerManager.image",
  "cluster.scheduler.image",
  "cluster.proxy.image",
] as const;

/** The value at a dotted path of a document, or undefined (read through the shared path walker). */
export function valueAt(doc: unknown, path: string): unknown {
  let found: unknown;
  visitPath(doc, path, (v) => (found = v));
  return found;
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
    const want = valueAt(from, path);
    const have = valueAt(into, path);
    if (typeof want !== "string" || typeof have !== "string" || want === have) continue;
    visitPath(into, path, () => want);
    pinned.push(path);
  }
  return pinned.length === 0 ? { config: target, pinned } : { config: encodeConfigDocuments(docs), pinned };
}

/** True when `path` (a diffConfigs path) is one of the Kubernetes image paths. */
export function isKubernetesImagePath(path: string): boolean {
  return (KUBERNETES_IMAGE_PATHS as readonly string[]).includes(path);
}
