/**
 * Outputs of a `RobotServer`: the server's addresses from Robot (`GET /server/{n}`, `GET /ip/{ip}`
 * for gateway and prefix), the inventory's NIC and disks, and the Hetzner network patch.
 */
import { RobotClient, RobotServer } from "../../hetzner/robot";
import { DiskInfo, Inventory } from "../../rescue/inventory";
import { hetznerIpv6Address, hetznerNetworkPatch } from "../../talos/network-patch";
import { DiskSummary, RobotServerOutputs } from "./types";

/** Address facts of a server. */
export type NetworkFacts = Pick<
  RobotServerOutputs,
  "serverName" | "ipv4" | "ipv4Prefix" | "ipv4Gateway" | "ipv6Net" | "ipv6Address"
>;

/** Addresses of a server: its main IPv4 with gateway and prefix, and its IPv6 /64 with the node address `<net>::1`. */
export async function networkFacts(robot: RobotClient, server: RobotServer): Promise<NetworkFacts> {
  const ip = server.serverIp ? await robot.ips.get(server.serverIp) : undefined;
  const ipv6Net = server.serverIpv6Net ? `${server.serverIpv6Net.replace(/\/\d+$/, "")}/64` : null;
  return {
    serverName: server.serverName,
    ipv4: server.serverIp,
    ipv4Prefix: ip?.mask ?? null,
    ipv4Gateway: ip?.gateway ?? null,
    ipv6Net,
    ipv6Address: ipv6Net ? hetznerIpv6Address(ipv6Net).replace(/\/64$/, "") : null,
  };
}

/** The disks as recorded in the outputs. */
export function diskSummary(disks: DiskInfo[]): DiskSummary[] {
  return disks.map((d) => ({
    name: d.name,
    byId: d.byId,
    sizeBytes: d.sizeBytes,
    model: d.model,
    serial: d.serial,
    wwn: d.wwn,
    type: d.type,
  }));
}

/** The public NIC's MAC: the one holding the server's IPv4, else the default-route one, else the only one. */
export function publicMac(inv: Pick<Inventory, "nics">, ipv4: string | null): string | null {
  const nic =
    inv.nics.find((n) => ipv4 !== null && n.ipv4 === ipv4) ??
    inv.nics.find((n) => n.isDefaultRoute) ??
    (inv.nics.length === 1 ? inv.nics[0] : undefined);
  return nic?.mac ?? null;
}

/** The Talos network patch for this server, or null when the MAC (or every address) is unknown. */
export function networkPatchFor(talosVersion: string, mac: string | null, net: NetworkFacts): string | null {
  if (!mac || (!net.ipv4 && !net.ipv6Net)) return null;
  if (net.ipv4 && !net.ipv4Gateway) return null;
  return hetznerNetworkPatch({
    talosVersion,
    mac,
    ...(net.ipv4 ? { ipv4: net.ipv4, gateway: net.ipv4Gateway! } : {}),
    ...(net.ipv6Net ? { ipv6Net: net.ipv6Net } : {}),
  });
}
