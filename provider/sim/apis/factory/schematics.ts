/** The factory's schematic store: strict parsing of POSTed YAML/JSON and id → canonical YAML. */
import { Document, isMap, isScalar, isSeq, parseAllDocuments } from "yaml";
import { errorMessage } from "../../../internal/errors";
import { VANILLA_SCHEMATIC_ID, YamlScalar, canonicalSchematicYaml, schematicId } from "../../../talos/schematic";

/** Schematics the factory knows, by id (the vanilla one is always known). */
export class SchematicStore {
  private readonly byId = new Map<string, string>([[VANILLA_SCHEMATIC_ID, canonicalSchematicYaml({})]]);

  /** Parses and stores a schematic; returns its id, or throws with the reason the factory answers 400 with. */
  add(body: string): string {
    const plain = parseSchematicBody(body);
    const id = schematicId(plain);
    this.byId.set(id, canonicalSchematicYaml(plain));
    return id;
  }

  /** Canonical YAML of a known schematic. */
  get(id: string): string | undefined {
    return this.byId.get(id);
  }
}

/** YAML (or JSON, which is YAML) → plain value; non-string scalars keep their source text like go-yaml's decoder does. */
export function parseSchematicBody(body: string): unknown {
  const docs = parseAllDocuments(body);
  if (!Array.isArray(docs) || docs.length === 0) throw new Error("EOF");
  const doc = docs[0] as Document;
  if (doc.errors.length > 0) throw new Error(`yaml: ${doc.errors[0].message}`);
  try {
    return toPlain(doc.contents);
  } catch (e) {
    throw new Error(`yaml: ${errorMessage(e)}`);
  }
}

function toPlain(node: unknown): unknown {
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (key in out) throw new Error(`mapping key "${key}" already defined`);
      out[key] = toPlain(pair.value);
    }
    return out;
  }
  if (isSeq(node)) return node.items.map(toPlain);
  if (isScalar(node)) {
    if (typeof node.value === "string") return node.value;
    return new YamlScalar(node.value, node.source ?? String(node.value));
  }
  if (node === null || node === undefined) return new YamlScalar(null, "");
  throw new Error("unsupported YAML node (aliases and tags are not accepted)");
}
