/** Robot servers: `GET /server`, `GET /server/{n}`, `POST /server/{n}`. */
import { InputError } from "../../internal/errors";
import { absentOn } from "./errors";
import { RobotTransport } from "./transport";

/** A dedicated server. */
export interface RobotServer {
  serverNumber: number;
  serverName: string;
  /** Main IPv4; null for IPv6-only servers (no `primary_ipv4` addon since March 2022). */
  serverIp: string | null;
  /** The /64's network address ("2a01:4f8:1::"), null when Robot leaves it out. */
  serverIpv6Net: string | null;
  product: string;
  dc: string;
  traffic: string;
  /** "ready" or "in process". */
  status: string;
  cancelled: boolean;
  paidUntil: string;
  ips: string[];
  subnets: { ip: string; mask: number }[];
  linkedStoragebox: number | null;
  /** Feature flags; only `get` returns them. */
  features?: {
    reset: boolean;
    rescue: boolean;
    vnc: boolean;
    windows: boolean;
    plesk: boolean;
    cpanel: boolean;
    wol: boolean;
    hotSwap: boolean;
  };
}

/** The wire shape (`{"server":{…}}`). */
export interface ServerWire {
  server_number: number;
  server_name: string;
  server_ip?: string | null;
  server_ipv6_net?: string | null;
  product: string;
  dc: string;
  traffic: string;
  status: string;
  cancelled: boolean;
  paid_until: string;
  ip?: string[] | null;
  subnet?: { ip: string; mask: string | number }[] | null;
  linked_storagebox?: number | null;
  reset?: boolean;
  rescue?: boolean;
  vnc?: boolean;
  windows?: boolean;
  plesk?: boolean;
  cpanel?: boolean;
  wol?: boolean;
  hot_swap?: boolean;
}

/** Converts the wire shape; an empty `server_ip` counts as none (contracts/hetzner-robot.md §1). */
export function serverFromWire(w: ServerWire): RobotServer {
  const server: RobotServer = {
    serverNumber: w.server_number,
    serverName: w.server_name,
    serverIp: w.server_ip || null,
    serverIpv6Net: w.server_ipv6_net || null,
    product: w.product,
    dc: w.dc,
    traffic: w.traffic,
    status: w.status,
    cancelled: w.cancelled,
    paidUntil: w.paid_until,
    ips: w.ip ?? [],
    subnets: (w.subnet ?? []).map((s) => ({ ip: s.ip, mask: Number(s.mask) })), // mask is a string here, "64"
    linkedStoragebox: w.linked_storagebox ?? null,
  };
  if (w.reset === undefined) return server;
  const flag = (v: boolean | undefined) => v === true;
  server.features = {
    reset: flag(w.reset),
    rescue: flag(w.rescue),
    vnc: flag(w.vnc),
    windows: flag(w.windows),
    plesk: flag(w.plesk),
    cpanel: flag(w.cpanel),
    wol: flag(w.wol),
    hotSwap: flag(w.hot_swap),
  };
  return server;
}

/** Throws InputError unless `n` is a positive integer server number. */
export function checkServerNumber(n: number, field = "serverNumber"): void {
  if (!Number.isInteger(n) || n <= 0) throw new InputError(field, `must be a positive integer, got ${n}`);
}

/** Server calls. `/server` list and get share one bucket of 200 requests per hour: cache what you read. */
export class RobotServers {
  constructor(private readonly t: RobotTransport) {}

  /** The server, or undefined when Robot answers 404 SERVER_NOT_FOUND. */
  async get(serverNumber: number): Promise<RobotServer | undefined> {
    checkServerNumber(serverNumber);
    const r = await absentOn(this.t.get<{ server: ServerWire }>(`/server/${serverNumber}`), "SERVER_NOT_FOUND");
    return r && serverFromWire(r.server);
  }

  /** Every server of the account; [] when Robot answers 404 SERVER_NOT_FOUND (no servers). */
  async list(): Promise<RobotServer[]> {
    const r = await absentOn(this.t.get<{ server: ServerWire }[]>("/server"), "SERVER_NOT_FOUND");
    return (r ?? []).map((x) => serverFromWire(x.server));
  }

  /** Sets the server's name; throws RobotApiError SERVER_NOT_FOUND for an unknown server. */
  async rename(serverNumber: number, name: string): Promise<RobotServer> {
    checkServerNumber(serverNumber);
    const r = await this.t.post<{ server: ServerWire }>(`/server/${serverNumber}`, { server_name: name });
    return serverFromWire(r.server);
  }
}
