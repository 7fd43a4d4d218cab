/** Reads the plan out of the CLI's `preview --diff` text. */

/**
 * `op name` of every resource in the plan, sorted (the CLI prints them in completion order). A resource
 * is a line `<sign> <type>: (<op>)` followed by `[urn=…::<name>]` (after an `[id=…]` line for existing ones).
 */
export function planOps(previewText: string): string[] {
  const lines = previewText.split("\n");
  const ops: string[] = [];
  lines.forEach((line, i) => {
    const m = /^\s*(?:[-+~]{1,2}\s+)?[\w:/.-]+: \((\w[\w-]*)\)$/.exec(line);
    if (!m) return;
    const urn = lines
      .slice(i + 1, i + 3)
      .map((l) => /\[urn=(\S+)\]/.exec(l)?.[1])
      .find(Boolean);
    if (urn) ops.push(`${m[1]} ${urn.split("::").pop()}`);
  });
  return ops.sort();
}
