/** Unified line diff (`--- a` / `+++ b`, 3 context lines) like Talos's `textdiff` for apply-config dry runs. */

type Op = { kind: " " | "-" | "+"; line: string };

function lcsOps(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const dp: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      dp[i][j] = a[i] === b[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ kind: " ", line: a[i++] });
      j++;
    } else if (i < n && (j >= m || dp[i + 1][j] >= dp[i][j + 1])) ops.push({ kind: "-", line: a[i++] });
    else ops.push({ kind: "+", line: b[j++] });
  }
  return ops;
}

function splitLines(text: string): string[] {
  if (!text) return [];
  return (text.endsWith("\n") ? text.slice(0, -1) : text).split("\n");
}

/** The unified diff of two texts; "" when they are equal. */
export function unifiedDiff(before: string, after: string, context = 3): string {
  const ops = lcsOps(splitLines(before), splitLines(after));
  const changed = ops.map((o, i) => (o.kind !== " " ? i : -1)).filter((i) => i >= 0);
  if (!changed.length) return "";
  const hunks: [number, number][] = [];
  for (const c of changed) {
    const last = hunks[hunks.length - 1];
    if (last && c - context <= last[1] + context) last[1] = c;
    else hunks.push([c, c]);
  }
  let out = "--- a\n+++ b\n";
  for (const [first, last] of hunks) {
    const start = Math.max(0, first - context);
    const end = Math.min(ops.length - 1, last + context);
    const before1 = ops.slice(0, start).filter((o) => o.kind !== "+").length;
    const after1 = ops.slice(0, start).filter((o) => o.kind !== "-").length;
    const body = ops.slice(start, end + 1);
    const aCount = body.filter((o) => o.kind !== "+").length;
    const bCount = body.filter((o) => o.kind !== "-").length;
    out += `@@ -${aCount ? before1 + 1 : before1},${aCount} +${bCount ? after1 + 1 : after1},${bCount} @@\n`;
    out += body.map((o) => `${o.kind}${o.line}\n`).join("");
  }
  return out;
}
