/**
 * RFC 6902 patches on ONE document of a (possibly multi-document) config. Talos refuses JSON patches
 * on multi-document configs (contract §5.4); this engine applies them to the v1alpha1 document, or
 * to the document named by the target, so they keep working on v1.12+ `gen config` output.
 */
import { applyPatch } from "fast-json-patch";
import { documentLabel, isV1Alpha1 } from "./documents";
import type { JsonPatchOp, JsonPatchTarget } from "./parse";
import { cloneYaml, isMap, type YamlMap } from "./yaml-io";

/** Applies `ops` to the targeted document; returns new documents or throws an Error naming the op and path. */
export function applyJsonPatch(docs: YamlMap[], ops: JsonPatchOp[], target?: JsonPatchTarget): YamlMap[] {
  const idx = docs.findIndex((d) => targets(d, target));
  if (idx < 0) throw new Error(`JSON 6902 target document ${targetLabel(target)} not found in the config`);
  const label = documentLabel(docs[idx]);
  let result: unknown = docs[idx];
  ops.forEach((op, i) => {
    try {
      result = applyPatch(result, [cloneYaml(op) as never], true, false).newDocument;
    } catch (e) {
      throw new Error(`JSON 6902 operation #${i} (${op.op} ${op.path}) on document ${label} failed: ${reason(e)}`);
    }
  });
  if (!isMap(result)) throw new Error(`JSON 6902 patch turned document ${label} into a non-mapping`);
  return docs.map((d, i) => (i === idx ? (result as YamlMap) : d));
}

function targets(doc: YamlMap, target?: JsonPatchTarget): boolean {
  if (!target || target.kind === "v1alpha1") return isV1Alpha1(doc);
  if (isV1Alpha1(doc) || doc.kind !== target.kind) return false;
  return target.name === undefined || doc.name === target.name;
}

function targetLabel(target?: JsonPatchTarget): string {
  if (!target || target.kind === "v1alpha1") return "v1alpha1";
  return target.name === undefined ? target.kind : `${target.kind}/${target.name}`;
}

// fast-json-patch error names → short reasons (its messages embed the whole document: never show them).
const REASONS: Record<string, string> = {
  OPERATION_PATH_UNRESOLVABLE: "path not found",
  OPERATION_PATH_CANNOT_ADD: "parent path not found",
  OPERATION_FROM_UNRESOLVABLE: "from path not found",
  TEST_OPERATION_FAILED: "test failed: value differs",
  OPERATION_PATH_ILLEGAL_ARRAY_INDEX: "illegal array index",
  OPERATION_VALUE_OUT_OF_BOUNDS: "array index out of bounds",
  OPERATION_PATH_INVALID: "invalid path",
};

function reason(e: unknown): string {
  const name = (e as { name?: string })?.name ?? "";
  return REASONS[name] ?? name ?? "failed";
}
