/**
 * The rescue system's interfaces and routes as iproute2 6.1 reports them in JSON (`ip -j`), built
 * from the machine's NICs: the first NIC carries the DHCP address, the others are down.
 */
import { HwNic } from "./hardware";

/** One address entry of `ip -j addr`. */
export interface AddrInfo {
  family: "inet" | "inet6";
  local: string;
  prefixlen: number;
  broadcast?: string;
  scope: "host" | "global" | "link";
  label?: string;
  valid_life_time: number;
  preferred_life_time: number;
}

/** One interface of `ip -j addr` (`ip -j link` drops addr_info and adds linkmode). */
export interface Link {
  ifindex: number;
  ifname: string;
  flags: string[];
  mtu: number;
  qdisc: string;
  operstate: string;
  group: string;
  txqlen: number;
  link_type: string;
  address: string;
  broadcast: string;
  addr_info: AddrInfo[];
}

/** One route of `ip -j route`. */
export interface Route {
  dst: string;
  gateway?: string;
  dev: string;
  protocol?: string;
  scope?: string;
  prefsrc?: string;
  metric?: number;
  flags: string[];
  pref?: string;
}

const FOREVER = 4294967295;
function addr(
  family: "inet" | "inet6",
  local: string,
  prefixlen: number,
  scope: AddrInfo["scope"],
  v4: { broadcast?: string; label?: string } = {},
): AddrInfo {
  // Key order matters to byte-exact comparisons: iproute2 prints broadcast before scope and label after it.
  const head = { family, local, prefixlen, ...(v4.broadcast ? { broadcast: v4.broadcast } : {}), scope };
  return { ...head, ...(v4.label ? { label: v4.label } : {}), valid_life_time: FOREVER, preferred_life_time: FOREVER };
}

/** Interfaces: lo, then each NIC in order. */
export function links(nics: HwNic[]): Link[] {
  const lo: Link = {
    ifindex: 1,
    ifname: "lo",
    flags: ["LOOPBACK", "UP", "LOWER_UP"],
    mtu: 65536,
    qdisc: "noqueue",
    operstate: "UNKNOWN",
    group: "default",
    txqlen: 1000,
    link_type: "loopback",
    address: "00:00:00:00:00:00",
    broadcast: "00:00:00:00:00:00",
    addr_info: [addr("inet", "127.0.0.1", 8, "host", { label: "lo" }), addr("inet6", "::1", 128, "host")],
  };
  return [lo, ...nics.map((n, i) => nicLink(n, i + 2, i === 0))];
}

function nicLink(n: HwNic, ifindex: number, up: boolean): Link {
  const info: AddrInfo[] = [];
  if (up && n.ipv4)
    info.push(
      addr("inet", n.ipv4, n.ipv4Prefix, "global", {
        broadcast: n.ipv4Prefix < 31 ? broadcast(n.ipv4, n.ipv4Prefix) : undefined,
        label: n.name,
      }),
    );
  if (up && n.ipv6) info.push(addr("inet6", n.ipv6, 64, "global"));
  if (up) info.push(addr("inet6", n.linkLocal, 64, "link"));
  return {
    ifindex,
    ifname: n.name,
    flags: up ? ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"] : ["BROADCAST", "MULTICAST"],
    mtu: 1500,
    qdisc: up ? "mq" : "noop",
    operstate: up ? "UP" : "DOWN",
    group: "default",
    txqlen: 1000,
    link_type: "ether",
    address: n.mac,
    broadcast: "ff:ff:ff:ff:ff:ff",
    addr_info: info,
  };
}

/** IPv4 routes: default via the gateway, the DHCP subnet, and an on-link route to a gateway outside it (/32 setups). */
export function routes4(nics: HwNic[]): Route[] {
  const n = nics[0];
  if (!n?.ipv4) return [];
  const out: Route[] = [];
  if (n.gateway) out.push({ dst: "default", gateway: n.gateway, dev: n.name, flags: [] });
  if (n.ipv4Prefix < 32)
    out.push({
      dst: `${network(n.ipv4, n.ipv4Prefix)}/${n.ipv4Prefix}`,
      dev: n.name,
      protocol: "kernel",
      scope: "link",
      prefsrc: n.ipv4,
      flags: [],
    });
  if (n.gateway && network(n.gateway, n.ipv4Prefix) !== network(n.ipv4, n.ipv4Prefix))
    out.push({ dst: n.gateway, dev: n.name, scope: "link", flags: [] });
  return out;
}

/** IPv6 routes: the server's /64, link-local, default via fe80::1 (Hetzner's IPv6 gateway). */
export function routes6(nics: HwNic[]): Route[] {
  const n = nics[0];
  if (!n) return [];
  const kernel = (dst: string): Route => ({
    dst,
    dev: n.name,
    protocol: "kernel",
    metric: 256,
    flags: [],
    pref: "medium",
  });
  return [
    ...(n.ipv6Net && n.ipv6 ? [kernel(n.ipv6Net)] : []),
    kernel("fe80::/64"),
    ...(n.ipv6 ? [{ dst: "default", gateway: "fe80::1", dev: n.name, metric: 1024, flags: [], pref: "medium" }] : []),
  ];
}

const toInt = (ip: string) => ip.split(".").reduce((a, o) => a * 256 + Number(o), 0);
const toIp = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");

function network(ip: string, prefix: number): string {
  const size = 2 ** (32 - prefix);
  return toIp(Math.floor(toInt(ip) / size) * size);
}

function broadcast(ip: string, prefix: number): string {
  return toIp(toInt(network(ip, prefix)) + 2 ** (32 - prefix) - 1);
}
