/** Parser for talosctl's `-o json` output: concatenated pretty-printed JSON objects, not an array (contracts/talosctl.md §12.1). */

/** Splits a stream of concatenated JSON values and parses each; throws naming the offset of a bad one. */
export function parseJsonStream(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === "{" || c === "[") {
      if (depth++ === 0) start = i;
    } else if (c === "}" || c === "]") {
      if (--depth === 0) out.push(parseAt(text.slice(start, i + 1), start));
      if (depth < 0) throw new Error(`talosctl JSON output: unbalanced '${c}' at offset ${i}`);
    } else if (depth === 0 && !/\s/.test(c)) throw new Error(`talosctl JSON output: unexpected '${c}' at offset ${i}`);
  }
  if (depth !== 0) throw new Error("talosctl JSON output: truncated object at end of output");
  return out;
}

function parseAt(chunk: string, offset: number): unknown {
  try {
    return JSON.parse(chunk);
  } catch (e) {
    throw new Error(`talosctl JSON output: invalid object at offset ${offset}: ${(e as Error).message}`);
  }
}
