/** A process-wide value that tests and benchmarks replace (a runtime's deps, or the factory building them). */

/** Reads and replaces one overridable value. */
export interface Overridable<T> {
  /** The value in use. */
  get(): T;
  /** Replaces the value; returns the previous one. */
  set(next: T): T;
  /** Replaces some fields of the value; returns a function restoring the previous value. */
  patch(next: Partial<T>): () => void;
}

/** An overridable value starting as `defaults`. */
export function overridableDeps<T>(defaults: T): Overridable<T> {
  let current = defaults;
  const set = (next: T): T => {
    const prev = current;
    current = next;
    return prev;
  };
  return {
    get: () => current,
    set,
    patch(next) {
      const prev = set({ ...current, ...next });
      return () => {
        current = prev;
      };
    },
  };
}
