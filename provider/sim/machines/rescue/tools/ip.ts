/**
 * Stand-in for iproute2 6.1 `ip` in the simulated rescue system: `addr`, `link` and `route` (show
 * only, JSON with -j or text) from the machine's NICs. Changes are refused as without CAP_NET_ADMIN.
 */
import { die, readHardware } from "./hardware";
import { AddrInfo, Link, Route, links, routes4, routes6 } from "./ip-model";

interface Flags {
  json: boolean;
  pretty: boolean;
  brief: boolean;
  family: 4 | 6 | null;
}

const OBJECTS: Record<string, string[]> = {
  addr: ["a", "ad", "add", "addr", "addre", "addres", "address"],
  link: ["l", "li", "lin", "link"],
  route: ["r", "ro", "rou", "rout", "route"],
};

/** Runs ip with `argv`. */
export function main(argv: string[]): void {
  const f: Flags = { json: false, pretty: false, brief: false, family: null };
  let i = 0;
  for (; i < argv.length && argv[i].startsWith("-"); i++) applyOption(f, argv[i]);
  const object = Object.keys(OBJECTS).find((k) => OBJECTS[k].includes(argv[i] ?? "a"));
  if (!object) die("ip", `Object "${argv[i]}" is unknown, try "ip help".`);
  const rest = argv.slice(i + 1);
  const command = rest[0] ?? "show";
  if (!["show", "list", "lst", "sh", "ls", "s", "l"].includes(command) && !(object === "route" && command === "get")) {
    process.stderr.write("RTNETLINK answers: Operation not permitted\n");
    process.exit(2);
  }
  const dev = pickDev(rest.slice(1));
  const nics = readHardware().nics;
  const out =
    object === "route"
      ? showRoutes(nics, f, rest)
      : showLinks(
          links(nics).filter((l) => !dev || l.ifname === dev),
          object === "addr",
          f,
        );
  process.stdout.write(out);
}

function applyOption(f: Flags, opt: string): void {
  const o = opt.replace(/^--?/, "");
  if (o === "j" || o === "json") f.json = true;
  else if (o === "p" || o === "pretty") f.pretty = true;
  else if (o === "br" || o === "brief") f.brief = true;
  else if (o === "4" || o === "6") f.family = Number(o) as 4 | 6;
  else if (!["o", "oneline", "d", "details", "s", "stats", "c", "color", "n", "N"].includes(o.split("=")[0]))
    die("ip", `Option "${opt}" is unknown, try "ip -help".`);
}

function pickDev(args: string[]): string | null {
  const i = args.indexOf("dev");
  return i >= 0 ? (args[i + 1] ?? null) : (args.find((a) => !["up", "scope", "global", "primary"].includes(a)) ?? null);
}

function dump(v: unknown, f: Flags): string {
  return (f.pretty ? JSON.stringify(v, null, 4) : JSON.stringify(v)) + "\n";
}

function showLinks(ls: Link[], withAddr: boolean, f: Flags): string {
  const fam = (a: AddrInfo) => !f.family || (f.family === 4) === (a.family === "inet");
  const view = ls.map((l) => ({ ...l, addr_info: l.addr_info.filter(fam) }));
  if (f.json)
    return dump(
      view.map((l) => (withAddr ? l : linkOnly(l))),
      f,
    );
  if (f.brief) return view.map((l) => brief(l, withAddr)).join("");
  return view.map((l) => linkText(l, withAddr)).join("");
}

function linkOnly(l: Link): Omit<Link, "addr_info"> & { linkmode: string } {
  const { addr_info: _a, ifindex, ifname, flags, mtu, qdisc, operstate, ...tail } = l;
  return { ifindex, ifname, flags, mtu, qdisc, operstate, linkmode: "DEFAULT", ...tail };
}

function brief(l: Link, withAddr: boolean): string {
  const tail = withAddr
    ? l.addr_info.map((a) => `${a.local}/${a.prefixlen} `).join("")
    : `${l.address} <${l.flags.join(",")}> `;
  return `${l.ifname.padEnd(16)} ${l.operstate.padEnd(14)} ${tail}\n`;
}

function linkText(l: Link, withAddr: boolean): string {
  const mode = withAddr ? "" : "mode DEFAULT ";
  let s = `${l.ifindex}: ${l.ifname}: <${l.flags.join(",")}> mtu ${l.mtu} qdisc ${l.qdisc} state ${l.operstate} ${mode}group ${l.group} qlen ${l.txqlen}\n`;
  s += `    link/${l.link_type} ${l.address} brd ${l.broadcast}\n`;
  if (!withAddr) return s;
  for (const a of l.addr_info) {
    const brd = a.broadcast ? ` brd ${a.broadcast}` : "";
    s += `    ${a.family} ${a.local}/${a.prefixlen}${brd} scope ${a.scope} ${a.label ?? ""}\n       valid_lft forever preferred_lft forever\n`;
  }
  return s;
}

function showRoutes(nics: ReturnType<typeof readHardware>["nics"], f: Flags, rest: string[]): string {
  let rs = f.family === 6 ? routes6(nics) : routes4(nics);
  if (rest.includes("default")) rs = rs.filter((r) => r.dst === "default");
  if (rest[0] === "get") rs = rs.filter((r) => r.dst === "default").map((r) => ({ ...r, dst: rest[1] ?? "0.0.0.0" }));
  return f.json ? dump(rs, f) : rs.map(routeText).join("");
}

function routeText(r: Route): string {
  const parts = [
    r.dst,
    r.gateway && `via ${r.gateway}`,
    `dev ${r.dev}`,
    r.protocol && `proto ${r.protocol}`,
    r.scope && `scope ${r.scope}`,
    r.prefsrc && `src ${r.prefsrc}`,
  ];
  const v6 = [r.metric !== undefined && `metric ${r.metric}`, r.pref && `pref ${r.pref}`].filter(Boolean);
  // iproute2 leaves a trailing space after IPv4 routes but not after IPv6 ones.
  return parts.filter(Boolean).join(" ") + (v6.length ? ` ${v6.join(" ")}` : " ") + "\n";
}

if (require.main === module) main(process.argv.slice(2));
