/**
 * Resets: `GET /reset`, `GET /reset/{n}`, `POST /reset/{n}`. Read the offered types first:
 * `sw` is missing on many newer boxes and asking for it is 400 INVALID_INPUT (aszlig/hetzner#61).
 * POST /reset is limited to 50 per hour and is never retried blindly.
 */
import { absentOn } from "./errors";
import { checkServerNumber } from "./servers";
import { RobotTransport } from "./transport";

/** Robot reset types: Ctrl+Alt+Del, reset button, technician, power button, long power press. */
export type RobotResetType = "sw" | "hw" | "man" | "power" | "power_long";

/** What resets a server offers. */
export interface RobotResetOptions {
  serverNumber: number;
  serverIp: string | null;
  serverIpv6Net: string | null;
  types: RobotResetType[];
  /** "running", "shut off" or "not supported"; only `getOptions` has it. */
  operatingStatus?: string;
}

interface ResetWire {
  server_number: number;
  server_ip?: string | null;
  server_ipv6_net?: string | null;
  type: RobotResetType[] | RobotResetType;
  operating_status?: string;
}

function resetFromWire(w: ResetWire): RobotResetOptions {
  const options: RobotResetOptions = {
    serverNumber: w.server_number,
    serverIp: w.server_ip || null,
    serverIpv6Net: w.server_ipv6_net || null,
    types: Array.isArray(w.type) ? w.type : [w.type],
  };
  if (w.operating_status !== undefined) options.operatingStatus = w.operating_status;
  return options;
}

/** Reset calls. */
export class RobotResetApi {
  constructor(private readonly t: RobotTransport) {}

  /** Every server that offers resets; [] when Robot answers 404 NOT_FOUND. */
  async list(): Promise<RobotResetOptions[]> {
    const r = await absentOn(this.t.get<{ reset: ResetWire }[]>("/reset"), "NOT_FOUND");
    return (r ?? []).map((x) => resetFromWire(x.reset));
  }

  /** The server's reset types and operating status; throws SERVER_NOT_FOUND / RESET_NOT_AVAILABLE. */
  async getOptions(serverNumber: number): Promise<RobotResetOptions> {
    checkServerNumber(serverNumber);
    return resetFromWire((await this.t.get<{ reset: ResetWire }>(`/reset/${serverNumber}`)).reset);
  }

  /** Triggers a reset of `type`; the answer echoes the type. Never automate `man` (a technician). */
  async reset(serverNumber: number, type: RobotResetType): Promise<{ serverNumber: number; type: RobotResetType }> {
    checkServerNumber(serverNumber);
    const r = await this.t.post<{ reset: ResetWire }>(`/reset/${serverNumber}`, { type });
    return { serverNumber: r.reset.server_number, type: resetFromWire(r.reset).types[0] };
  }
}
