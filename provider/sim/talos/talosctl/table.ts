/** Go `text/tabwriter` with minwidth 0, padding 3, space padding (what talosctl tables use). */

/** Aligns rows into columns; the last column is not padded. */
export function tabwriter(rows: string[][], padding = 3): string {
  const widths: number[] = [];
  for (const r of rows)
    r.forEach((c, i) => {
      if (i < r.length - 1) widths[i] = Math.max(widths[i] ?? 0, c.length);
    });
  return rows
    .map((r) => r.map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i] + padding) : c)).join("") + "\n")
    .join("");
}
