/**
 * lsblk's output modes as libsmartcols 2.38 prints them: JSON (3-space indent, `},{` between
 * siblings, booleans and numbers typed), key="value" pairs, raw, list and tree tables.
 */
import { Column, ValueOptions } from "./lsblk-columns";
import { BlockDev } from "./lsblk-devices";

/** Output mode and options. */
export interface OutputOptions extends ValueOptions {
  mode: "json" | "pairs" | "raw" | "list" | "tree";
  headings: boolean;
  ascii: boolean;
  /** Terminal width used to drop width hints that do not fit. @default 80 */
  termWidth: number;
}

/** Renders the devices (top level, children nested) in the chosen mode. */
export function render(devs: BlockDev[], cols: Column[], o: OutputOptions): string {
  if (o.mode === "json") return json(devs, cols, o);
  const rows = flatten(devs, o.mode === "tree" ? (o.ascii ? TREE_ASCII : TREE_UTF8) : null);
  const cells = rows.map(({ dev, prefix }) => cols.map((c, i) => (i === 0 ? prefix : "") + text(c.value(dev, o))));
  if (o.mode === "pairs")
    return cells.map((r) => r.map((v, i) => `${cols[i].name}="${escape(v, /["\\`$]/)}"`).join(" ") + "\n").join("");
  const header = o.headings ? [cols.map((c) => c.name)] : [];
  if (o.mode === "raw") return [...header, ...cells].map((r) => r.map((v) => escape(v, / /)).join(" ") + "\n").join("");
  return table([...header, ...cells], cols, o);
}

const TREE_UTF8 = { branch: "├─", last: "└─", pipe: "│ ", blank: "  " };
const TREE_ASCII = { branch: "|-", last: "`-", pipe: "| ", blank: "  " };
type TreeChars = typeof TREE_UTF8;

function flatten(devs: BlockDev[], chars: TreeChars | null): { dev: BlockDev; prefix: string }[] {
  const out: { dev: BlockDev; prefix: string }[] = [];
  const walk = (list: BlockDev[], indent: string, depth: number) =>
    list.forEach((dev, i) => {
      const last = i === list.length - 1;
      out.push({ dev, prefix: chars && depth > 0 ? indent + (last ? chars.last : chars.branch) : "" });
      walk(dev.children, chars && depth > 0 ? indent + (last ? chars.blank : chars.pipe) : "", depth + 1);
    });
  walk(devs, "", 0);
  return out;
}

function text(v: string | null | string[]): string {
  return Array.isArray(v) ? v.join("\n") : (v ?? "");
}

// libsmartcols hex-escapes characters that would break the format (and anything unprintable).
function escape(v: string, special: RegExp): string {
  return [...v]
    .map((ch) => (special.test(ch) || ch < " " ? `\\x${ch.charCodeAt(0).toString(16).padStart(2, "0")}` : ch))
    .join("");
}

function table(rows: string[][], cols: Column[], o: OutputOptions): string {
  const natural = cols.map((c, i) => Math.max(...rows.map((r) => r[i].length), c.name.length));
  const hinted = natural.map((w, i) => (cols[i].whint >= 1 ? Math.max(w, cols[i].whint) : w));
  // libsmartcols gives back the hinted extra width first when the line would not fit the terminal.
  const total = (ws: number[]) => ws.reduce((a, b) => a + b, 0) + ws.length - 1;
  const widths = total(hinted) > o.termWidth ? natural : hinted;
  const last = cols.length - 1;
  const line = (r: string[]) =>
    r.map((v, i) => (cols[i].right ? v.padStart(widths[i]) : i === last ? v : v.padEnd(widths[i]))).join(" ");
  return rows.map((r) => line(r) + "\n").join("");
}

function json(devs: BlockDev[], cols: Column[], o: OutputOptions): string {
  const obj = (d: BlockDev, ind: string): string => {
    const inner = ind + "   ";
    const fields = cols.map((c) => `${inner}"${c.name.toLowerCase()}": ${jsonValue(c, c.value(d, o), o, inner)}`);
    if (d.children.length) fields.push(`${inner}"children": [\n${list(d.children, inner + "   ")}\n${inner}]`);
    return `${ind}{\n${fields.join(",\n")}\n${ind}}`;
  };
  const list = (ds: BlockDev[], ind: string) =>
    ds.map((d, i) => (i === 0 ? obj(d, ind) : obj(d, ind).slice(ind.length))).join(",");
  return `{\n   "blockdevices": [\n${list(devs, "      ")}\n   ]\n}\n`;
}

function jsonValue(c: Column, v: string | null | string[], o: OutputOptions, ind: string): string {
  if (Array.isArray(v)) {
    const items = v.length ? v.map((x) => JSON.stringify(x)) : ["null"];
    return `[\n${items.map((x) => `${ind}    ${x}`).join(",\n")}\n${ind}]`;
  }
  if (v === null || v === "") return "null";
  if (c.kind === "bool") return v === "1" ? "true" : "false";
  if (c.kind === "num" || (c.kind === "size" && o.bytes)) return v;
  return JSON.stringify(v);
}
