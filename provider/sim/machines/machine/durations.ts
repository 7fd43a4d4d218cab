/** Realistic durations (ms) of what a machine does; the world scales them by its timeScale. */
export const MACHINE_DURATIONS = {
  /** Firmware power-on self test before anything boots (Hetzner dedicated boxes: about a minute). */
  post: 60_000,
  /** PXE-loading and starting the rescue system after POST (contracts/hetzner-robot.md §3: 3–5.5 min in total). */
  rescueBoot: 240_000,
  /** Talos from bootloader to apid listening. */
  talosBoot: 60_000,
  /** A bootloader that finds nothing it can run gives up quickly. */
  noOsBoot: 5_000,
  /** An OS shutting down after an ACPI power-button press. */
  acpiShutdown: 10_000,
} as const;
