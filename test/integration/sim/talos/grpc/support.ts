/**
 * What the suites driving simulated nodes with the real talosctl share: why one cannot run here, and
 * the deadline-bounded waits they poll with.
 */
import { realTalosctlPath } from "../../../../helpers/real-talosctl";
import { loadTalosApi } from "../../../../../provider/sim/talos/grpc/descriptors";
import { resourceDefinitions } from "../../../../../provider/sim/talos/grpc/cosi-definitions";

/**
 * Why the suite cannot run here, or null. `needs`: "api" (the descriptor set), "definitions" (also the
 * COSI resource definitions) or one resource type that must be among them (a newer `npm run tools`).
 */
export function missingRealApi(needs = "api"): string | null {
  const defs = needs === "api" ? [] : resourceDefinitions();
  const defined = needs === "api" || (needs === "definitions" ? defs.length > 0 : defs.some((d) => d.type === needs));
  if (!loadTalosApi() || !defined) return "the Talos API descriptor set is not built (npm run tools)";
  if (!realTalosctlPath()) return "the real talosctl is not built (npm run tools, or set REAL_TALOSCTL)";
  return null;
}

/** Waits until `ok()` holds, checking every 20 ms; throws naming `what` after `ms`. */
export async function until(what: string, ok: () => boolean, ms = 10000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Polls `get()` every 100 ms until `ok` accepts its value; throws naming `what` and the last value after `ms`. */
export async function untilValue<T>(
  what: string,
  get: () => Promise<T>,
  ok: (v: T) => boolean,
  ms = 30000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${ms} ms waiting for ${what}; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
