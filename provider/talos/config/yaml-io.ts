/** YAML reading and writing shared by the config engine (eemeli/yaml v2). */
import { parseAllDocuments, stringify, type ScalarTag } from "yaml";

/** A decoded YAML mapping. */
export type YamlMap = Record<string, unknown>;

/** Where a YAML text failed to parse: 1-based line and the parser's message. */
export interface YamlProblem {
  line: number;
  message: string;
}

// go-yaml (Talos) reads `0644` as octal; YAML 1.2 core would read decimal 644 and silently change
// file permissions, so the YAML 1.1 octal form is resolved as octal too (written back as decimal).
const legacyOctal: ScalarTag = {
  identify: (v) => typeof v === "number",
  default: true,
  tag: "tag:yaml.org,2002:int",
  format: "OCT",
  test: /^0[0-7]+$/,
  resolve: (s: string) => parseInt(s, 8),
};

/** Thrown by `readYamlDocuments` with the first parser problem. */
export class YamlSyntaxError extends Error {
  constructor(readonly problem: YamlProblem) {
    super(`invalid YAML at line ${problem.line}: ${problem.message}`);
    this.name = "YamlSyntaxError";
  }
}

/** Decodes every non-empty document of a YAML stream (comments dropped); throws YamlSyntaxError. */
export function readYamlDocuments(text: string): unknown[] {
  const docs = parseAllDocuments(text, {
    customTags: (tags) => [legacyOctal, ...tags],
    uniqueKeys: true,
    prettyErrors: false,
  });
  const out: unknown[] = [];
  for (const doc of docs) {
    const problem = doc.errors[0];
    if (problem) {
      const line = problem.linePos?.[0]?.line ?? lineOf(text, problem.pos[0]);
      throw new YamlSyntaxError({ line, message: firstLine(problem.message) });
    }
    if (doc.contents === null) continue;
    out.push(doc.toJS({ maxAliasCount: 100 }));
  }
  return out;
}

/**
 * Encodes one value the way Talos writes configs: 4-space indent, no folding, comments dropped.
 * YAML 1.1 quoting (`"off"`, `"yes"`) like go-yaml's encoder, so no YAML 1.1 reader turns them into booleans.
 */
export function writeYaml(value: unknown, indent = 4): string {
  return stringify(value, { version: "1.1", indent, lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false });
}

/** Joins encoded documents with `---` separators. */
export function writeYamlDocuments(values: unknown[], indent = 4): string {
  return values.map((v) => writeYaml(v, indent)).join("---\n");
}

/** True for a plain mapping (not a list, not null). */
export function isMap(v: unknown): v is YamlMap {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Deep copy of decoded YAML data. */
export function cloneYaml<T>(v: T): T {
  return structuredClone(v);
}

function lineOf(text: string, pos: number): number {
  return text.slice(0, Math.max(0, pos)).split("\n").length;
}

function firstLine(s: string): string {
  return s.split("\n")[0].trim();
}
