/** Firewall rule semantics (spec: no `in` rule drops all inbound; any matching rule of any firewall allows). */
import { FirewallRuleRecord } from "./state";
import { invalidInput } from "./errors";

/** An inbound packet check as SimMachine.setInboundFilter expects it. */
export type InboundFilter = (proto: "tcp" | "udp", port: number, sourceIp: string) => boolean;

/** Filter for a server protected by these firewalls (each given by its rules): allowed when any in-rule matches. */
export function inboundFilter(firewalls: FirewallRuleRecord[][]): InboundFilter {
  const rules = firewalls.flat().filter((r) => r.direction === "in");
  return (proto, port, sourceIp) => rules.some((r) => ruleAllows(r, proto, port, sourceIp));
}

/** Whether one in-rule admits a tcp/udp packet. */
export function ruleAllows(rule: FirewallRuleRecord, proto: "tcp" | "udp", port: number, sourceIp: string): boolean {
  if (rule.protocol !== proto || !portMatches(rule.port, port)) return false;
  return rule.source_ips.some((cidr) => cidrContains(cidr, sourceIp));
}

function portMatches(spec: string | null, port: number): boolean {
  if (spec === null || spec === "any") return true;
  const [lo, hi = lo] = spec.split("-").map(Number);
  return port >= lo && port <= hi;
}

/** Whether `ip` lies in `cidr`; IPv4-mapped IPv6 addresses ("::ffff:127.0.0.1") count as IPv4. */
export function cidrContains(cidr: string, ip: string): boolean {
  const [net, bitsText] = cidr.split("/");
  const a = parseIp(net);
  const b = parseIp(ip.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, "$1"));
  if (!a || !b || a.bits !== b.bits) return false;
  const prefix = BigInt(bitsText === undefined ? a.bits : Number(bitsText));
  const shift = BigInt(a.bits) - prefix;
  return a.value >> shift === b.value >> shift;
}

/** Parses an IPv4 or IPv6 address into its integer value and width; undefined when malformed. */
export function parseIp(text: string): { value: bigint; bits: 32 | 128 } | undefined {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(text)) {
    const parts = text.split(".").map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return { value: parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n), bits: 32 };
  }
  if (!/^[0-9a-f:]+$/i.test(text) || text.split("::").length > 2) return undefined;
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const fill = tail === undefined ? [] : Array(8 - h.length - t.length).fill("0");
  const groups = [...h, ...fill, ...t];
  if (groups.length !== 8 || groups.some((g) => g.length === 0 || g.length > 4)) return undefined;
  return { value: groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n), bits: 128 };
}

/** Normalizes and checks one rule of a request (port rules per spec: only tcp/udp carry a port). */
export function checkRule(raw: Record<string, unknown>, index: number): FirewallRuleRecord {
  const field = `rules[${index}]`;
  const rule: FirewallRuleRecord = {
    direction: raw.direction as "in" | "out",
    protocol: raw.protocol as FirewallRuleRecord["protocol"],
    port: (raw.port as string | undefined) ?? null,
    source_ips: (raw.source_ips as string[] | undefined) ?? [],
    destination_ips: (raw.destination_ips as string[] | undefined) ?? [],
    description: (raw.description as string | null | undefined) ?? null,
  };
  const tcpUdp = rule.protocol === "tcp" || rule.protocol === "udp";
  if (tcpUdp && rule.port === null) throw invalidInput(`${field}.port`, "port is required for protocol tcp and udp");
  if (!tcpUdp && rule.port !== null)
    throw invalidInput(`${field}.port`, `port is not allowed for protocol ${rule.protocol}`);
  if (rule.port !== null && !validPort(rule.port)) throw invalidInput(`${field}.port`, `invalid port '${rule.port}'`);
  const ips = rule.direction === "in" ? rule.source_ips : rule.destination_ips;
  const ipField = rule.direction === "in" ? "source_ips" : "destination_ips";
  if (ips.length === 0)
    throw invalidInput(`${field}.${ipField}`, `${ipField} is required for direction ${rule.direction}`);
  if (ips.length > 100) throw invalidInput(`${field}.${ipField}`, "at most 100 CIDRs per rule");
  const bad = ips.find((c) => !validCidr(c));
  if (bad) throw invalidInput(`${field}.${ipField}`, `invalid CIDR '${bad}'`);
  return rule;
}

function validPort(port: string): boolean {
  if (port === "any") return true;
  const m = port.match(/^(\d{1,5})(?:-(\d{1,5}))?$/);
  if (!m) return false;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  return lo >= 1 && hi <= 65535 && lo <= hi;
}

function validCidr(cidr: string): boolean {
  const [net, bits] = cidr.split("/");
  const ip = parseIp(net);
  return ip !== undefined && bits !== undefined && /^\d+$/.test(bits) && Number(bits) <= ip.bits;
}
