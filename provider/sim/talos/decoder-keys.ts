/**
 * The strict decoder's unknown-key check (xyaml.CheckUnknownKeys) for the v1alpha1 document, to the
 * depth the stand-in knows: the fields of Config, MachineConfig and ClusterConfig (yaml tags of
 * pkg/machinery/config/types/v1alpha1/v1alpha1_types.go at v1.13.9). Deeper levels are not checked.
 * The report lists the unknown keys as YAML (sorted keys, 4-space indent, the source's styles).
 */
import * as YAML from "yaml";

const CONFIG = ["version", "debug", "persist", "machine", "cluster"];
const FIELDS: Record<string, string[]> = {
  machine: [
    "type",
    "token",
    "ca",
    "acceptedCAs",
    "certSANs",
    "controlPlane",
    "kubelet",
    "pods",
    "network",
    "disks",
    "install",
    "files",
    "env",
    "time",
    "sysctls",
    "sysfs",
    "registries",
    "systemDiskEncryption",
    "features",
    "udev",
    "logging",
    "kernel",
    "seccompProfiles",
    "baseRuntimeSpecOverrides",
    "nodeLabels",
    "nodeAnnotations",
    "nodeTaints",
  ],
  cluster: [
    "id",
    "secret",
    "controlPlane",
    "clusterName",
    "network",
    "token",
    "aescbcEncryptionSecret",
    "secretboxEncryptionSecret",
    "ca",
    "acceptedCAs",
    "aggregatorCA",
    "serviceAccount",
    "apiServer",
    "controllerManager",
    "proxy",
    "scheduler",
    "discovery",
    "etcd",
    "coreDNS",
    "externalCloudProvider",
    "extraManifests",
    "extraManifestHeaders",
    "inlineManifests",
    "adminKubeconfig",
    "allowSchedulingOnMasters",
    "allowSchedulingOnControlPlanes",
  ],
};

const keyOf = (p: YAML.Pair) => String(YAML.isScalar(p.key) ? p.key.value : p.key);

/** `unknown keys found during decoding:\n<yaml>` for the v1alpha1 document, or null when every key is known. */
export function unknownKeysProblem(doc: YAML.Document): string | null {
  if (!YAML.isMap(doc.contents)) return null;
  const out = new YAML.YAMLMap();
  for (const pair of doc.contents.items as YAML.Pair[]) {
    const key = keyOf(pair);
    if (!CONFIG.includes(key) && key !== "$patch") {
      out.items.push(pair);
      continue;
    }
    const fields = FIELDS[key];
    if (!fields || !YAML.isMap(pair.value)) continue;
    // `$patch` directives are taken out before Talos decodes a patch (decoder/delete.go).
    const unknown = (pair.value.items as YAML.Pair[])
      .filter((p) => !fields.includes(keyOf(p)) && keyOf(p) !== "$patch")
      .sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
    if (unknown.length) out.items.push(new YAML.Pair(pair.key, Object.assign(new YAML.YAMLMap(), { items: unknown })));
  }
  if (!out.items.length) return null;
  out.items.sort((a, b) => keyOf(a as YAML.Pair).localeCompare(keyOf(b as YAML.Pair)));
  const text = new YAML.Document(out).toString({ indent: 4, flowCollectionPadding: false });
  return `unknown keys found during decoding:\n${text}`;
}
