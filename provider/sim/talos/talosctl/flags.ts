/**
 * pflag-compatible flag definitions and parsing: `--name value`, `--name=value`, `-n value`,
 * `-nvalue`, combined bool shorthands, `--` terminator, interspersed positionals, and pflag's
 * exact error texts.
 */
import { formatDuration, parseDuration } from "./duration";

/** Flag value kinds (pflag type names as shown in usage). */
export type FlagType = "string" | "bool" | "strings" | "stringArray" | "duration" | "choice";

/** One flag definition. */
export interface FlagDef {
  name: string;
  short?: string;
  type: FlagType;
  usage: string;
  /** Default value (ms for durations). */
  def?: string | boolean | string[] | number;
  /** For `choice`: allowed values and the pflag type name shown in usage. */
  choices?: string[];
  typeName?: string;
  hidden?: boolean;
  /** Deprecation message (pflag prints `Flag --x has been deprecated, <msg>`). */
  deprecated?: string;
}

/** Parsed flag values by long name, plus which flags were set explicitly. */
export interface FlagValues {
  values: Record<string, string | boolean | string[] | number>;
  changed: Set<string>;
}

/** Flags as `--name` for errors, with shorthand when present: `-m, --mode`. */
export function flagLabel(f: FlagDef): string {
  return f.short ? `-${f.short}, --${f.name}` : `--${f.name}`;
}

function defaultOf(f: FlagDef): string | boolean | string[] | number {
  if (f.def !== undefined) return Array.isArray(f.def) ? [...f.def] : f.def;
  if (f.type === "bool") return false;
  if (f.type === "strings" || f.type === "stringArray") return [];
  if (f.type === "duration") return 0;
  return "";
}

function setValue(f: FlagDef, raw: string, out: FlagValues): void {
  const bad = (msg: string) =>
    new Error(`invalid argument ${JSON.stringify(raw)} for ${JSON.stringify(flagLabel(f))} flag: ${msg}`);
  const first = !out.changed.has(f.name);
  out.changed.add(f.name);
  switch (f.type) {
    case "bool":
      if (!/^(1|t|T|TRUE|true|True|0|f|F|FALSE|false|False)$/.test(raw))
        throw bad(`strconv.ParseBool: parsing ${JSON.stringify(raw)}: invalid syntax`);
      out.values[f.name] = /^(1|t|T|TRUE|true|True)$/.test(raw);
      return;
    case "duration":
      try {
        out.values[f.name] = parseDuration(raw);
      } catch (e) {
        throw bad((e as Error).message);
      }
      return;
    case "strings": {
      const items = raw === "" ? [] : raw.split(",");
      out.values[f.name] = first ? items : [...(out.values[f.name] as string[]), ...items];
      return;
    }
    case "stringArray":
      out.values[f.name] = first ? [raw] : [...(out.values[f.name] as string[]), raw];
      return;
    case "choice":
      if (!f.choices?.includes(raw)) throw bad(`possible options are: ${f.choices?.join(", ")}`);
      out.values[f.name] = raw;
      return;
    default:
      out.values[f.name] = raw;
  }
}

/** Parses `args` against `defs`; returns positionals and values; throws pflag's error texts. */
export function parseFlags(
  args: string[],
  defs: FlagDef[],
  warn: (line: string) => void,
): { positionals: string[]; flags: FlagValues } {
  const out: FlagValues = { values: {}, changed: new Set() };
  for (const f of defs) out.values[f.name] = defaultOf(f);
  const positionals: string[] = [];
  const byName = new Map(defs.map((f) => [f.name, f]));
  const byShort = new Map(defs.filter((f) => f.short).map((f) => [f.short as string, f]));
  const use = (f: FlagDef, raw: string) => {
    if (f.deprecated) warn(`Flag --${f.name} has been deprecated, ${f.deprecated}`);
    setValue(f, raw, out);
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const [name, ...rest] = a.slice(2).split("=");
      const f = byName.get(name);
      if (!f) throw new Error(`unknown flag: --${name}`);
      if (rest.length) use(f, rest.join("="));
      else if (f.type === "bool") use(f, "true");
      else if (i + 1 < args.length) use(f, args[++i]);
      else throw new Error(`flag needs an argument: --${name}`);
    } else if (a.startsWith("-") && a.length > 1) {
      i = parseShorts(a, args, i, byShort, use);
    } else positionals.push(a);
  }
  return { positionals, flags: out };
}

function parseShorts(
  a: string,
  args: string[],
  i: number,
  byShort: Map<string, FlagDef>,
  use: (f: FlagDef, raw: string) => void,
): number {
  for (let k = 1; k < a.length; k++) {
    const c = a[k];
    const f = byShort.get(c);
    if (!f) throw new Error(`unknown shorthand flag: '${c}' in ${a}`);
    const rest = a.slice(k + 1);
    if (f.type === "bool") {
      if (rest.startsWith("=")) return (use(f, rest.slice(1)), i);
      use(f, "true");
      continue;
    }
    if (rest.length) return (use(f, rest.startsWith("=") ? rest.slice(1) : rest), i);
    if (i + 1 >= args.length) throw new Error(`flag needs an argument: '${c}' in -${c}`);
    use(f, args[i + 1]);
    return i + 1;
  }
  return i;
}

function typeName(f: FlagDef): string {
  if (f.type === "bool") return "";
  if (f.type === "choice") return f.typeName ?? "string";
  return f.type;
}

function defaultText(f: FlagDef): string {
  const d = f.def;
  if (
    d === undefined ||
    d === false ||
    d === "" ||
    (Array.isArray(d) && !d.length) ||
    (f.type === "duration" && d === 0)
  )
    return "";
  if (f.type === "duration") return ` (default ${formatDuration(d as number)})`;
  if (Array.isArray(d)) return ` (default [${d.join(",")}])`;
  if (f.type === "string") return ` (default ${JSON.stringify(d)})`;
  return ` (default ${d})`;
}

/** pflag `FlagUsages`: sorted by name, aligned columns. */
export function flagUsages(defs: FlagDef[]): string {
  const rows = defs
    .filter((f) => !f.hidden && !f.deprecated)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((f) => {
      const left =
        (f.short ? `  -${f.short}, --${f.name}` : `      --${f.name}`) + (typeName(f) ? ` ${typeName(f)}` : "");
      return { left, right: f.usage + defaultText(f) };
    });
  const width = Math.max(0, ...rows.map((r) => r.left.length));
  return rows.map((r) => `${r.left.padEnd(width)}   ${r.right}\n`).join("");
}
