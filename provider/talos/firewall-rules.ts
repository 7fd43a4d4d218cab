/**
 * Firewall rule sets for a hybrid Talos cluster on Hetzner: `@pulumi/hcloud` Firewall rules for
 * cloud nodes here, the Robot (dedicated server) rule set in firewall-rules-robot.ts. Hetzner Cloud
 * firewalls are stateful and drop every inbound packet no `in` rule admits (contracts/hetzner-cloud.md
 * "Firewall semantics"), so these rules are all a node needs inbound.
 */
import { InputError } from "../internal/errors";
import { normalizeSources } from "../internal/cidr";

export { parseCidr, formatCidr, aggregateCidrs, normalizeSources } from "../internal/cidr";

/** KubeSpan's WireGuard port (Talos `constants.KubeSpanDefaultPort`). */
export const KUBESPAN_PORT = 51820;
/** Talos API ports: apid 50000 and trustd 50001. */
export const TALOS_API_PORTS = "50000-50001";
/** Kubernetes API server port. */
export const KUBERNETES_API_PORT = "6443";
/** Every IPv4 and IPv6 address. */
export const ANYWHERE = ["0.0.0.0/0", "::/0"] as const;
/** The Cloud API accepts at most 100 CIDRs per rule (contracts/hetzner-cloud.md). */
const MAX_CIDRS_PER_RULE = 100;

/** One rule in the shape of `@pulumi/hcloud` `Firewall` `rules` (`hcloud.types.input.FirewallRule`). */
export interface HcloudFirewallRule {
  direction: "in" | "out";
  protocol: "tcp" | "udp" | "icmp" | "gre" | "esp";
  /** "51820" or a range "50000-50001"; only for tcp and udp. */
  port?: string;
  sourceIps?: string[];
  destinationIps?: string[];
  description?: string;
}

/** Inbound UDP 51820 from anywhere: all KubeSpan needs between nodes (peers connect from any address). */
export function kubeSpanFirewallRules(): HcloudFirewallRule[] {
  return [
    {
      direction: "in",
      protocol: "udp",
      port: String(KUBESPAN_PORT),
      sourceIps: [...ANYWHERE],
      description: "KubeSpan WireGuard between cluster nodes",
    },
  ];
}

/**
 * Inbound Talos API (50000-50001/tcp) and Kubernetes API (6443/tcp) from the admin CIDRs and the
 * cluster's own node addresses only; sources are merged into the fewest exact CIDRs.
 */
export function talosAdminFirewallRules(
  adminCidrs: readonly string[],
  nodeAddresses: readonly string[] = [],
): HcloudFirewallRule[] {
  if (!Array.isArray(adminCidrs)) throw new InputError("adminCidrs", "must be a list of CIDRs");
  if (!Array.isArray(nodeAddresses)) throw new InputError("nodeAddresses", "must be a list of addresses");
  normalizeSources("nodeAddresses", nodeAddresses);
  const sources = normalizeSources("adminCidrs", [...adminCidrs, ...nodeAddresses]);
  if (adminCidrs.length === 0)
    throw new InputError(
      "adminCidrs",
      "must list at least one CIDR: without one, nobody outside the cluster can reach the Talos or Kubernetes API",
    );
  if (sources.length > MAX_CIDRS_PER_RULE) {
    throw new InputError(
      "adminCidrs",
      `together with nodeAddresses merge into ${sources.length} CIDRs; a Hetzner Cloud firewall rule takes at most ${MAX_CIDRS_PER_RULE}`,
    );
  }
  return [
    {
      direction: "in",
      protocol: "tcp",
      port: TALOS_API_PORTS,
      sourceIps: sources,
      description: "Talos API (apid, trustd) from admins and cluster nodes",
    },
    {
      direction: "in",
      protocol: "tcp",
      port: KUBERNETES_API_PORT,
      sourceIps: [...sources],
      description: "Kubernetes API from admins and cluster nodes",
    },
  ];
}

/** The same rules in the Cloud API's wire shape (`source_ips`), for the project's CloudClient. */
export function toCloudApiRules(rules: readonly HcloudFirewallRule[]): {
  direction: "in" | "out";
  protocol: HcloudFirewallRule["protocol"];
  port?: string;
  source_ips?: string[];
  destination_ips?: string[];
  description?: string;
}[] {
  return rules.map((r) => ({
    direction: r.direction,
    protocol: r.protocol,
    ...(r.port !== undefined ? { port: r.port } : {}),
    ...(r.direction === "in"
      ? { source_ips: [...(r.sourceIps ?? [])] }
      : { destination_ips: [...(r.destinationIps ?? [])] }),
    ...(r.description !== undefined ? { description: r.description } : {}),
  }));
}
