/** A loaded machine configuration: its v1alpha1 document and other documents, with lookups used by validation and the node. */
import { decodeDocuments } from "./decoder";
import { Data, DataMap, isDataMap } from "./yaml";

/** A machine configuration split into documents. */
export interface MachineConfig {
  v1alpha1: DataMap | null;
  docs: DataMap[];
  text: string;
}

/** True when a document is the legacy v1alpha1 one (no kind; has machine/cluster/debug/persist or version v1alpha1). */
export function isV1alpha1(doc: DataMap): boolean {
  if (doc.kind !== undefined) return false;
  return ["machine", "cluster", "debug", "persist"].some((k) => k in doc) || doc.version === "v1alpha1";
}

/** Loads a config text; throws the decoder's error text (`missing kind`, YAML errors, …). */
export function loadConfig(text: string): MachineConfig {
  const all = decodeDocuments(text);
  let v1alpha1: DataMap | null = null;
  const docs: DataMap[] = [];
  for (const d of all) {
    if (!isDataMap(d)) throw new Error("failed to decode config: document is not a mapping");
    // decodeDocuments admits one kind-less document at most (its id is /v1alpha1/).
    if (d.kind === undefined) {
      v1alpha1 = d;
      continue;
    }
    docs.push(d);
  }
  return { v1alpha1, docs, text };
}

/** Value at a dotted path ("machine.network.kubespan.enabled"), undefined when absent. */
export function at(root: Data | undefined, path: string): Data | undefined {
  let cur: Data | undefined = root;
  for (const part of path.split(".")) {
    if (!isDataMap(cur)) return undefined;
    cur = (cur as DataMap)[part];
  }
  return cur;
}

/** The first document of a kind, if any. */
export function docOfKind(cfg: MachineConfig, kind: string): DataMap | undefined {
  return cfg.docs.find((d) => d.kind === kind);
}

/** Machine type: v1alpha1 `machine.type` ("" when absent). */
export function machineType(cfg: MachineConfig): string {
  const t = at(cfg.v1alpha1 ?? undefined, "machine.type");
  return typeof t === "string" ? t : "";
}

/** Whether KubeSpan is enabled (v1alpha1 `machine.network.kubespan.enabled` or a `KubeSpanConfig` document). */
export function kubespanEnabled(cfg: MachineConfig): boolean {
  const doc = docOfKind(cfg, "KubeSpanConfig");
  if (doc) return doc.enabled === true;
  return at(cfg.v1alpha1 ?? undefined, "machine.network.kubespan.enabled") === true;
}

/** Cluster identity used by discovery: id + secret, or null when either is missing. */
export function clusterIdentity(cfg: MachineConfig): { id: string; secret: string } | null {
  const id = at(cfg.v1alpha1 ?? undefined, "cluster.id");
  const secret = at(cfg.v1alpha1 ?? undefined, "cluster.secret");
  return typeof id === "string" && id && typeof secret === "string" && secret ? { id, secret } : null;
}

/** Whether cluster discovery is enabled. */
export function discoveryEnabled(cfg: MachineConfig): boolean {
  return at(cfg.v1alpha1 ?? undefined, "cluster.discovery.enabled") === true;
}

/** String at a path, "" when absent. */
export function str(cfg: MachineConfig, path: string): string {
  const v = at(cfg.v1alpha1 ?? undefined, path);
  return typeof v === "string" ? v : "";
}
