/** What the thin provider shims require at run time: one module per resource. */
export {};
