/** Multi-document machine configs: identity of each document, decoding and Talos-style encoding. */
import { ConfigError } from "./errors";
import { isMap, readYamlDocuments, writeYamlDocuments, YamlSyntaxError, type YamlMap } from "./yaml-io";

/** Keys that make a kind-less document the legacy v1alpha1 config (contract §5.2). */
const V1ALPHA1_KEYS = ["machine", "cluster", "debug", "persist"];

/** True when a decoded document is the v1alpha1 config (no `kind`, has machine/cluster/debug/persist or `version: v1alpha1`). */
export function isV1Alpha1(doc: YamlMap): boolean {
  if (doc.kind !== undefined && doc.kind !== null) return false;
  return doc.version === "v1alpha1" || V1ALPHA1_KEYS.some((k) => k in doc);
}

/** Talos's document id: `/v1alpha1` for the legacy config, else `apiVersion/kind[/name]` (contract §5.5). */
export function documentId(doc: YamlMap): string {
  if (isV1Alpha1(doc)) return "/v1alpha1";
  const name = typeof doc.name === "string" && doc.name !== "" ? `/${doc.name}` : "";
  return `${String(doc.apiVersion ?? "")}/${String(doc.kind ?? "")}${name}`;
}

/** Short human label of a document: `v1alpha1` or `Kind[/name]`. */
export function documentLabel(doc: YamlMap): string {
  if (isV1Alpha1(doc)) return "v1alpha1";
  const name = typeof doc.name === "string" && doc.name !== "" ? `/${doc.name}` : "";
  return `${String(doc.kind ?? "")}${name}`;
}

/** Why a decoded document is not a valid config document, or undefined when it is. */
export function documentProblem(doc: unknown): string | undefined {
  if (!isMap(doc)) return "a config document must be a mapping";
  if (isV1Alpha1(doc)) return undefined;
  if (doc.kind === undefined || doc.kind === null || doc.kind === "") return "missing kind";
  if (doc.apiVersion === undefined || doc.apiVersion === null || doc.apiVersion === "") return "missing apiVersion";
  return undefined;
}

/** Decodes a machine config into its documents; rejects bad YAML, non-documents and duplicates. */
export function parseConfigDocuments(config: string, what = "config"): YamlMap[] {
  let raw: unknown[];
  try {
    raw = readYamlDocuments(config);
  } catch (e) {
    if (e instanceof YamlSyntaxError) throw new ConfigError(`${what}: ${e.message}`);
    throw e;
  }
  raw.forEach((d, i) => {
    const problem = documentProblem(d);
    if (problem) throw new ConfigError(`${what}: document ${i + 1}: ${problem}`);
  });
  const docs = raw as YamlMap[];
  assertNoDuplicates(docs, what);
  return docs;
}

/** Throws Talos's structural errors for two documents with the same identity (contract §5.5). */
export function assertNoDuplicates(docs: YamlMap[], what: string): void {
  const seen = new Set<string>();
  for (const d of docs) {
    const id = documentId(d);
    if (seen.has(id)) {
      const detail = id === "/v1alpha1" ? "duplicate v1alpha1.Config" : `duplicate document: ${documentLabel(d)}`;
      throw new ConfigError(`${what}: ${detail}`);
    }
    seen.add(id);
  }
}

/** Encodes documents like Talos: v1alpha1 first, the others in order, `---` between, `indent` spaces. */
export function encodeConfigDocuments(docs: YamlMap[], indent = 4): string {
  const legacy = docs.filter(isV1Alpha1);
  const others = docs.filter((d) => !isV1Alpha1(d));
  return writeYamlDocuments([...legacy, ...others], indent);
}
