/** Per-path differences between two machine configs, meant to run on REDACTED renderings. */
import { documentId, documentLabel, isV1Alpha1, parseConfigDocuments } from "./documents";
import { deepEqual } from "../../internal/deep-equal";
import { isMap, type YamlMap } from "./yaml-io";

/** One changed path: `machine.network.interfaces[0].addresses`, or `KubeSpanConfig:enabled` outside v1alpha1. */
export interface ConfigChange {
  path: string;
  /** The document (`Kind[/name]`) for changes outside v1alpha1; absent for v1alpha1. */
  document?: string;
  kind: "add" | "remove" | "change";
  before?: unknown;
  after?: unknown;
}

/** Lists what changes from `before` to `after`, document by document, in a stable order. */
export function diffConfigs(before: string, after: string): ConfigChange[] {
  const left = parseConfigDocuments(before, "before");
  const right = parseConfigDocuments(after, "after");
  const changes: ConfigChange[] = [];
  const ids = [...new Set([...left, ...right].map(documentId))];
  for (const id of ids) {
    const a = left.find((d) => documentId(d) === id);
    const b = right.find((d) => documentId(d) === id);
    const doc = (a ?? b) as YamlMap;
    const label = isV1Alpha1(doc) ? undefined : documentLabel(doc);
    const found: ConfigChange[] = [];
    if (!a) found.push({ path: documentLabel(doc), kind: "add", after: b });
    else if (!b) found.push({ path: documentLabel(doc), kind: "remove", before: a });
    else diffValue(a, b, "", label ? `${label}:` : "", found);
    changes.push(...found.map((c) => (label ? { ...c, document: label } : c)));
  }
  return changes;
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

function diffValue(a: unknown, b: unknown, path: string, prefix: string, out: ConfigChange[]): void {
  if (deepEqual(a, b)) return;
  if (isMap(a) && isMap(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      if (!(k in b)) out.push({ path: prefix + join(path, k), kind: "remove", before: a[k] });
      else if (!(k in a)) out.push({ path: prefix + join(path, k), kind: "add", after: b[k] });
      else diffValue(a[k], b[k], join(path, k), prefix, out);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const p = `${prefix}${path}[${i}]`;
      if (i >= b.length) out.push({ path: p, kind: "remove", before: a[i] });
      else if (i >= a.length) out.push({ path: p, kind: "add", after: b[i] });
      else diffValue(a[i], b[i], `${path}[${i}]`, prefix, out);
    }
    return;
  }
  out.push({ path: prefix + path, kind: "change", before: a, after: b });
}

/** Human-readable lines: `+ path: value`, `- path: value`, `~ path: old => new`; `No changes.` when empty. */
export function formatConfigDiff(changes: ConfigChange[]): string {
  if (changes.length === 0) return "No changes.";
  const show = (v: unknown) => JSON.stringify(v);
  return changes
    .map((c) => {
      if (c.kind === "add") return `+ ${c.path}: ${show(c.after)}`;
      if (c.kind === "remove") return `- ${c.path}: ${show(c.before)}`;
      return `~ ${c.path}: ${show(c.before)} => ${show(c.after)}`;
    })
    .join("\n");
}
