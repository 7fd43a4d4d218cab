/**
 * The Hetzner networking patch (contracts/hetzner-robot.md §3.8–9, contracts/talosctl.md §18):
 * Hetzner blocks L2 between servers, so the address is a static /32 with an on-link /32 route to
 * the gateway and a default route through it; IPv6 is `<net>::1/64` via `fe80::1`. The interface is
 * selected by MAC because names differ between the rescue system and Talos.
 */
import { isIPv4, isIPv6 } from "net";
import { stringify } from "yaml";
import { InputError } from "../internal/errors";
import { usesMultiDocNetwork } from "./versions";

/** Inputs of `hetznerNetworkPatch`; at least one of `ipv4` and `ipv6Net` is required. */
export interface HetznerNetworkOptions {
  /** Talos version of the node: v1.12+ gets LinkAliasConfig/LinkConfig documents, older ones v1alpha1 interfaces. */
  talosVersion: string;
  /** MAC of the public NIC (any case). */
  mac: string;
  /** Public IPv4 address, without prefix. */
  ipv4?: string;
  /** IPv4 gateway (required with `ipv4`), from Robot `GET /ip/{ip}`. */
  gateway?: string;
  /** The server's IPv6 /64, with or without `/64` (Robot `server_ipv6_net` has none). */
  ipv6Net?: string;
  /** Alias given to the NIC on v1.12+. @default "net0" */
  linkName?: string;
}

const IPV6_GATEWAY = "fe80::1";

function expand6(addr: string): number[] {
  const [head, tail] = addr.includes("::") ? addr.split("::") : [addr, undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  return groups.map((g) => parseInt(g, 16));
}

// RFC 5952 text form: lowercase, longest run (≥2) of zero groups compressed to "::".
function compress6(groups: number[]): string {
  let best = -1,
    bestLen = 1;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
  }
  const hex = groups.map((g) => g.toString(16));
  return best < 0 ? hex.join(":") : `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}

/** `<net>::1/64` for a /64 (`2a01:4f8:272:3e0f::` or `…::/64`); throws InputError for anything else. */
export function hetznerIpv6Address(ipv6Net: string): string {
  const [net, prefix = "64"] = ipv6Net.split("/");
  if (!isIPv6(net) || net.includes(".") || prefix !== "64") {
    throw new InputError(
      "ipv6Net",
      `must be an IPv6 /64 like "2a01:4f8:272:3e0f::/64", got ${JSON.stringify(ipv6Net)}`,
    );
  }
  const g = expand6(net);
  return `${compress6([...g.slice(0, 4), 0, 0, 0, 1])}/64`;
}

function validate(o: HetznerNetworkOptions): string {
  if (!/^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/.test(o.mac))
    throw new InputError("mac", `must be a MAC like "a8:a1:59:94:19:42", got ${JSON.stringify(o.mac)}`);
  if (o.ipv4 === undefined && o.ipv6Net === undefined)
    throw new InputError("network", "needs ipv4 (with gateway) or ipv6Net");
  if (o.ipv4 !== undefined && !isIPv4(o.ipv4))
    throw new InputError("ipv4", `must be an IPv4 address without prefix, got ${JSON.stringify(o.ipv4)}`);
  if (o.ipv4 !== undefined && (o.gateway === undefined || !isIPv4(o.gateway))) {
    throw new InputError("gateway", `must be the IPv4 gateway of ${o.ipv4}, got ${JSON.stringify(o.gateway)}`);
  }
  return o.mac.toLowerCase();
}

function addresses(o: HetznerNetworkOptions): string[] {
  return [o.ipv4 && `${o.ipv4}/32`, o.ipv6Net && hetznerIpv6Address(o.ipv6Net)].filter((a): a is string => !!a);
}

function v1alpha1Patch(o: HetznerNetworkOptions, mac: string): string {
  const routes = [
    ...(o.ipv4 ? [{ network: `${o.gateway}/32` }, { network: "0.0.0.0/0", gateway: o.gateway }] : []),
    ...(o.ipv6Net ? [{ network: "::/0", gateway: IPV6_GATEWAY }] : []),
  ];
  const iface = { deviceSelector: { hardwareAddr: mac }, dhcp: false, addresses: addresses(o), routes };
  return stringify({ machine: { network: { interfaces: [iface] } } }, { indent: 4 });
}

// LinkConfig rejects an unspecified destination (0.0.0.0/0, ::/0): a route with only a gateway is
// the default route of the gateway's family; one with only a destination is link-scoped (link.go).
function multiDocPatch(o: HetznerNetworkOptions, mac: string): string {
  const name = o.linkName ?? "net0";
  const alias = {
    apiVersion: "v1alpha1",
    kind: "LinkAliasConfig",
    name,
    selector: { match: `mac(link.permanent_addr) == "${mac}"` },
  };
  const routes = [
    ...(o.ipv4 ? [{ destination: `${o.gateway}/32` }, { gateway: o.gateway }] : []),
    ...(o.ipv6Net ? [{ gateway: IPV6_GATEWAY }] : []),
  ];
  const link = {
    apiVersion: "v1alpha1",
    kind: "LinkConfig",
    name,
    up: true,
    addresses: addresses(o).map((address) => ({ address })),
    routes,
  };
  return [alias, link].map((d) => stringify(d, { indent: 4 })).join("---\n");
}

/** The patch YAML for the node's Talos version (strategic-merge patch; several documents on v1.12+). */
export function hetznerNetworkPatch(o: HetznerNetworkOptions): string {
  const mac = validate(o);
  return usesMultiDocNetwork(o.talosVersion) ? multiDocPatch(o, mac) : v1alpha1Patch(o, mac);
}
