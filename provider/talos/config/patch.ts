/**
 * `applyConfigPatches`: Talos's patch engine in TypeScript (contract §5) — strategic merge with
 * `$patch: delete`, and RFC 6902 on any single document of a multi-document config.
 */
import { errorMessage } from "../../internal/errors";
import { ConfigPatchError } from "./errors";
import { documentId, encodeConfigDocuments, isV1Alpha1, parseConfigDocuments } from "./documents";
import { applyDeletes } from "./delete-apply";
import { extractDeletes, type DeleteSelector } from "./delete-extract";
import { applyJsonPatch } from "./json6902";
import { unknownKindProblem } from "./kinds";
import { mergeDocument, MergeError } from "./merge";
import { parseConfigPatch, type ConfigPatch, type ParsedPatch } from "./parse";
import { parseTalosVersion } from "../versions";
import { cloneYaml, type YamlMap } from "./yaml-io";

export { parseConfigPatch };
export type { ConfigPatch, JsonPatchOp, JsonPatchTarget, ParsedPatch } from "./parse";

/** Options of `applyConfigPatches`. */
export interface ApplyPatchesOptions {
  /** Target Talos version; patches for document kinds it does not know are rejected. */
  talosVersion?: string;
  /** How each patch is named in errors, by index. @default `patches[<i>]` */
  labels?: string[];
}

/** A patch loaded once (parsed, kinds checked) with the name errors use for it. */
export interface LoadedPatch {
  label: string;
  parsed: ParsedPatch;
}

/**
 * Applies patches in order to a (multi-document) machine config and returns it re-encoded:
 * 4-space indent, v1alpha1 first, other documents in order, `---` separators, comments dropped.
 */
export function applyConfigPatches(config: string, patches: ConfigPatch[], options: ApplyPatchesOptions = {}): string {
  return applyLoadedPatches(config, loadConfigPatches(patches, options));
}

/** Loads every patch without applying it (errors name the patch), so bad patches fail before anything is spawned. */
export function loadConfigPatches(patches: ConfigPatch[], options: ApplyPatchesOptions = {}): LoadedPatch[] {
  const { talosVersion } = options;
  if (talosVersion !== undefined) parseTalosVersion(talosVersion);
  return patches.map((patch, i) => {
    const label = options.labels?.[i] ?? `patches[${i}]`;
    try {
      const parsed = parseConfigPatch(patch);
      if (talosVersion) checkKinds(parsed, talosVersion);
      return { label, parsed };
    } catch (e) {
      throw new ConfigPatchError(label, errorMessage(e), { cause: e });
    }
  });
}

/** Applies already loaded patches in order (they stay reusable); see `applyConfigPatches`. */
export function applyLoadedPatches(config: string, patches: LoadedPatch[]): string {
  let docs = parseConfigDocuments(config);
  for (const { label, parsed } of patches) {
    try {
      docs =
        parsed.kind === "json6902"
          ? applyJsonPatch(docs, parsed.ops, parsed.target)
          : applyStrategic(docs, parsed.documents);
    } catch (e) {
      throw new ConfigPatchError(label, errorMessage(e), { cause: e });
    }
  }
  return encodeConfigDocuments(docs);
}

function checkKinds(parsed: ParsedPatch, talosVersion: string): void {
  const kinds =
    parsed.kind === "strategic"
      ? parsed.documents.filter((d) => !isV1Alpha1(d)).map((d) => String(d.kind))
      : parsed.target && parsed.target.kind !== "v1alpha1"
        ? [parsed.target.kind]
        : [];
  for (const kind of kinds) {
    const problem = unknownKindProblem(kind, talosVersion);
    if (problem) throw new Error(problem);
  }
}

/** Strategic merge of patch documents: all deletes of the patch first, then merges or appends by document id. */
function applyStrategic(docs: YamlMap[], patchDocs: YamlMap[]): YamlMap[] {
  const selectors: DeleteSelector[] = [];
  const merges: YamlMap[] = [];
  for (const doc of patchDocs) {
    // extractDeletes edits the document it is given; a loaded patch must stay reusable.
    const { selectors: s, rest } = extractDeletes(cloneYaml(doc));
    selectors.push(...s);
    if (rest) merges.push(rest);
  }
  let out = applyDeletes(docs, selectors);
  for (const right of merges) out = mergeInto(out, right);
  return out;
}

function mergeInto(docs: YamlMap[], right: YamlMap): YamlMap[] {
  const id = documentId(right);
  const idx = docs.findIndex((d) => documentId(d) === id);
  if (idx < 0) return [...docs, right];
  const scope = isV1Alpha1(right) ? "v1alpha1" : String(right.kind);
  try {
    const merged = mergeDocument(docs[idx], right, scope);
    return docs.map((d, i) => (i === idx ? merged : d));
  } catch (e) {
    if (e instanceof MergeError) throw new Error(`document ${scope}: ${e.message}`);
    throw e;
  }
}
