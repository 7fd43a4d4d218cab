/** Go `time.Duration` text: parse ("1m30s", "500ms", "2h") and format ("1m0s") like Go does. */

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };

/** Parses a Go duration into milliseconds; throws Go's error text on failure. */
export function parseDuration(text: string): number {
  const fail = () => new Error(`time: invalid duration ${JSON.stringify(text)}`);
  if (text === "0") return 0;
  const body = text.replace(/^[-+]/, "");
  if (!/^(?:[0-9]*\.?[0-9]+(?:ns|us|µs|ms|s|m|h))+$/.test(body)) throw fail();
  let total = 0;
  for (const m of body.matchAll(/([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1]) * UNITS[m[2]];
  return text.startsWith("-") ? -total : total;
}

/** Formats milliseconds like Go's Duration.String ("1m0s", "20m0s", "500ms", "0s"). */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  if (Math.abs(ms) < 1000) return `${ms}ms`;
  const sign = ms < 0 ? "-" : "";
  let s = Math.abs(ms) / 1000;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const sec = Number.isInteger(s) ? String(s) : String(Number(s.toFixed(9)));
  if (h) return `${sign}${h}h${m}m${sec}s`;
  if (m) return `${sign}${m}m${sec}s`;
  return `${sign}${sec}s`;
}
