/**
 * Image Factory schematics and their ids (contracts/talosctl.md §20): the id is the sha256 of the
 * schematic marshalled by go-yaml (4-space indent, fields in Go struct order, omitempty), so it can
 * be computed locally, and the simulator's factory computes it the same way.
 */
import { createHash } from "crypto";
import { InputError } from "../internal/errors";

/** A schematic as the Image Factory accepts it (siderolabs/image-factory pkg/schematic). */
export interface Schematic {
  owner?: string;
  overlay?: { image?: string; name?: string; options?: Record<string, unknown> };
  customization?: {
    embeddedMachineConfiguration?: string;
    extraKernelArgs?: string[];
    /** Initial META values; key 0..255 (`0x0a` is the well-known network config key). */
    meta?: { key: number; value: string }[];
    systemExtensions?: { officialExtensions?: string[] };
    /** "sd-boot" | "grub" | "dual-boot" (case-insensitive); "none" or absent = the imager's choice. */
    bootloader?: string;
    secureboot?: { enrollKeys?: string; includeWellKnownCertificates?: boolean };
    diskImage?: { sectorSize?: number };
  };
}

/** Id of the empty ("vanilla") schematic: sha256 of `customization: {}\n`. */
export const VANILLA_SCHEMATIC_ID = "376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba";

/** A YAML scalar that was not a string, with its source text: go-yaml decodes any scalar into a string field as its text. */
export class YamlScalar {
  constructor(
    readonly value: unknown,
    readonly text: string,
  ) {}
}

type Kind = "string" | "strings" | "uint8" | "uint" | "bool" | "any" | "bootloader" | Shape | [Shape];
interface Shape {
  [field: string]: Kind;
}
const META: Shape = { key: "uint8", value: "string" };
const CUSTOMIZATION: Shape = {
  embeddedMachineConfiguration: "string",
  extraKernelArgs: "strings",
  meta: [META],
  systemExtensions: { officialExtensions: "strings" },
  bootloader: "bootloader",
  secureboot: { enrollKeys: "string", includeWellKnownCertificates: "bool" },
  diskImage: { sectorSize: "uint" },
};
const OVERLAY: Shape = { image: "string", name: "string", options: "any" };
const SCHEMATIC: Shape = { owner: "string", overlay: OVERLAY, customization: CUSTOMIZATION };
/** Fields that go-yaml emits even when empty (no omitempty tag). */
const ALWAYS = new Set(["customization", "overlay.image", "overlay.name", "meta.key", "meta.value"]);
const BOOTLOADERS = ["none", "sd-boot", "grub", "dual-boot"];

/** Checks a schematic (unknown fields, types) and returns it as an ordered go-yaml value tree. */
export function normalizeSchematic(input: unknown): Map<string, unknown> {
  return normalizeShape(input ?? {}, SCHEMATIC, "schematic", "");
}

/** The canonical YAML whose sha256 is the schematic id. */
export function canonicalSchematicYaml(schematic: Schematic | unknown): string {
  return emitMap(normalizeSchematic(schematic), 0).join("\n") + "\n";
}

/** The Image Factory id of a schematic, computed locally. */
export function schematicId(schematic: Schematic | unknown): string {
  return createHash("sha256").update(canonicalSchematicYaml(schematic)).digest("hex");
}

/** A Go struct: omitted under omitempty only when every field is zero (a map only when it has no keys). */
class Struct extends Map<string, unknown> {}

function normalizeShape(v: unknown, shape: Shape, path: string, rel: string): Struct {
  if (v instanceof YamlScalar && v.value === null) v = {};
  if (typeof v !== "object" || v === null || Array.isArray(v) || v instanceof YamlScalar)
    throw new InputError(path, "must be a mapping");
  for (const k of Object.keys(v))
    if (!(k in shape)) throw new InputError(`${path}.${k}`, `field ${k} not found in type ${path}`);
  const out = new Struct();
  for (const [k, kind] of Object.entries(shape)) {
    const raw = (v as Record<string, unknown>)[k];
    const key = rel ? `${rel}.${k}` : k;
    const value = raw === undefined ? zeroOf(kind) : normalizeKind(raw, kind, `${path}.${k}`, key);
    if (ALWAYS.has(key) || !isZero(value)) out.set(k, value);
  }
  return out;
}

function zeroOf(kind: Kind): unknown {
  if (Array.isArray(kind) || kind === "strings") return [];
  if (typeof kind === "object") return new Struct();
  return kind === "uint" || kind === "uint8" ? 0 : kind === "bool" ? false : kind === "any" ? null : "";
}

function normalizeKind(v: unknown, kind: Kind, path: string, rel: string): unknown {
  if (Array.isArray(kind))
    return asList(v, path).map((x, i) => normalizeShape(x, kind[0], `${path}[${i}]`, rel.split(".").pop()!));
  if (typeof kind === "object") return normalizeShape(v, kind, path, rel);
  if (kind === "strings") return asList(v, path).map((x, i) => asString(x, `${path}[${i}]`));
  if (kind === "string") return asString(v, path);
  if (kind === "bootloader") return asBootloader(asString(v, path), path);
  if (kind === "bool") return asBool(v, path);
  if (kind === "any") return plainAny(v);
  return asUint(v, path, kind === "uint8" ? 255 : Number.MAX_SAFE_INTEGER);
}

function asList(v: unknown, path: string): unknown[] {
  if (v instanceof YamlScalar && v.value === null) return [];
  if (!Array.isArray(v)) throw new InputError(path, "must be a list");
  return v;
}
function asString(v: unknown, path: string): string {
  if (typeof v === "string") return v;
  if (v instanceof YamlScalar) return v.value === null ? "" : v.text;
  throw new InputError(path, "must be a string");
}
function asBool(v: unknown, path: string): boolean {
  const b = v instanceof YamlScalar ? v.value : v;
  if (typeof b !== "boolean") throw new InputError(path, "must be true or false");
  return b;
}
function asUint(v: unknown, path: string, max: number): number {
  const n = v instanceof YamlScalar ? v.value : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > max)
    throw new InputError(path, `must be an integer from 0 to ${max}`);
  return n;
}
function asBootloader(s: string, path: string): string {
  const b = s.toLowerCase();
  if (!BOOTLOADERS.includes(b))
    throw new InputError(path, `unknown bootloader "${s}" (one of ${BOOTLOADERS.join(", ")})`);
  return b === "none" ? "" : b;
}
function plainAny(v: unknown): unknown {
  if (v instanceof YamlScalar) return v.value;
  if (Array.isArray(v)) return v.map(plainAny);
  if (typeof v === "object" && v !== null) {
    // go-yaml marshals map[string]any with sorted keys.
    return new Map(
      Object.keys(v)
        .sort()
        .map((k) => [k, plainAny((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}
function isZero(v: unknown): boolean {
  if (v instanceof Struct) return [...v.values()].every(isZero);
  if (v instanceof Map) return v.size === 0;
  if (Array.isArray(v)) return v.length === 0;
  return v === "" || v === 0 || v === false || v === null;
}

// ---- go-yaml emitter subset: block mappings/sequences, 4-space indent, go-yaml's scalar quoting ----

function emitMap(m: Map<string, unknown>, indent: number): string[] {
  return [...m].flatMap(([k, v]) => emitEntry(k, v, indent));
}
function emitEntry(key: string, v: unknown, indent: number): string[] {
  const pad = " ".repeat(indent);
  if (v instanceof Map) return v.size === 0 ? [`${pad}${key}: {}`] : [`${pad}${key}:`, ...emitMap(v, indent + 4)];
  if (Array.isArray(v)) return v.length === 0 ? [`${pad}${key}: []`] : [`${pad}${key}:`, ...emitSeq(v, indent + 4)];
  if (typeof v === "string" && v.includes("\n")) return literal(`${pad}${key}:`, v, indent + 4);
  return [`${pad}${key}: ${scalar(v)}`];
}
function emitSeq(items: unknown[], indent: number): string[] {
  const pad = " ".repeat(indent);
  return items.flatMap((item) => {
    if (!(item instanceof Map) || item.size === 0) return [`${pad}- ${item instanceof Map ? "{}" : scalar(item)}`];
    const lines = emitMap(item, indent + 2);
    return [`${pad}- ${lines[0].slice(indent + 2)}`, ...lines.slice(1)];
  });
}
function literal(head: string, s: string, indent: number): string[] {
  const chomp = s.endsWith("\n\n") ? "+" : s.endsWith("\n") ? "" : "-";
  const body = (chomp === "" ? s.slice(0, -1) : chomp === "+" ? s.slice(0, -1) : s).split("\n");
  return [`${head} |${chomp}`, ...body.map((l) => (l === "" ? "" : " ".repeat(indent) + l))];
}
function scalar(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "boolean" || typeof v === "number") return String(v);
  const s = String(v);
  if (s === "" || resolvesToNonString(s)) return doubleQuoted(s);
  if (/[^\x20-\x7e\u00a0-\ud7ff\ue000-\ufffd]/.test(s)) return doubleQuoted(s);
  // YAML 1.1 booleans and base-60 floats are strings to go-yaml but not plain-safe: the emitter falls
  // back to single quotes (pinned by the factory ids of ["on"] and {value: off}).
  return plainAllowed(s) && !isYaml11Special(s) ? s : `'${s.replace(/'/g, "''")}'`;
}
/** go-yaml double-quotes strings that would read back as null, bool, int, float or timestamp. */
function resolvesToNonString(s: string): boolean {
  return (
    /^(~|null|Null|NULL|true|True|TRUE|false|False|FALSE)$/.test(s) ||
    /^[-+]?(0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)$/.test(s) ||
    /^[-+]?(\.[0-9_]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$/.test(s) ||
    /^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$/.test(s) ||
    /^\d{4}-\d{1,2}-\d{1,2}([Tt ]\d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?(Z|[-+]\d{1,2}(:\d{2})?)?)?$/.test(s)
  );
}
function isYaml11Special(s: string): boolean {
  return (
    /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/.test(s) ||
    /^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$/.test(s)
  );
}
/** libyaml's analysis for plain scalars in block context. */
function plainAllowed(s: string): boolean {
  if (/^\s|\s$/.test(s) || /^(---|\.\.\.)/.test(s)) return false;
  if (/^[#,[\]{}&*!|>'"%@`]/.test(s) || /^[-?:](\s|$)/.test(s)) return false;
  return !/:(\s|$)|\s#/.test(s);
}
function doubleQuoted(s: string): string {
  const esc = s
    .replace(/[\\"]/g, (c) => `\\${c}`)
    .replace(/[\x00-\x1f\x7f]/g, (c) => {
      const named: Record<string, string> = { "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0" };
      return named[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
    });
  return `"${esc}"`;
}
