/** Subnets: `GET /subnet` (additional IPv4 nets and each server's IPv6 /64). */
import { absentOn } from "./errors";
import { RobotTransport } from "./transport";

/** A subnet routed to a server. */
export interface RobotSubnet {
  ip: string;
  mask: number;
  gateway: string;
  serverIp: string | null;
  serverNumber: number;
  failover: boolean;
  locked: boolean;
}

interface SubnetWire {
  ip: string;
  mask: number | string;
  gateway: string;
  server_ip?: string | null;
  server_number: number;
  failover: boolean;
  locked: boolean;
}

/** Subnet calls. */
export class RobotSubnets {
  constructor(private readonly t: RobotTransport) {}

  /** Subnets, optionally of one server's main IP; [] when Robot answers 404 NOT_FOUND. */
  async list(serverIp?: string): Promise<RobotSubnet[]> {
    const r = await absentOn(this.t.get<{ subnet: SubnetWire }[]>("/subnet", { server_ip: serverIp }), "NOT_FOUND");
    return (r ?? []).map(({ subnet: w }) => ({
      ip: w.ip,
      mask: Number(w.mask),
      gateway: w.gateway,
      serverIp: w.server_ip || null,
      serverNumber: w.server_number,
      failover: w.failover,
      locked: w.locked,
    }));
  }
}
