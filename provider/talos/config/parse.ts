/** Decides what kind of patch a `ConfigPatch` is, like Talos's `configpatcher.LoadPatch` (contract §5.2). */
import { documentProblem, isV1Alpha1 } from "./documents";
import { cloneYaml, isMap, readYamlDocuments, YamlSyntaxError, type YamlMap } from "./yaml-io";

/** One RFC 6902 operation. */
export interface JsonPatchOp {
  op: "add" | "remove" | "replace" | "move" | "copy" | "test";
  path: string;
  value?: unknown;
  from?: string;
}

/** Which document a JSON 6902 patch edits: the v1alpha1 one unless a kind (and name) is given. */
export interface JsonPatchTarget {
  kind: string;
  name?: string;
}

/**
 * A config patch: YAML/JSON text (strategic, possibly multi-document, or a list of RFC 6902 ops),
 * one decoded strategic document, a list of ops, or ops aimed at one document of a multi-document config.
 */
export type ConfigPatch =
  string | Record<string, unknown> | JsonPatchOp[] | { target?: JsonPatchTarget; ops: JsonPatchOp[] };

/** A patch after loading: strategic documents, or RFC 6902 ops with their target document. */
export type ParsedPatch =
  { kind: "strategic"; documents: YamlMap[] } | { kind: "json6902"; ops: JsonPatchOp[]; target?: JsonPatchTarget };

const OPS = new Set(["add", "remove", "replace", "move", "copy", "test"]);
const V1ALPHA1_TOP = new Set(["version", "debug", "persist", "machine", "cluster", "$patch"]);

/** Loads one patch; throws a plain Error with the problem (callers add which patch it was). */
export function parseConfigPatch(patch: ConfigPatch): ParsedPatch {
  if (typeof patch === "string") return parseText(patch);
  if (Array.isArray(patch)) return { kind: "json6902", ops: checkOps(patch) };
  if (isTargetedOps(patch)) return { kind: "json6902", ops: checkOps(patch.ops), target: checkTarget(patch.target) };
  return { kind: "strategic", documents: checkDocuments([cloneYaml(patch)]) };
}

function parseText(text: string): ParsedPatch {
  let docs: unknown[];
  try {
    docs = readYamlDocuments(text);
  } catch (e) {
    if (e instanceof YamlSyntaxError) throw new Error(e.message);
    throw e;
  }
  if (docs.length === 1 && Array.isArray(docs[0])) return { kind: "json6902", ops: checkOps(docs[0]) };
  if (docs.some(Array.isArray))
    throw new Error("a list of JSON 6902 operations must be the only document of the patch");
  return { kind: "strategic", documents: checkDocuments(docs) };
}

function isTargetedOps(p: object): p is { target?: JsonPatchTarget; ops: JsonPatchOp[] } {
  const keys = Object.keys(p);
  return Array.isArray((p as { ops?: unknown }).ops) && keys.every((k) => k === "ops" || k === "target");
}

function checkTarget(t: unknown): JsonPatchTarget | undefined {
  if (t === undefined || t === null) return undefined;
  if (!isMap(t) || typeof t.kind !== "string" || t.kind === "")
    throw new Error("JSON 6902 target must have a non-empty kind");
  if (t.name !== undefined && typeof t.name !== "string") throw new Error("JSON 6902 target name must be a string");
  return { kind: t.kind, name: t.name as string | undefined };
}

function checkOps(ops: unknown[]): JsonPatchOp[] {
  ops.forEach((op, i) => {
    if (!isMap(op) || typeof op.op !== "string" || typeof op.path !== "string") {
      throw new Error(`JSON 6902 operation #${i} must be a mapping with string "op" and "path"`);
    }
    if (!OPS.has(op.op)) throw new Error(`JSON 6902 operation #${i} has unknown op "${op.op}"`);
    if ((op.op === "move" || op.op === "copy") && typeof op.from !== "string") {
      throw new Error(`JSON 6902 operation #${i} (${op.op}) needs a string "from"`);
    }
    if (["add", "replace", "test"].includes(op.op) && !("value" in op)) {
      throw new Error(`JSON 6902 operation #${i} (${op.op} ${op.path}) needs a "value"`);
    }
  });
  return cloneYaml(ops) as JsonPatchOp[];
}

function checkDocuments(docs: unknown[]): YamlMap[] {
  docs.forEach((d, i) => {
    const problem = documentProblem(d);
    if (problem) throw new Error(`document ${i + 1}: ${problem}`);
    const doc = d as YamlMap;
    if (!isV1Alpha1(doc)) return;
    const unknown = Object.keys(doc).filter((k) => !V1ALPHA1_TOP.has(k));
    if (unknown.length > 0)
      throw new Error(`document ${i + 1}: unknown keys in v1alpha1 config: ${unknown.join(", ")}`);
    trimInlineManifests(doc);
  });
  return docs as YamlMap[];
}

// Talos trims leading blank lines of inline manifest contents; a leading empty line would otherwise
// be re-encoded as `|4` YAML (siderolabs/talos PR #8024, fixture apply/strategic4.yaml).
function trimInlineManifests(doc: YamlMap): void {
  const manifests = isMap(doc.cluster) ? doc.cluster.inlineManifests : undefined;
  if (!Array.isArray(manifests)) return;
  for (const m of manifests) {
    if (isMap(m) && typeof m.contents === "string") m.contents = m.contents.replace(/^(?:[ \t]*\n)+/, "");
  }
}
