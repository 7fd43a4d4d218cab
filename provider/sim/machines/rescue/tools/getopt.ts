/** A small getopt_long for the stand-in tools, with glibc's error texts (util-linux tools use glibc getopt). */
import { die } from "./hardware";

/** One option: short letter and/or long name, whether it takes an argument, and the key it is stored under. */
export interface OptSpec {
  key: string;
  short?: string;
  long?: string;
  arg?: boolean;
}

/** Parsed options (every occurrence, in order) and positional arguments. */
export interface Parsed {
  opts: Map<string, string[]>;
  args: string[];
}

/** Parses argv like getopt_long with permutation: options may follow positional arguments. */
export function getopt(tool: string, argv: string[], specs: OptSpec[]): Parsed {
  const out: Parsed = { opts: new Map(), args: [] };
  const put = (s: OptSpec, v: string) => out.opts.set(s.key, [...(out.opts.get(s.key) ?? []), v]);
  const usage = `\nTry '${tool} --help' for more information.`;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      out.args.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const [name, inline] = splitOnce(a.slice(2), "=");
      const s = specs.find((x) => x.long === name) ?? die(tool, `unrecognized option '--${name}'${usage}`);
      if (!s.arg) put(s, "");
      else if (inline !== undefined) put(s, inline);
      else if (i + 1 < argv.length) put(s, argv[++i]);
      else die(tool, `option '--${name}' requires an argument${usage}`);
    } else if (a.startsWith("-") && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const s = specs.find((x) => x.short === a[j]) ?? die(tool, `invalid option -- '${a[j]}'${usage}`);
        if (!s.arg) {
          put(s, "");
          continue;
        }
        if (j + 1 < a.length) put(s, a.slice(j + 1));
        else if (i + 1 < argv.length) put(s, argv[++i]);
        else die(tool, `option requires an argument -- '${a[j]}'${usage}`);
        break;
      }
    } else out.args.push(a);
  }
  return out;
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}
