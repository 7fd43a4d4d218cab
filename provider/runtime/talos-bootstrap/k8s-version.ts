/**
 * Kubernetes versions of `TalosBootstrap` without the network: the input's format (a leading `v`
 * is stripped, as `talosctl gen config --kubernetes-version` does — contracts/talosctl.md §4), the
 * upgrade paths talosctl upgrade-k8s refuses (a downgrade, more than one minor step: §14 "error
 * creating upgrade path"), and the version a node runs, read from its kubelet image.
 */
import { isMap, readYamlDocuments } from "../../talos/config/yaml-io";
import { compareTalosVersions } from "../../talos/versions";

/** A parsed Kubernetes version. */
export interface K8sVersion {
  major: number;
  minor: number;
  patch: number;
  /** Pre-release suffix after `-` (`rc.1`), or "" for a release. */
  pre: string;
}

const VERSION = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/;

/** Parses `1.36.3`, `v1.36.3` or `1.37.0-rc.1`; undefined for anything else. */
export function parseK8sVersion(text: string): K8sVersion | undefined {
  const m = VERSION.exec(text.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre: m[4] ?? "" } : undefined;
}

/** The version without a leading `v`; the text unchanged when it is not a version. */
export function normalizeK8sVersion(text: string): string {
  return parseK8sVersion(text) ? text.trim().replace(/^v/, "") : text;
}

/** Negative when a < b, 0 when equal, positive when a > b (a pre-release sorts before its release). */
export function compareK8s(a: K8sVersion, b: K8sVersion): number {
  // Same ordering as Talos tags (semver with pre-releases), so the one compare in talos/versions decides.
  const tag = (v: K8sVersion) => `v${v.major}.${v.minor}.${v.patch}${v.pre ? `-${v.pre}` : ""}`;
  return compareTalosVersions(tag(a), tag(b));
}

/** The check failure text for a malformed version. */
export function formatProblem(value: unknown): string {
  return `[kubernetesVersion] must be a Kubernetes version such as 1.36.3 (major.minor.patch, an optional -pre-release suffix; a leading v is accepted), got ${JSON.stringify(value)}`;
}

/**
 * Why talosctl upgrade-k8s would refuse going from `from` to `to` (text without the field prefix),
 * or undefined when the path is one it takes: the same version, a patch, or exactly one minor up.
 */
export function upgradePathProblem(from: string, to: string): string | undefined {
  const a = parseK8sVersion(from);
  const b = parseK8sVersion(to);
  if (!a || !b) return undefined;
  const cmp = compareK8s(b, a);
  if (cmp === 0) return undefined;
  const head = `cannot change from ${from} to ${to}`;
  if (cmp < 0)
    return `${head}: that is a downgrade, and talosctl upgrade-k8s only upgrades Kubernetes; set ${from} or a later version`;
  if (a.major !== b.major) return `${head}: talosctl upgrade-k8s does not change the major version`;
  if (b.minor - a.minor > 1) {
    const next = `${a.major}.${a.minor + 1}`;
    return `${head} in one step: Kubernetes upgrades one minor version at a time (talosctl upgrade-k8s refuses to skip ${next}); set ${next}.x first, run pulumi up, then ${to}`;
  }
  return undefined;
}

/** `ghcr.io/siderolabs/kubelet:v1.36.3` (optionally `@sha256:…`) → `1.36.3`; undefined without a version tag. */
export function versionOfImage(image: string): string | undefined {
  const m = /:v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)(?:@[^@]*)?$/.exec(image.trim());
  return m ? m[1] : undefined;
}

/**
 * The Kubernetes version of a machine config (the `spec` of `get machineconfig`: the whole
 * multi-document YAML as a string since v1.8, the first document as an object before — §0),
 * from `machine.kubelet.image`; undefined when the config does not say.
 */
export function kubeletVersionOf(spec: unknown): string | undefined {
  let docs: unknown[];
  try {
    docs = typeof spec === "string" ? readYamlDocuments(spec) : [spec];
  } catch {
    return undefined;
  }
  for (const d of docs) {
    const machine = isMap(d) ? d.machine : undefined;
    const kubelet = isMap(machine) ? machine.kubelet : undefined;
    const image = isMap(kubelet) ? kubelet.image : undefined;
    if (typeof image === "string") return versionOfImage(image);
  }
  return undefined;
}
