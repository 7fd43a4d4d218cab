/**
 * CIDR parsing, normalization and exact aggregation for firewall rule sets. Both Hetzner firewalls
 * take CIDRs in network form; Robot allows only 10 rules per direction, so adjacent sources are
 * merged into the fewest CIDRs that cover exactly the same addresses (never more).
 */
import { isIP } from "net";
import { InputError } from "./errors";

/** One parsed CIDR: address as an integer, prefix length and family width. */
export interface Cidr {
  value: bigint;
  prefix: number;
  bits: 32 | 128;
}

function parseAddress(text: string): { value: bigint; bits: 32 | 128 } | undefined {
  const family = isIP(text);
  if (family === 4) return { value: text.split(".").reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n), bits: 32 };
  if (family !== 6 || text.includes(".")) return undefined;
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  return { value: groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n), bits: 128 };
}

/**
 * Parses `a.b.c.d/n`, an IPv6 CIDR, or a bare address (taken as /32 or /128). Host bits must be zero:
 * both Hetzner APIs reject `10.0.0.1/24`, and silently widening it would open more than asked.
 */
export function parseCidr(field: string, text: string): Cidr {
  const [addr, len, extra] = String(text).split("/");
  const ip = parseAddress(addr);
  if (!ip || extra !== undefined || (len !== undefined && !/^\d{1,3}$/.test(len))) {
    throw new InputError(
      field,
      `must be an IP address or CIDR like 203.0.113.0/24 or 2001:db8::/32, got ${JSON.stringify(text)}`,
    );
  }
  const prefix = len === undefined ? ip.bits : Number(len);
  if (prefix > ip.bits)
    throw new InputError(
      field,
      `prefix /${prefix} is longer than an IPv${ip.bits === 32 ? 4 : 6} address in ${JSON.stringify(text)}`,
    );
  const cidr = { value: ip.value, prefix, bits: ip.bits };
  if (networkOf(cidr) !== ip.value)
    throw new InputError(
      field,
      `${JSON.stringify(text)} has host bits set; use its network ${formatCidr({ ...cidr, value: networkOf(cidr) })}`,
    );
  return cidr;
}

function networkOf(c: Cidr): bigint {
  const host = BigInt(c.bits - c.prefix);
  return (c.value >> host) << host;
}

/** The canonical text of a CIDR (`203.0.113.0/24`, `2001:db8::/32`). */
export function formatCidr(c: Cidr): string {
  if (c.bits === 32) return `${[24n, 16n, 8n, 0n].map((s) => String((c.value >> s) & 255n)).join(".")}/${c.prefix}`;
  const groups = Array.from({ length: 8 }, (_, i) => ((c.value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  return `${compressV6(groups)}/${c.prefix}`;
}

// RFC 5952: the longest run (≥2) of zero groups becomes "::".
function compressV6(groups: string[]): string {
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > best.len && j - i >= 2) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  if (best.at < 0) return groups.join(":");
  return `${groups.slice(0, best.at).join(":")}::${groups.slice(best.at + best.len).join(":")}`;
}

function contains(outer: Cidr, inner: Cidr): boolean {
  if (outer.bits !== inner.bits || outer.prefix > inner.prefix) return false;
  const host = BigInt(outer.bits - outer.prefix);
  return outer.value >> host === inner.value >> host;
}

/** Drops CIDRs contained in others and merges sibling pairs until nothing changes; exact cover, IPv4 first. */
export function aggregateCidrs(list: Cidr[]): Cidr[] {
  let cur = [...list].sort(
    (a, b) => a.bits - b.bits || (a.value < b.value ? -1 : a.value > b.value ? 1 : a.prefix - b.prefix),
  );
  for (let changed = true; changed;) {
    changed = false;
    const kept = cur.filter((c, i) => !cur.some((o, j) => j !== i && contains(o, c) && (o.prefix < c.prefix || j < i)));
    const out: Cidr[] = [];
    for (const c of kept) {
      const prev = out[out.length - 1];
      if (prev && prev.bits === c.bits && prev.prefix === c.prefix && c.prefix > 0 && siblings(prev, c)) {
        out[out.length - 1] = { value: prev.value, prefix: prev.prefix - 1, bits: prev.bits };
        changed = true;
      } else out.push(c);
    }
    changed ||= out.length !== cur.length;
    cur = out;
  }
  return cur;
}

function siblings(a: Cidr, b: Cidr): boolean {
  const parent = { value: a.value, prefix: a.prefix - 1, bits: a.bits };
  return networkOf(parent) === a.value && contains(parent, b) && a.value !== b.value;
}

/** Parses every entry (errors name `field[i]`), then aggregates; returns canonical texts. */
export function normalizeSources(field: string, entries: readonly string[]): string[] {
  const parsed = entries.map((e, i) => parseCidr(`${field}[${i}]`, e));
  return aggregateCidrs(parsed).map(formatCidr);
}

/** True when the CIDR text is IPv6. */
export function isIpv6Cidr(text: string): boolean {
  return text.includes(":");
}
