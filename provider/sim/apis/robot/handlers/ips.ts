/**
 * Addresses: `GET /ip`, `GET /ip/{ip}` (adds gateway, mask as an integer CIDR, broadcast;
 * fixtures/robot/ip-get.json) and `GET /subnet` (each server's IPv6 /64, gateway fe80::1).
 */
import { RobotHandler } from "../call";
import { RobotSimError, notFound } from "../errors";
import { ipv4Broadcast, networkAddress } from "../ip";
import { SimServer } from "../state";
import { wrapEach } from "./views";

const TRAFFIC = { traffic_warnings: false, traffic_hourly: 50, traffic_daily: 50, traffic_monthly: 8 };

function ipSummary(s: SimServer): Record<string, unknown> {
  const ip = s.machine.spec.ipv4;
  return { ip, server_ip: ip, server_number: s.scenario.number, locked: false, separate_mac: null, ...TRAFFIC };
}

/** GET /ip with optional `server_ip` filter; 404 NOT_FOUND when nothing matches. */
export const listIps: RobotHandler = ({ state, query }) => {
  const filter = query.get("server_ip");
  const servers = [...state.servers.values()].filter(
    (s) => s.machine.spec.ipv4 && (!filter || s.machine.spec.ipv4 === filter),
  );
  if (!servers.length) throw notFound("No IP addresses found");
  return { body: wrapEach("ip", servers.map(ipSummary)) };
};

/** GET /ip/{ip}. */
export const getIp: RobotHandler = ({ state, params }) => {
  const s = [...state.servers.values()].find((x) => x.machine.spec.ipv4 === params.ip);
  if (!s) throw new RobotSimError(404, "IP_NOT_FOUND", "IP not found");
  const { ip, ...rest } = ipSummary(s);
  const spec = s.machine.spec;
  return {
    body: {
      ip: {
        ip,
        gateway: spec.gateway,
        mask: spec.ipv4Prefix,
        broadcast: ipv4Broadcast(params.ip, spec.ipv4Prefix),
        ...rest,
      },
    },
  };
};

/** GET /subnet with optional `server_ip` filter; 404 NOT_FOUND when nothing matches. */
export const listSubnets: RobotHandler = ({ state, query }) => {
  const filter = query.get("server_ip");
  const servers = [...state.servers.values()].filter((s) => !filter || s.machine.spec.ipv4 === filter);
  if (!servers.length) throw notFound("No subnets found");
  const subnet = (s: SimServer) => ({
    ip: networkAddress(s.machine.spec.ipv6Net),
    mask: Number(s.machine.spec.ipv6Net.split("/")[1] ?? 64),
    gateway: "fe80::1",
    server_ip: s.machine.spec.ipv4,
    server_number: s.scenario.number,
    failover: false,
    locked: false,
    traffic_warnings: false,
    traffic_hourly: 100,
    traffic_daily: 500,
    traffic_monthly: 2,
  });
  return { body: wrapEach("subnet", servers.map(subnet)) };
};
