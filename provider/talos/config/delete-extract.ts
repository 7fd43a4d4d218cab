/**
 * Finds `$patch: delete` directives in a strategic patch document and removes them from it, the way
 * Talos's decoder does (`configloader/internal/decoder/delete.go`): a container emptied by a removal
 * is removed too, and a document left with only version/kind/name is dropped.
 */
import { PatchDeleteError } from "./errors";
import { isV1Alpha1 } from "./documents";
import { isMap, type YamlMap } from "./yaml-io";

/** One delete: a whole document (empty path), a field/map key, or a list element chosen by `key: value`. */
export interface DeleteSelector {
  /** Path segments from the document root; list elements appear as `[i]`. */
  path: string[];
  /** `""` for the v1alpha1 document (Talos shows it as `/v1alpha1`). */
  apiVersion: string;
  /** The document kind, `v1alpha1` for the legacy document. */
  kind: string;
  /** The document name for named documents. */
  name?: string;
  /** For list elements: the first key of the element other than `$patch`, and its value. */
  key?: string;
  value?: unknown;
}

interface Found {
  path: string[];
  node: YamlMap;
  inList: boolean;
}

/** Splits a patch document into its delete selectors and what remains to merge (undefined when nothing). */
export function extractDeletes(doc: YamlMap): { selectors: DeleteSelector[]; rest: YamlMap | undefined } {
  const found: Found[] = [];
  const wholeDoc = walk(doc, false, [], found);
  const selectors = found.map((f) => toSelector(f, doc));
  const rest = wholeDoc || isEmptyDocument(doc) ? undefined : doc;
  return { selectors, rest };
}

function walk(node: unknown, inList: boolean, path: string[], found: Found[]): boolean {
  if (isMap(node)) {
    if ("$patch" in node) return markDelete(node, inList, path, found);
    for (const key of Object.keys(node)) {
      if (walk(node[key], false, [...path, key], found)) {
        delete node[key];
        if (Object.keys(node).length === 0) return true;
      }
    }
  } else if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      if (walk(node[i], true, [...path, `[${i}]`], found)) {
        node.splice(i--, 1);
        if (node.length === 0) return true;
      }
    }
  }
  return false;
}

function markDelete(node: YamlMap, inList: boolean, path: string[], found: Found[]): boolean {
  if (node.$patch !== "delete") {
    throw new PatchDeleteError(`unsupported $patch value '${String(node.$patch)}' in '${path.join(".")}'`);
  }
  if (!inList && path.some((p) => p.startsWith("["))) {
    throw new PatchDeleteError(`cannot delete an inner key in '${path.join(".")}'`);
  }
  found.push({ path, node, inList });
  return true;
}

function toSelector(f: Found, root: YamlMap): DeleteSelector {
  const sel = { path: f.path, ...documentOf(root, f.path) };
  if (!f.inList) return sel;
  const entry = Object.entries(f.node).find(([k]) => k !== "$patch");
  if (!entry) throw new PatchDeleteError(`no key:val found in sequence node for path ${f.path.join(".")}`);
  return { ...sel, key: entry[0], value: entry[1] };
}

function documentOf(root: YamlMap, path: string[]): Pick<DeleteSelector, "apiVersion" | "kind" | "name"> {
  const apiVersion = scalar(root.apiVersion);
  const kind = scalar(root.kind);
  const name = scalar(root.name) || undefined;
  if (apiVersion === "" && kind === "") {
    if (path.length === 0 && !isV1Alpha1(root)) {
      throw new PatchDeleteError("missing apiVersion in document for which $patch: delete is used");
    }
    return { apiVersion: "", kind: "v1alpha1", name };
  }
  if (apiVersion === "" || kind === "") {
    throw new PatchDeleteError(`kind and apiVersion must be both set for path ${path.join(".")}`);
  }
  return { apiVersion, kind, name };
}

function scalar(v: unknown): string {
  return v === undefined || v === null || typeof v === "object" ? "" : String(v);
}

// isEmptyDoc: only scalar version/kind/name keys remain (apiVersion is not in Talos's list).
function isEmptyDocument(doc: YamlMap): boolean {
  return Object.entries(doc).every(
    ([k, v]) => ["version", "kind", "name"].includes(k) && !isMap(v) && !Array.isArray(v),
  );
}
