/**
 * What Robot accepts in one firewall rule, in the strictest credible reading of the sources in
 * docs/contracts/robot-firewall.md (each check names its rule id there), and the form Robot stores
 * it in. Nothing here comes from the library: these are the simulator's own readings.
 */
import { isIP } from "net";
import type { FirewallRule } from "./firewall-rules";
import { isCidr } from "./ip";

const PROTOCOLS = ["tcp", "udp", "gre", "icmp", "ipip", "ah", "esp"];
// RF-6: community.hrobot lists syn, fin, rst, psh, urg; Hetzner's own "outgoing TCP connections" recipe uses ack.
const FLAG = "(syn|fin|rst|psh|urg|ack)";
const TCP_FLAGS = new RegExp(`^${FLAG}([|&]${FLAG})*$`);
// RF-2: letters, space and . - + _ @ only (community.hrobot PR #89, after issue #88's INVALID_INPUT).
const NAME = /^[A-Za-z .\-+_@]*$/;

/** Field names of one rule that Robot refuses (INVALID_INPUT `invalid`), in wire field order. */
export function ruleProblems(r: FirewallRule): string[] {
  const family = r.ip_version === "ipv4" ? 4 : r.ip_version === "ipv6" ? 6 : undefined;
  const checks: [keyof FirewallRule, boolean][] = [
    ["ip_version", r.ip_version !== null && family === undefined],
    ["name", r.name !== null && !NAME.test(r.name)],
    ["dst_ip", !addressAllowed(r.dst_ip, family, r.ip_version)],
    ["src_ip", !addressAllowed(r.src_ip, family, r.ip_version)],
    ["dst_port", r.dst_port !== null && !isPortRange(r.dst_port)],
    ["src_port", r.src_port !== null && !isPortRange(r.src_port)],
    // RF-3: a rule for both families (no ip_version) carries no protocol.
    ["protocol", r.protocol !== null && (!PROTOCOLS.includes(r.protocol) || r.ip_version === null)],
    // RF-7: flags belong to TCP; hrobot-rs models them only inside its Tcp protocol.
    ["tcp_flags", r.tcp_flags !== null && (!TCP_FLAGS.test(r.tcp_flags) || r.protocol !== "tcp")],
    ["action", r.action !== null && r.action !== "accept" && r.action !== "discard"],
  ];
  return checks.filter(([, bad]) => bad).map(([k]) => k);
}

/**
 * RF-3: no address without ip_version; RF-4: no address on an IPv6 rule (hrobot-rs's Ipv6Filter
 * has none); RF-5: an IPv4 rule takes IPv4 CIDRs only.
 */
function addressAllowed(v: string | null, family: 4 | 6 | undefined, version: string | null): boolean {
  if (v === null) return true;
  if (version === null || family === 6) return false;
  return isCidr(v) && isIP(v.split("/")[0]) === family;
}

/** RF-8: Robot stores a single address as a /32 network. */
export function storedForm(r: FirewallRule): FirewallRule {
  const cidr = (v: string | null) => (v !== null && !v.includes("/") ? `${v}/32` : v);
  return { ...r, src_ip: cidr(r.src_ip), dst_ip: cidr(r.dst_ip) };
}

/** Parses "80" or "1024-65535" into [from, to]; undefined when malformed or out of range. */
export function portRange(text: string): [number, number] | undefined {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  return to <= 65535 && from <= to ? [from, to] : undefined;
}

function isPortRange(text: string): boolean {
  return portRange(text) !== undefined;
}
