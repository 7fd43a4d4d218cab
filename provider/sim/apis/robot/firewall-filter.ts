/**
 * Robot firewall semantics for inbound connections (Robot doc, "Firewall"): input rules are
 * checked in order and the first match decides accept or discard; a packet no rule matches is
 * discarded. IPv6 traffic is only filtered when `filter_ipv6` is on.
 */
import { isIPv6 } from "net";
import { portRange } from "./firewall-rule-checks";
import type { FirewallRule } from "./firewall-rules";
import { ipInCidr } from "./ip";

/** The predicate installed on a machine: may a new inbound connection pass? */
export type InboundFilter = (proto: "tcp" | "udp", port: number, sourceIp: string) => boolean;

/** Addresses of the server itself, matched against `dst_ip`. */
export interface FilterTarget {
  ipv4: string | null;
  ipv6Net: string;
}

/** Builds the inbound filter of an active firewall; pure. */
export function inboundFilter(rules: FirewallRule[], filterIpv6: boolean, target: FilterTarget): InboundFilter {
  return (proto, port, sourceIp) => {
    const v6 = isIPv6(sourceIp);
    if (v6 && !filterIpv6) return true;
    const packet = {
      proto,
      port,
      sourceIp,
      family: v6 ? "ipv6" : "ipv4",
      dst: v6 ? target.ipv6Net.split("/")[0] : target.ipv4,
    } as const;
    const match = rules.find((rule) => ruleMatches(rule, packet));
    return match?.action === "accept";
  };
}

interface Packet {
  proto: "tcp" | "udp";
  port: number;
  sourceIp: string;
  family: "ipv4" | "ipv6";
  dst: string | null;
}

function ruleMatches(rule: FirewallRule, p: Packet): boolean {
  const range = rule.dst_port === null ? undefined : portRange(rule.dst_port);
  return (
    (rule.ip_version === null || rule.ip_version === p.family) &&
    (rule.src_ip === null || ipInCidr(p.sourceIp, rule.src_ip)) &&
    (rule.dst_ip === null || (p.dst !== null && ipInCidr(p.dst, rule.dst_ip))) &&
    (range === undefined || (p.port >= range[0] && p.port <= range[1])) &&
    (rule.protocol === null || rule.protocol === p.proto) &&
    // The filter sees new connections only: their source port is an unknown ephemeral port, so
    // a rule that names one never matches, and TCP flags are those of a SYN.
    rule.src_port === null &&
    (rule.tcp_flags === null || (p.proto === "tcp" && synMatches(rule.tcp_flags)))
  );
}

/** Whether a SYN-only packet satisfies a Robot tcp_flags expression ("syn", "syn|ack", "syn&ack"). */
export function synMatches(expression: string): boolean {
  return expression.includes("&")
    ? expression.split("&").every((f) => f === "syn")
    : expression.split("|").includes("syn");
}
