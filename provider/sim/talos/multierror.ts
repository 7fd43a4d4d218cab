/** hashicorp/go-multierror's text format, which talosctl prints for multi-node and validation errors. */

/** `N error(s) occurred:\n\t* a\n\t* b\n\n` (go-multierror ListFormatFunc). */
export function multierror(items: string[]): string {
  const head = items.length === 1 ? "1 error occurred:" : `${items.length} errors occurred:`;
  return `${head}\n\t${items.map((i) => `* ${i}`).join("\n\t")}\n\n`;
}
