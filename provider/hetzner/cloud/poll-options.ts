/** Poll settings shared by the sub-clients that wait (actions, server status). */
import { PollOptions } from "../../internal/poll";
import { Sleep } from "../../internal/retry";
import { Transport } from "./transport";

/** How sub-clients poll: first interval (grows ×1.5 up to 10×) and the injectable sleep. */
export interface PollSettings {
  sleep?: Sleep;
  /** @default 1000 */
  pollIntervalMs?: number;
}

/** pollUntil options for one wait, using the transport's clock and random source. */
export function pollOptions(t: Transport, p: PollSettings, what: string, timeoutMs: number): PollOptions {
  const interval = p.pollIntervalMs ?? 1000;
  return {
    what,
    timeoutMs,
    initialMs: interval,
    factor: 1.5,
    maxMs: interval * 10,
    sleep: p.sleep,
    now: t.now,
    random: t.random,
  };
}
