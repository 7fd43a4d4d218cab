/**
 * The Robot route table: method, path, rate-limit bucket and hourly limit (contracts/hetzner-robot.md
 * §1 endpoint table), and the handler. `GET /server` and `GET /server/{n}` share one bucket.
 */
import { RobotHandler } from "./call";
import { RobotSimError } from "./errors";
import * as boot from "./handlers/boot";
import * as firewall from "./handlers/firewall";
import * as templates from "./handlers/firewall-templates";
import * as ips from "./handlers/ips";
import * as keys from "./handlers/keys";
import * as reset from "./handlers/reset";
import * as servers from "./handlers/servers";

/** One route; `bucket` defaults to "METHOD pattern". */
export interface RobotRoute {
  method: "GET" | "POST" | "DELETE";
  pattern: string;
  limitPerHour: number;
  bucket: string;
  handler: RobotHandler;
  regex: RegExp;
  names: string[];
}

function route(
  method: RobotRoute["method"],
  pattern: string,
  limitPerHour: number,
  handler: RobotHandler,
  bucket?: string,
): RobotRoute {
  const names = [...pattern.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  const regex = new RegExp(`^${pattern.replace(/\{\w+\}/g, "([^/]+)")}$`);
  return { method, pattern, limitPerHour, handler, bucket: bucket ?? `${method} ${pattern}`, regex, names };
}

/** Every simulated endpoint. Templates come before `/firewall/{n}` so "template" is not a server number. */
export const ROBOT_ROUTES: RobotRoute[] = [
  route("GET", "/server", 200, servers.listServers, "server"),
  route("GET", "/server/{n}", 200, servers.getServer, "server"),
  route("POST", "/server/{n}", 200, servers.renameServer),
  route("GET", "/boot/{n}", 500, boot.getBoot),
  route("GET", "/boot/{n}/rescue", 500, boot.getRescue),
  route("POST", "/boot/{n}/rescue", 500, boot.activateRescue),
  route("DELETE", "/boot/{n}/rescue", 500, boot.deactivateRescue),
  route("GET", "/boot/{n}/rescue/last", 500, boot.lastRescue),
  route("GET", "/reset", 500, reset.listResets),
  route("GET", "/reset/{n}", 500, reset.getReset),
  route("POST", "/reset/{n}", 50, reset.postReset),
  route("GET", "/key", 500, keys.listKeys),
  route("POST", "/key", 200, keys.createKey),
  route("GET", "/key/{fp}", 500, keys.getKey),
  route("POST", "/key/{fp}", 200, keys.renameKey),
  route("DELETE", "/key/{fp}", 200, keys.deleteKey),
  route("GET", "/ip", 5000, ips.listIps),
  route("GET", "/ip/{ip}", 5000, ips.getIp),
  route("GET", "/subnet", 5000, ips.listSubnets),
  route("GET", "/firewall/template", 500, templates.listTemplates),
  route("POST", "/firewall/template", 500, templates.createTemplate),
  route("GET", "/firewall/template/{id}", 500, templates.getTemplate),
  route("DELETE", "/firewall/template/{id}", 500, templates.deleteTemplate),
  route("GET", "/firewall/{n}", 500, firewall.getFirewall),
  route("POST", "/firewall/{n}", 500, firewall.postFirewall),
  route("DELETE", "/firewall/{n}", 500, firewall.deleteFirewall),
];

/** The route for a request and its decoded path parameters; 404 NOT_FOUND or 405 when there is none. */
export function matchRoute(method: string, path: string): { route: RobotRoute; params: Record<string, string> } {
  let pathKnown = false;
  for (const r of ROBOT_ROUTES) {
    const m = r.regex.exec(path);
    if (!m) continue;
    pathKnown = true;
    if (r.method !== method) continue;
    return { route: r, params: Object.fromEntries(r.names.map((name, i) => [name, decodeURIComponent(m[i + 1])])) };
  }
  if (pathKnown) throw new RobotSimError(405, "METHOD_NOT_ALLOWED", `Method ${method} not allowed`);
  throw new RobotSimError(404, "NOT_FOUND", "Not found");
}
