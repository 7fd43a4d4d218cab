/**
 * How a wait paces its polls: from how long the awaited thing is expected to take in the real
 * world and how fast the world runs (1 on real Hetzner; the simulator's time scale when a program
 * runs against it). A fixed poll interval either wastes requests on a slow real world or, in a
 * scaled-down simulator, sleeps long after the simulated event has happened.
 */

/** Realistic durations (ms) of what the library waits for; each comment says where the figure comes from. */
export const EXPECTED_MS = {
  /** Reset → POST → PXE rescue answering SSH: 3–5.5 min (contracts/hetzner-robot.md §3). */
  rescueBoot: 300_000,
  /** Reboot from rescue into Talos until apid answers: POST plus the Talos boot, about 2 min. */
  talosBoot: 120_000,
  /** `power_long` until Robot reports the server off: the ACPI shutdown grace, about 10 s. */
  powerOff: 10_000,
  /** A Robot firewall change stays "in process" for about 30 s. */
  firewallApply: 30_000,
  /** A Hetzner Cloud server action (create, power, delete) completes in seconds. */
  cloudAction: 10_000,
} as const;

/** The longest pause between two polls in real time: "every few seconds". */
export const MAX_POLL_MS = 5_000;
/** The shortest pause: below it a poll only burns CPU. */
export const MIN_POLL_MS = 20;

/** The part of pollUntil's options that a pace decides. */
export interface PollPace {
  /** Pause before the first check: nothing expected to take this long is done sooner. */
  firstWaitMs: number;
  initialMs: number;
  factor: number;
  maxMs: number;
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/**
 * The pace of a wait for something expected to take `expectedMs` (realistic) in a world running
 * at `timeScale`, with `deadlineMs` of real time to wait. Rules (each table-tested):
 * - the scaled expectation is `expectedMs × timeScale`;
 * - the first check comes after half of it, but no later than a quarter of the deadline;
 * - then every twentieth of it, growing ×1.25 up to a tenth of it, so what takes as long as expected
 *   is seen at most a tenth of the expectation late (a quarter, with ×1.5 up to a quarter, made 20–30 %
 *   of an install at the bench's time scale poll lag); every pause between 20 ms and 5 s, and never
 *   more than a twentieth of the deadline, so a short deadline still gets its polls.
 */
export function pollPace(expectedMs: number, timeScale: number, deadlineMs: number): PollPace {
  const scaled = expectedMs * (Number.isFinite(timeScale) && timeScale > 0 ? timeScale : 1);
  const ceiling = clamp(deadlineMs / 20, MIN_POLL_MS, MAX_POLL_MS);
  const initialMs = Math.round(clamp(scaled / 20, MIN_POLL_MS, ceiling));
  return {
    firstWaitMs: Math.round(Math.min(scaled / 2, deadlineMs / 4)),
    initialMs,
    factor: 1.25,
    maxMs: Math.round(clamp(scaled / 10, initialMs, ceiling)),
  };
}
