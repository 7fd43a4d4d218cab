/** Wire fragments several Robot endpoints share. */
import { networkAddress } from "../ip";
import { SimServer } from "../state";

/** `server_ip`, `server_ipv6_net`, `server_number`: the identity block of boot/reset objects. */
export function serverRef(s: SimServer): { server_ip: string | null; server_ipv6_net: string; server_number: number } {
  return {
    server_ip: s.machine.spec.ipv4,
    server_ipv6_net: networkAddress(s.machine.spec.ipv6Net),
    server_number: s.scenario.number,
  };
}

/** Wraps each item as `{name: item}`: Robot's list envelope (`[{"key":{…}}]`). */
export function wrapEach<T>(name: string, items: T[]): Record<string, T>[] {
  return items.map((item) => ({ [name]: item }));
}

/** Date as "YYYY-MM-DD" in Europe/Berlin, Robot's local time. */
export function berlinDate(epochMs: number): string {
  return berlinDateTime(epochMs).slice(0, 10);
}

/** Time as "YYYY-MM-DD hh:mm:ss" in Europe/Berlin (key `created_at`, fixtures/robot/key-object.hrobot-rs.json). */
export function berlinDateTime(epochMs: number): string {
  // The Swedish locale formats as ISO-like "2023-06-10 21:34:12".
  return new Intl.DateTimeFormat("sv-SE", {
    timeZone: "Europe/Berlin",
    dateStyle: "short",
    timeStyle: "medium",
  }).format(epochMs);
}
