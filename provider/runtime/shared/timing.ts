/** Arithmetic shared by the runtimes that derive every wait of a run from the user's deadlines. */

/** `v` limited to `lo`..`hi`. */
export const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** A deadline in seconds as whole milliseconds. */
export const secondsToMs = (s: number): number => Math.round(s * 1000);
