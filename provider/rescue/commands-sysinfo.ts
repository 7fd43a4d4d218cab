/**
 * Parsers for the non-disk parts of a rescue inventory: `ip -j addr` / `ip -j route`, CAPH's
 * nic-info pairs, `/proc/mdstat`, `/proc/meminfo` and `dmidecode -s system-uuid`. Pure.
 */

/** One network interface as the rescue system sees it. */
export interface NicInfo {
  /** Name in the rescue system (Talos names it differently: select by MAC). */
  name: string;
  /** Permanent MAC when the kernel reports one, else the current MAC; lowercase. */
  mac: string;
  ipv4?: string;
  prefix?: number;
  gateway?: string;
  /** Global IPv6 addresses with prefix (`2a01:4f8:…::2/64`). */
  ipv6?: string[];
  /** True when the IPv4 default route leaves through this interface. */
  isDefaultRoute: boolean;
}

/** One md RAID array from /proc/mdstat. */
export interface MdArray {
  /** Array device name (`md0`, `md127`). */
  name: string;
  state: "active" | "inactive";
  /** RAID level when shown (`raid1`); inactive arrays have none. */
  level?: string;
  /** Kernel names of member devices (`nvme0n1p2`). */
  members: string[];
}

interface IpAddrInfo {
  family?: string;
  local?: string;
  prefixlen?: number;
  scope?: string;
}
interface IpLink {
  ifname?: string;
  link_type?: string;
  address?: string;
  permaddr?: string;
  addr_info?: IpAddrInfo[];
}
interface IpRoute {
  dst?: string;
  gateway?: string;
  dev?: string;
}

/** Parses `ip -j addr` and `ip -j route` into Ethernet NICs (loopback and MAC-less links skipped). */
export function parseIpJson(addrJson: string, routeJson: string): NicInfo[] {
  const links = JSON.parse(addrJson || "[]") as IpLink[];
  const routes = JSON.parse(routeJson || "[]") as IpRoute[];
  const defaults = routes.filter((r) => r.dst === "default");
  return links
    .filter((l) => l.link_type === "ether" && l.ifname && l.address)
    .map((l) => {
      const v4 = (l.addr_info ?? []).find((a) => a.family === "inet" && a.scope === "global");
      const v6 = (l.addr_info ?? [])
        .filter((a) => a.family === "inet6" && a.scope === "global")
        .map((a) => `${a.local}/${a.prefixlen}`);
      const route = defaults.find((r) => r.dev === l.ifname);
      const nic: NicInfo = {
        name: l.ifname as string,
        mac: (l.permaddr ?? (l.address as string)).toLowerCase(),
        isDefaultRoute: route !== undefined,
      };
      if (v4?.local) Object.assign(nic, { ipv4: v4.local, prefix: v4.prefixlen });
      if (route?.gateway) nic.gateway = route.gateway;
      if (v6.length > 0) nic.ipv6 = v6;
      return nic;
    });
}

/** Parses CAPH nic-info.sh pairs (`name="eth0" … mac="…" ip="23.88.6.239/26"`), one line per address. */
export function parseNicInfoPairs(text: string): NicInfo[] {
  const byName = new Map<string, NicInfo>();
  for (const line of text.split("\n")) {
    const kv: Record<string, string> = {};
    for (const m of line.matchAll(/(\w+)="([^"]*)"/g)) kv[m[1]] = m[2];
    if (!kv.name || !kv.mac) continue;
    const nic = byName.get(kv.name) ?? { name: kv.name, mac: kv.mac.toLowerCase(), isDefaultRoute: false };
    byName.set(kv.name, nic);
    const [ip, prefix] = (kv.ip ?? "").split("/");
    if (ip?.includes(":")) nic.ipv6 = [...(nic.ipv6 ?? []), kv.ip];
    else if (ip && nic.ipv4 === undefined) Object.assign(nic, { ipv4: ip, prefix: Number(prefix) });
  }
  return [...byName.values()];
}

/** Parses /proc/mdstat into arrays with their member devices (spare/faulty markers dropped). */
export function parseMdstat(text: string): MdArray[] {
  const arrays: MdArray[] = [];
  for (const line of text.split("\n")) {
    const m = /^(md\S*)\s*:\s*(active|inactive)\b(.*)$/.exec(line);
    if (!m) continue;
    const a: MdArray = { name: m[1], state: m[2] as MdArray["state"], members: [] };
    for (const tok of m[3].trim().split(/\s+/)) {
      const member = /^([^\s[]+)\[\d+\]/.exec(tok);
      if (member) a.members.push(member[1]);
      else if (/^(raid\d+|linear|multipath|faulty)$/.test(tok)) a.level = tok;
    }
    arrays.push(a);
  }
  return arrays;
}

/** Reads `MemTotal: N kB` from /proc/meminfo as bytes; undefined when absent. */
export function parseMemTotal(text: string): number | undefined {
  const m = /^MemTotal:\s+(\d+)\s*kB/m.exec(text);
  return m ? Number(m[1]) * 1024 : undefined;
}

/** The system UUID printed by `dmidecode -s system-uuid` (comment lines skipped), lowercase; "" when none. */
export function parseSystemUuid(text: string): string {
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
  return (lines.pop() ?? "").toLowerCase();
}
