/** Table-driven assertions: one call per table, so a failure shows every row's result beside the expected one. */
import * as assert from "assert";

/** Asserts `fn(a, b)` deep-equals `expected` for every row `[a, b, expected]`. */
export function assertTable<A, B, R>(fn: (a: A, b: B) => R, rows: [A, B, R][]): void {
  assert.deepStrictEqual(
    rows.map(([a, b]) => fn(a, b)),
    rows.map((r) => r[2]),
  );
}
