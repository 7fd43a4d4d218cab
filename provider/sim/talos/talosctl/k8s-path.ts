/**
 * Pure parts of `upgrade-k8s` (contracts/talosctl.md §14): the upgrade path rule and text of
 * siderolabs/go-kubernetes `upgrade.Path` (one minor step up, or a patch change within a minor) and
 * the components Talos updates, in its order, with their machine-config image fields.
 */
import { imageTag } from "../../apis/kube/names";
import { DataMap, isDataMap } from "../yaml";

/** A parsed Kubernetes version. */
export interface KubeVersion {
  major: number;
  minor: number;
  patch: number;
  text: string;
}

/** Parses `1.35.0` / `v1.35.0` (semver.ParseTolerant-like); null when it is not a version. */
export function parseKubeVersion(v: string): KubeVersion | null {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/.exec(v.trim());
  return m
    ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0), text: `${m[1]}.${m[2]}.${m[3] ?? 0}` }
    : null;
}

/** The upgrade path error text, or null when the path is supported. */
export function pathProblem(from: KubeVersion, to: KubeVersion): string | null {
  const ok = from.major === to.major && (to.minor === from.minor || to.minor === from.minor + 1);
  return ok
    ? null
    : `unsupported upgrade path ${from.major}.${from.minor}->${to.major}.${to.minor} (from ${JSON.stringify(from.text)} to ${JSON.stringify(to.text)})`;
}

/** A control-plane static pod Talos updates, with its image repository and config field. */
export interface Component {
  service: string;
  image: string;
  path: [string, string, string];
}

/** kube-apiserver, kube-controller-manager, kube-scheduler (upgradeStaticPod order). */
export const STATIC_PODS: Component[] = [
  { service: "kube-apiserver", image: "registry.k8s.io/kube-apiserver", path: ["cluster", "apiServer", "image"] },
  {
    service: "kube-controller-manager",
    image: "registry.k8s.io/kube-controller-manager",
    path: ["cluster", "controllerManager", "image"],
  },
  { service: "kube-scheduler", image: "registry.k8s.io/kube-scheduler", path: ["cluster", "scheduler", "image"] },
];
/** kube-proxy (control-plane configs only). */
export const PROXY: Component = {
  service: "kube-proxy",
  image: "registry.k8s.io/kube-proxy",
  path: ["cluster", "proxy", "image"],
};
/** kubelet (every node). */
export const KUBELET: Component = {
  service: "kubelet",
  image: "ghcr.io/siderolabs/kubelet",
  path: ["machine", "kubelet", "image"],
};

/** The image at a component's field of a v1alpha1 document ("" when unset). */
export function imageOf(doc: DataMap, c: Component): string {
  const [a, b, k] = c.path;
  const section = doc[a];
  const sub = isDataMap(section) ? section[b] : undefined;
  const v = isDataMap(sub) ? sub[k] : undefined;
  return typeof v === "string" ? v : "";
}

/** Sets a component's image field in a v1alpha1 document (creating the sections). */
export function setImage(doc: DataMap, c: Component, image: string): void {
  const [a, b, k] = c.path;
  if (!isDataMap(doc[a])) doc[a] = {};
  const section = doc[a] as DataMap;
  if (!isDataMap(section[b])) section[b] = {};
  (section[b] as DataMap)[k] = image;
}

/** The version in an image tag without `v` (`…:v1.35.0` → `1.35.0`), or "" when untagged. */
export function tagVersion(image: string): string {
  return imageTag(image).replace(/^v/, "");
}
