/** Arithmetic shared by the runtimes that derive every wait of a run from the user's deadlines. */
import { InputError } from "../../internal/errors";
import { setting } from "./config";

/** `v` limited to `lo`..`hi`. */
export const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** A deadline in seconds as whole milliseconds. */
export const secondsToMs = (s: number): number => Math.round(s * 1000);

/**
 * The world's time scale from `talos-hetzner:timeScale` / `$TALOS_HETZNER_TIME_SCALE` (1 unless a
 * simulator says its durations are scaled); anything but a positive number is an InputError.
 */
export function worldTimeScale(env: NodeJS.ProcessEnv = process.env): number {
  const raw = setting("timeScale", env) ?? "1";
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value) || value <= 0) {
    throw new InputError("talos-hetzner:timeScale", `must be a positive number, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/**
 * Robot's budget hour (50 resets, 200 server requests per hour) in the world's time: a simulated
 * Robot counts its hour scaled too, so pacing to a real hour there would hold parallel installs back
 * for far longer than the simulator refuses anything.
 */
export function robotHourMs(env: NodeJS.ProcessEnv = process.env): number {
  return 3_600_000 * worldTimeScale(env);
}
