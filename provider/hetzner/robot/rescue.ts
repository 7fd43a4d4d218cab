/**
 * The rescue system: `GET/POST/DELETE /boot/{n}/rescue`, `GET /boot/{n}/rescue/last`.
 * Rescue is one-shot: `active` turns false once the server has booted it, so `active: false`
 * right after a reset means "consumed", not "failed" (contracts/hetzner-robot.md §3.2).
 */
import { RobotTransport } from "./transport";
import { checkServerNumber } from "./servers";

/** A key as rescue objects list it. */
export interface RobotKeyRef {
  name: string | null;
  fingerprint: string;
  type: string;
  size: number;
}

/** A rescue configuration: the active (or last) activation, or the inactive list of options. */
export interface RobotRescue {
  serverNumber: number;
  serverIp: string | null;
  serverIpv6Net: string | null;
  active: boolean;
  /** The activated OS; null in the inactive shape. */
  os: string | null;
  /** OSes that could be activated; only in the inactive shape, else []. */
  osOptions: string[];
  /** Root password of the activation; null when inactive and in `last`. */
  password: string | null;
  authorizedKeys: RobotKeyRef[];
  hostKeys: RobotKeyRef[];
  /** When the server booted this activation (undocumented, live); null before that. */
  bootTime: string | null;
}

/** The wire shape (`{"rescue":{…}}`). */
export interface RescueWire {
  server_number: number;
  server_ip?: string | null;
  server_ipv6_net?: string | null;
  os: string | string[];
  active: boolean;
  password: string | null;
  authorized_key?: { key: Partial<RobotKeyRef> }[];
  host_key?: { key: Partial<RobotKeyRef> }[];
  boot_time?: string | null;
}

/** Converts the wire shape. */
export function rescueFromWire(w: RescueWire): RobotRescue {
  const refs = (list: { key: Partial<RobotKeyRef> }[] | undefined) =>
    (list ?? []).map(({ key }) => ({
      name: key.name ?? null,
      fingerprint: String(key.fingerprint),
      type: String(key.type),
      size: Number(key.size),
    }));
  return {
    serverNumber: w.server_number,
    serverIp: w.server_ip || null,
    serverIpv6Net: w.server_ipv6_net || null,
    active: w.active,
    os: Array.isArray(w.os) ? null : w.os,
    osOptions: Array.isArray(w.os) ? w.os : [],
    password: w.password,
    authorizedKeys: refs(w.authorized_key),
    hostKeys: refs(w.host_key),
    bootTime: w.boot_time ?? null,
  };
}

/** Rescue calls; each throws RobotApiError (SERVER_NOT_FOUND, BOOT_NOT_AVAILABLE, …) on failure. */
export class RobotRescueApi {
  constructor(private readonly t: RobotTransport) {}

  /** The current rescue configuration. */
  async get(serverNumber: number): Promise<RobotRescue> {
    return this.call("GET", serverNumber, "/rescue");
  }

  /**
   * Arms rescue for the next boot with these key fingerprints (sent as `authorized_key[]`, so all
   * of them reach the rescue system). 409 BOOT_ALREADY_ENABLED when already armed.
   */
  async activate(
    serverNumber: number,
    os: "linux" | "vkvm",
    fingerprints: string[],
    keyboard?: string,
  ): Promise<RobotRescue> {
    checkServerNumber(serverNumber);
    const r = await this.t.post<{ rescue: RescueWire }>(`/boot/${serverNumber}/rescue`, {
      os,
      authorized_key: fingerprints,
      keyboard,
    });
    return rescueFromWire(r.rescue);
  }

  /** Disarms rescue; answers with the inactive shape. */
  async deactivate(serverNumber: number): Promise<RobotRescue> {
    return this.call("DELETE", serverNumber, "/rescue");
  }

  /** The last activation (password null). */
  async last(serverNumber: number): Promise<RobotRescue> {
    return this.call("GET", serverNumber, "/rescue/last");
  }

  private async call(method: "GET" | "DELETE", serverNumber: number, suffix: string): Promise<RobotRescue> {
    checkServerNumber(serverNumber);
    const path = `/boot/${serverNumber}${suffix}`;
    const r =
      method === "GET"
        ? await this.t.get<{ rescue: RescueWire }>(path)
        : await this.t.delete<{ rescue: RescueWire }>(path);
    return rescueFromWire(r.rescue);
  }
}
