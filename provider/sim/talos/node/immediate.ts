/** Which config changes apply without a reboot (`CanApplyImmediate`, contracts/talosctl.md §7) and the dry-run diff. */
import { unifiedDiff } from "../diff";
import { MachineConfig } from "../config-docs";
import { Data, DataMap, encodeDocs, isDataMap, parseDocs } from "../yaml";

const MACHINE_IMMEDIATE = [
  "ca",
  "acceptedCAs",
  "time",
  "certSANs",
  "install",
  "network",
  "sysfs",
  "sysctls",
  "logging",
  "controlPlane",
  "kubelet",
  "kernel",
  "registries",
  "pods",
  "seccompProfiles",
  "nodeAnnotations",
  "nodeLabels",
  "nodeTaints",
];
const FEATURES_IMMEDIATE = [
  "kubernetesTalosAPIAccess",
  "kubePrism",
  "hostDNS",
  "imageCache",
  "nodeAddressSortAlgorithm",
];

/** The part of a v1alpha1 document whose change needs a reboot. */
function rebootRelevant(doc: DataMap | null): string {
  if (!doc) return "null";
  const copy = JSON.parse(JSON.stringify(doc)) as DataMap;
  delete copy.cluster;
  delete copy.debug;
  if (isDataMap(copy.machine)) {
    const m = copy.machine;
    for (const k of MACHINE_IMMEDIATE) delete m[k];
    if (isDataMap(m.features)) for (const k of FEATURES_IMMEDIATE) delete m.features[k];
  }
  return stableJson(copy);
}

function stableJson(v: Data): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (isDataMap(v))
    return `{${Object.keys(v)
      .sort()
      .filter((k) => v[k] !== null && !(isDataMap(v[k]) && !Object.keys(v[k] as DataMap).length))
      .map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`)
      .join(",")}}`;
  return JSON.stringify(v);
}

/** True when going from `before` to `after` needs no reboot (only v1alpha1 is compared). */
export function canApplyImmediate(before: MachineConfig | null, after: MachineConfig): boolean {
  return rebootRelevant(before?.v1alpha1 ?? null) === rebootRelevant(after.v1alpha1);
}

/** Config text without comments, as Talos encodes it for diffs. */
function plain(text: string | null): string {
  return text ? encodeDocs(parseDocs(text)) : "";
}

/** The unified diff of two configs; "No changes." when equal; the "too large" marker past 75000 lines. */
export function configDiff(before: string | null, after: string): string {
  const a = plain(before);
  const b = plain(after);
  const d = unifiedDiff(a, b);
  if (!d) return "No changes.";
  const lines = d.split("\n").length;
  if (lines > 75000) return `@@ -1,${a.split("\n").length} +1,${b.split("\n").length} @@ diff too large to display`;
  return d;
}
