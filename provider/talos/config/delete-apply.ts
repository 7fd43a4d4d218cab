/**
 * Applies `$patch: delete` selectors to config documents with Talos's exact error texts
 * (`configloader/internal/decoder/selector.go`). Unlike Talos's typed lookup, a path whose last key is
 * absent always fails with `lookup failed`, and list elements match on the selector value's text
 * (so `vlanId: 100` works, which Talos's string-only comparison does not).
 */
import { PatchDeleteError } from "./errors";
import { isV1Alpha1 } from "./documents";
import type { DeleteSelector } from "./delete-extract";
import { deepEqual } from "../../internal/deep-equal";
import { isMap, type YamlMap } from "./yaml-io";

/** Applies the selectors in order; returns the documents left (the input documents are mutated). */
export function applyDeletes(docs: YamlMap[], selectors: DeleteSelector[]): YamlMap[] {
  let out = docs;
  for (const sel of selectors) {
    const idx = out.findIndex((d) => selects(sel, d));
    if (sel.path.length === 0) out = deleteDocument(out, idx, sel);
    else deleteInside(idx < 0 ? undefined : out[idx], sel);
  }
  return out;
}

function selects(sel: DeleteSelector, doc: YamlMap): boolean {
  if (sel.kind === "v1alpha1" && sel.apiVersion === "") return isV1Alpha1(doc);
  if (isV1Alpha1(doc) || doc.kind !== sel.kind || doc.apiVersion !== sel.apiVersion) return false;
  return (sel.name ?? "") === (typeof doc.name === "string" ? doc.name : "");
}

function selectorId(sel: DeleteSelector): string {
  return sel.kind === "v1alpha1" && sel.apiVersion === ""
    ? "/v1alpha1"
    : `${sel.apiVersion}/${sel.kind}${sel.name ? `/${sel.name}` : ""}`;
}

function deleteDocument(docs: YamlMap[], idx: number, sel: DeleteSelector): YamlMap[] {
  if (sel.kind === "v1alpha1" && sel.apiVersion === "") {
    throw new PatchDeleteError(
      "patch delete: path '' in document '/v1alpha1': can't delete the root of the legacy document",
    );
  }
  // Talos v1.13.9 would append a stray selector document here (contract §5.6); refuse instead.
  if (idx < 0) throw new PatchDeleteError(`patch delete: document '${selectorId(sel)}' not found in the config`);
  return docs.filter((_, i) => i !== idx);
}

function deleteInside(doc: YamlMap | undefined, sel: DeleteSelector): void {
  const path = sel.path.join(".");
  const prefix = sel.name
    ? `named patch delete: document ${sel.apiVersion}/${sel.kind}`
    : `patch delete: path '${path}' in document '${sel.apiVersion}/${sel.kind}'`;
  if (!doc) throw new PatchDeleteError(`${prefix}: document '${selectorId(sel)}' not found in the config`);
  const problem = deleteAt(doc, sel.path, sel);
  if (problem) throw new PatchDeleteError(`${prefix}: failed to delete path '${path}': ${problem}`);
}

function deleteAt(node: unknown, path: string[], sel: DeleteSelector): string | undefined {
  const [head, ...rest] = path;
  if (Array.isArray(node)) return deleteFromList(node, head, rest, sel);
  if (!isMap(node) || !Object.prototype.hasOwnProperty.call(node, head)) return "lookup failed";
  if (rest.length === 0) {
    delete node[head];
    return undefined;
  }
  return deleteAt(node[head], rest, sel);
}

function deleteFromList(list: unknown[], head: string, rest: string[], sel: DeleteSelector): string | undefined {
  if (rest.length !== 0) return "searching for complex paths in slices is not supported";
  if (head === "") return "searching for '' in a slice is not supported";
  if (!head.startsWith("[")) return "searching for non-integer keys in slices is not supported";
  const key = sel.key ?? "";
  const idx = list.findIndex((e) => isMap(e) && key in e && sameSelectorValue(e[key], sel.value));
  if (idx < 0) return "lookup failed";
  list.splice(idx, 1);
  return undefined;
}

function sameSelectorValue(actual: unknown, wanted: unknown): boolean {
  if (typeof wanted === "object" && wanted !== null) return deepEqual(actual, wanted);
  return actual !== null && typeof actual !== "object" && String(actual) === String(wanted);
}
