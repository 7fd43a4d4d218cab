/** `${name}` substitution in node patches (hostname, private_ip, vlan, server_number, ...). */
import { ConfigPatchError } from "./errors";
import type { ConfigPatch } from "./parse";

/** Values a node patch may reference as `${name}`. */
export type PatchVariables = Record<string, string | number | boolean | undefined>;

// `$${name}` stays a literal `${name}` (for shell snippets or manifests inside a patch).
const VARIABLE = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Replaces every `${name}` in `patchText`; an unknown or unset variable is an error naming it and the patch. */
export function substituteVariables(patchText: string, vars: PatchVariables, patchLabel = "patch"): string {
  return patchText.replace(VARIABLE, (_, escaped: string, name: string) => {
    if (escaped) return `\${${name}}`;
    const value = Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : undefined;
    if (value === undefined) {
      const known = Object.keys(vars)
        .filter((k) => vars[k] !== undefined)
        .sort()
        .join(", ");
      throw new ConfigPatchError(patchLabel, `unknown variable \${${name}} (known: ${known || "none"})`);
    }
    return String(value);
  });
}

/** Substitutes variables in any patch form: the text, or every string inside an object/ops patch. */
export function substituteInPatch(patch: ConfigPatch, vars: PatchVariables, patchLabel: string): ConfigPatch {
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return substituteVariables(v, vars, patchLabel);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(patch) as ConfigPatch;
}
