/**
 * A YAML emitter that writes like go-yaml v3 with 4-space indentation (what Talos and talosctl
 * print): block style, sequences indented under their key, a mapping inside a sequence item keeps
 * its first key on the dash line and nests its children at dash + 4. Parsing uses the `yaml` package.
 */
import * as YAML from "yaml";

/** A plain data value (what parsed YAML/JSON holds). */
export type Data = null | boolean | number | string | Data[] | { [key: string]: Data };

/** An object with string keys. */
export type DataMap = { [key: string]: Data };

const PLAIN_UNSAFE =
  /^[-?:,[\]{}#&*!|>'"%@`\s]|[\s]$|: |\s#|^(true|false|yes|no|on|off|y|n|null|~|[-+]?\.?[0-9][0-9_.eE+\-xXoObB:]*|[-+]?0x[0-9a-f_]+|\.inf|\.nan|-\.inf|<<)$/i;

/** Renders a scalar like go-yaml (double quotes only when a plain scalar would change meaning). */
function scalar(v: null | boolean | number | string): string {
  if (v === null) return "null";
  if (typeof v !== "string") return String(v);
  if (v === "" || PLAIN_UNSAFE.test(v) || /[\x00-\x1f"\\]/.test(v.replace(/\n/g, ""))) return JSON.stringify(v);
  return v;
}

function isMap(v: Data): v is DataMap {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function blockString(v: string, indent: number): string {
  const chomp = v.endsWith("\n") ? (v.endsWith("\n\n") ? "+" : "") : "-";
  const body = (chomp === "-" ? v : v.replace(/\n+$/, "")).split("\n");
  const pad = " ".repeat(indent);
  return (
    `|${chomp}\n` +
    body.map((l) => (l === "" ? "" : pad + l)).join("\n") +
    (chomp === "+" ? "\n".repeat(v.length - v.replace(/\n+$/, "").length - 1) : "")
  );
}

function valueAfterKey(v: Data, childIndent: number): string {
  if (Array.isArray(v)) return v.length ? "\n" + emitSeq(v, childIndent) : " []\n";
  if (isMap(v)) return Object.keys(v).length ? "\n" + emitMap(v, childIndent, childIndent) : " {}\n";
  if (typeof v === "string" && v.includes("\n")) return " " + blockString(v, childIndent) + "\n";
  return " " + scalar(v) + "\n";
}

/** Emits a mapping: keys at `keyIndent` (first key unpadded when it follows a dash), children at `childIndent`. */
function emitMap(m: DataMap, keyIndent: number, childIndent: number, afterDash = false): string {
  let out = "";
  Object.keys(m).forEach((k, i) => {
    const pad = afterDash && i === 0 ? "" : " ".repeat(keyIndent);
    out += pad + scalar(k) + ":" + valueAfterKey(m[k], childIndent + (childIndent === keyIndent ? 4 : 0));
  });
  return out;
}

function emitSeq(s: Data[], indent: number): string {
  let out = "";
  for (const item of s) {
    const pad = " ".repeat(indent) + "- ";
    if (isMap(item) && Object.keys(item).length) out += pad + emitMap(item, indent + 2, indent + 4, true);
    else if (Array.isArray(item) && item.length) out += pad.trimEnd() + "\n" + emitSeq(item, indent + 4);
    else out += pad + valueAfterKey(item, indent + 4).slice(1);
  }
  return out;
}

/** Encodes one document (a mapping) like go-yaml v3 with indent 4. */
export function encodeYaml(doc: Data): string {
  if (isMap(doc)) return Object.keys(doc).length ? emitMap(doc, 0, 0) : "{}\n";
  if (Array.isArray(doc)) return doc.length ? emitSeq(doc, 0) : "[]\n";
  return scalar(doc) + "\n";
}

/** Encodes several documents separated by `---`. */
export function encodeDocs(docs: Data[]): string {
  return docs.map(encodeYaml).join("---\n");
}

/** Parses a (multi-document) YAML stream into plain data; empty documents are skipped. */
export function parseDocs(text: string): Data[] {
  const docs = YAML.parseAllDocuments(text, { version: "1.2" });
  const out: Data[] = [];
  for (const d of docs as YAML.Document[]) {
    if (d.errors.length) throw new Error(d.errors[0].message.split("\n")[0]);
    const v = d.toJS({ maxAliasCount: 100 }) as Data | undefined;
    if (v !== null && v !== undefined) out.push(v);
  }
  return out;
}

/** Parses a single-document YAML text into a mapping (throws on anything else). */
export function parseMap(text: string): DataMap {
  const docs = parseDocs(text);
  if (docs.length !== 1 || !isMap(docs[0])) throw new Error("expected a single YAML mapping");
  return docs[0];
}

/** True for a mapping value. */
export function isDataMap(v: unknown): v is DataMap {
  return isMap(v as Data);
}
