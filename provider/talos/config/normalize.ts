/** Canonical form of a machine config, so equal configs compare (and hash) equal whatever their formatting. */
import { createHash } from "crypto";
import { documentLabel, isV1Alpha1, parseConfigDocuments } from "./documents";
import { isMap, writeYamlDocuments, type YamlMap } from "./yaml-io";

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isMap(v)) return v;
  const out: YamlMap = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
  return out;
}

function documentOrder(a: YamlMap, b: YamlMap): number {
  const rank = (d: YamlMap) => (isV1Alpha1(d) ? 0 : 1);
  const la = documentLabel(a);
  const lb = documentLabel(b);
  return rank(a) - rank(b) || (la < lb ? -1 : la > lb ? 1 : 0);
}

/**
 * Sorted keys, 4-space indent, comments dropped, documents ordered v1alpha1 first then by kind/name:
 * the 2-space and 4-space renderings of one config normalize to the same text.
 */
export function normalizeConfig(config: string): string {
  const docs = parseConfigDocuments(config).sort(documentOrder);
  return writeYamlDocuments(docs.map(sortKeys));
}

/** sha256 (hex) of the normalized config. */
export function configHash(config: string): string {
  return createHash("sha256").update(normalizeConfig(config)).digest("hex");
}
