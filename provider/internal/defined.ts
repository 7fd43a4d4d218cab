/** A copy of an object without its undefined values. */
/** Removes undefined values: the host's Struct encoder rejects them ("Unexpected struct type"). */
export function definedOnly<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
