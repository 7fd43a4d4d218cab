/** Redacted renderings of machine configs for previews, and the secret values for log masking. */
import { encodeConfigDocuments, isV1Alpha1, parseConfigDocuments } from "./documents";
import { joinTokenOf, replaceJoinToken, secretPathsFor, visitPath } from "./secret-fields";
import { visitUserSecrets } from "./user-secrets";
import type { YamlMap } from "./yaml-io";

/** What replaces every secret value in a redacted config. */
export const REDACTED = "***redacted***";

function scopeOf(doc: YamlMap): string {
  return isV1Alpha1(doc) ? "v1alpha1" : String(doc.kind);
}

/** Visits every secret of every document: `visit(value)` returns the replacement. */
function eachSecret(docs: YamlMap[], visit: (value: unknown) => unknown): void {
  for (const doc of docs) {
    const scope = scopeOf(doc);
    for (const p of secretPathsFor(scope)) visitPath(doc, p, visit);
    if (scope === "SideroLinkConfig" && typeof doc.apiUrl === "string") {
      const token = joinTokenOf(doc.apiUrl);
      const replaced = token === undefined ? token : visit(token);
      if (replaced !== token) doc.apiUrl = replaceJoinToken(doc.apiUrl, String(replaced));
    }
    visitUserSecrets(doc, visit);
  }
}

/**
 * Replaces every secret-bearing field (contract §18.4, plus `cluster.id`) and every secret users put
 * in their patches (user-secrets.ts) with `***redacted***`;
 * empty strings stay empty so a worker's `key: ""` stays visibly empty. Documents are kept.
 */
export function redactConfig(config: string): string {
  const docs = parseConfigDocuments(config);
  eachSecret(docs, (v) => (v === undefined || v === null || v === "" ? v : REDACTED));
  return encodeConfigDocuments(docs);
}

/** The plaintext secret values of a config (non-empty, distinct), for secret scanning and log masking. */
export function secretValuesOf(config: string): string[] {
  const found = new Set<string>();
  eachSecret(parseConfigDocuments(config), (v) => {
    if (v !== undefined && v !== null && v !== "" && typeof v !== "object") found.add(String(v));
    return v;
  });
  return [...found];
}
