/** Main and additional IPv4 addresses: `GET /ip`, `GET /ip/{ip}` (the one with gateway and mask). */
import { isIPv4 } from "net";
import { InputError } from "../../internal/errors";
import { absentOn } from "./errors";
import { RobotTransport } from "./transport";

/** An IPv4 address of a server. */
export interface RobotIp {
  ip: string;
  serverIp: string | null;
  serverNumber: number;
  locked: boolean;
  separateMac: string | null;
}

/** One address with its network: what a static /32 + on-link gateway setup needs. */
export interface RobotIpDetail extends RobotIp {
  gateway: string;
  /** Prefix length (an integer here, unlike the server's subnet mask string). */
  mask: number;
  broadcast: string;
}

interface IpWire {
  ip: string;
  server_ip?: string | null;
  server_number: number;
  locked: boolean;
  separate_mac: string | null;
  gateway?: string;
  mask?: number | string;
  broadcast?: string;
}

function ipFromWire(w: IpWire): RobotIp {
  return {
    ip: w.ip,
    serverIp: w.server_ip || null,
    serverNumber: w.server_number,
    locked: w.locked,
    separateMac: w.separate_mac,
  };
}

/** IP calls. */
export class RobotIps {
  constructor(private readonly t: RobotTransport) {}

  /** Addresses, optionally of one server's main IP; [] when Robot answers 404 NOT_FOUND. */
  async list(serverIp?: string): Promise<RobotIp[]> {
    const r = await absentOn(this.t.get<{ ip: IpWire }[]>("/ip", { server_ip: serverIp }), "NOT_FOUND");
    return (r ?? []).map((x) => ipFromWire(x.ip));
  }

  /** One address with gateway, mask and broadcast, or undefined (404 IP_NOT_FOUND). */
  async get(ip: string): Promise<RobotIpDetail | undefined> {
    if (!isIPv4(ip)) throw new InputError("ip", `must be an IPv4 address, got "${ip}"`);
    const r = await absentOn(this.t.get<{ ip: IpWire }>(`/ip/${ip}`), "IP_NOT_FOUND");
    if (!r) return undefined;
    return {
      ...ipFromWire(r.ip),
      gateway: String(r.ip.gateway),
      mask: Number(r.ip.mask),
      broadcast: String(r.ip.broadcast),
    };
  }
}
