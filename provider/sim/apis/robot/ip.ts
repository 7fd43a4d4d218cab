/** Small IPv4/IPv6 helpers for the Robot simulator: broadcast addresses and CIDR membership. */
import { isIP } from "net";

/** The IPv4 broadcast address of `ip/prefix`. */
export function ipv4Broadcast(ip: string, prefix: number): string {
  const hostBits = 32 - prefix;
  const value = Number(((ipBigInt(ip) >> BigInt(hostBits)) << BigInt(hostBits)) | ((1n << BigInt(hostBits)) - 1n));
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join(".");
}

/** True when `ip` lies in `cidr` ("1.2.3.0/24", "2a01:4f8::/32" or a bare address); false across families. */
export function ipInCidr(ip: string, cidr: string): boolean {
  const [net, prefixText] = cidr.split("/");
  const family = isIP(ip);
  if (family === 0 || family !== isIP(net)) return false;
  const bits = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  const shift = BigInt(bits - prefix);
  return ipBigInt(ip) >> shift === ipBigInt(net) >> shift;
}

/** True for "a.b.c.d", "a.b.c.d/n", IPv6 and IPv6/n with a prefix in range. */
export function isCidr(text: string): boolean {
  const [net, prefix, extra] = text.split("/");
  const family = isIP(net);
  if (family === 0 || extra !== undefined) return false;
  return prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}

/** The address part of an IPv6 network "2a01:4f8:1::/64" → "2a01:4f8:1::". */
export function networkAddress(cidr: string): string {
  return cidr.split("/")[0];
}

function ipBigInt(ip: string): bigint {
  if (isIP(ip) === 4) return ip.split(".").reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
  const [head, tail = ""] = ip.split("::");
  const parts = (s: string) => (s ? s.split(":") : []);
  const groups = ip.includes("::")
    ? [...parts(head), ...Array(8 - parts(head).length - parts(tail).length).fill("0"), ...parts(tail)]
    : parts(ip);
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}
