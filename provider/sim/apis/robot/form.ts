/**
 * Parses `application/x-www-form-urlencoded` bodies with PHP semantics, as Robot (a PHP service)
 * does: `a[]=1&a[]=2` is a list, `rules[input][0][action]=accept` nests, and a plain repeated
 * field keeps only its last value (why one `authorized_key=` per request reaches rescue, [AH]).
 */

/** A parsed form value: a string or a PHP array (an ordered map). */
export type PhpValue = string | PhpArray;

/** A PHP array: keys in insertion order; `[]` appends the next integer key. */
export interface PhpArray {
  [key: string]: PhpValue;
}

/** Parses a form body into PHP values; pure. */
export function parsePhpForm(body: string): PhpArray {
  const root: PhpArray = Object.create(null);
  for (const [key, value] of new URLSearchParams(body)) assign(root, splitKey(key), value);
  return root;
}

/** A field as a list: a PHP array's values, a single string as one item, absent as []. */
export function listOf(value: PhpValue | undefined): PhpValue[] {
  if (value === undefined) return [];
  return typeof value === "string" ? [value] : Object.values(value);
}

/** A field as a string; a PHP array (sent where a scalar was expected) counts as absent. */
export function stringOf(value: PhpValue | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function splitKey(key: string): string[] {
  const m = /^([^[\]]+)((?:\[[^\]]*\])*)$/.exec(key);
  if (!m) return [key];
  return [m[1], ...[...m[2].matchAll(/\[([^\]]*)\]/g)].map((x) => x[1])];
}

function assign(root: PhpArray, path: string[], value: string): void {
  let node = root;
  path.slice(0, -1).forEach((segment) => {
    const key = segment === "" ? nextIndex(node) : segment;
    if (typeof node[key] !== "object") node[key] = Object.create(null);
    node = node[key] as PhpArray;
  });
  const last = path[path.length - 1];
  node[last === "" ? nextIndex(node) : last] = value;
}

function nextIndex(node: PhpArray): string {
  const ints = Object.keys(node)
    .filter((k) => /^\d+$/.test(k))
    .map(Number);
  return String(ints.length ? Math.max(...ints) + 1 : 0);
}

/** A boolean field ("true"/"false", "1"/"0"); `fallback` when absent, "invalid" otherwise. */
export function boolOf(value: PhpValue | undefined, fallback: boolean): boolean | "invalid" {
  if (value === undefined) return fallback;
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  return "invalid";
}
