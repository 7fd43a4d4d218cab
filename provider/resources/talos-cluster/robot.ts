/**
 * The dedicated (Robot) nodes of `TalosCluster`: per node a `RobotServer` (Talos installed over
 * rescue), its machine config applied over the Talos API, and its Robot firewall.
 */
import * as pulumi from "@pulumi/pulumi";
import { InputError } from "../../internal/errors";
import { RobotFirewall } from "../robot-firewall";
import { RobotServer } from "../robot-server";
import type { TalosMachineConfig } from "../talos-machine-config";
import { baseConfigArgs, BuiltNode, ClusterContext, rolledConfig } from "./context";
import {
  ClusterPlan,
  checkServerNumbers,
  configName,
  endpointUrl,
  installImageFor,
  PlannedNode,
  robotFirewallName,
} from "./plan";
import type { RobotNodeArgs, TalosClusterArgs } from "./types";

/** The node's IPv4 (Robot reports none for an IPv6-only server, which this cluster layout cannot use). */
export function requireIpv4(node: PlannedNode, ip: pulumi.Output<string | null>): pulumi.Output<string> {
  return ip.apply((v) => {
    if (!v)
      throw new InputError(
        node.name,
        "the server has no IPv4 address; the cluster's Talos and Kubernetes endpoints need one",
      );
    return v;
  });
}

// A null output (an adopted server the install never inspected) leaves the config's own default.
function orUnset(o: pulumi.Output<string | null>): pulumi.Output<string> {
  return o.apply((v) => v ?? undefined) as pulumi.Output<string>;
}

/**
 * Installs Talos on one dedicated server (`<cluster>-cp-<i>` or `<cluster>-worker-<i>`). Its `image` is
 * the first install's: a `talosVersion` change is an in-place upgrade through the node's config, and an
 * update of the server would only leave its outputs (address, install disk, network patch) unknown in
 * the preview, hiding every config's planned action; so image changes are ignored once it exists.
 */
export function robotServer(
  ctx: ClusterContext,
  node: PlannedNode,
  args: RobotNodeArgs,
  serverNumber: pulumi.Input<number> = args.serverNumber,
  adminCidrs?: pulumi.Input<string[]>,
): RobotServer {
  return new RobotServer(
    node.name,
    {
      serverNumber,
      image: pulumi
        .output(ctx.schematicId)
        .apply((schematicId) => ({ version: ctx.talosVersion, ...(schematicId ? { schematicId } : {}) })),
      installDisk: args.installDisk,
      ...(args.otherDisks !== undefined ? { otherDisks: args.otherDisks } : {}),
      ...(args.adopt !== undefined ? { adopt: args.adopt } : {}),
      ...(args.reinstallTrigger !== undefined ? { reinstallTrigger: args.reinstallTrigger } : {}),
      ...(adminCidrs !== undefined ? { adminCidrs } : {}),
    },
    { parent: ctx.parent, ignoreChanges: ["image"] },
  );
}

/** Renders and applies a dedicated node's config (install disk and Hetzner routing from its `RobotServer`), in its place in the roll. */
export function robotConfig(
  ctx: ClusterContext,
  node: PlannedNode,
  args: RobotNodeArgs,
  server: RobotServer,
  endpoint: pulumi.Input<string>,
  installImage: pulumi.Input<string>,
  firewall?: RobotFirewall,
): TalosMachineConfig {
  return rolledConfig(
    ctx,
    node,
    configName(node),
    {
      ...baseConfigArgs(ctx, node, endpoint),
      installImage,
      installDisk: orUnset(server.installDiskPath),
      nodePatches: args.patches ?? [],
      networkPatch: orUnset(server.networkPatch),
      node: requireIpv4(node, server.ipv4),
    },
    { fresh: installedSince(server, ctx.startedMs), after: firewall ? [firewall] : [] },
  );
}

/** Whether `server` was installed since `startedMs` (by this run: same clock, the provider runs beside the program). */
export function installedSince(server: RobotServer, startedMs: number): pulumi.Output<boolean> {
  return server.installedAt.apply((t) => typeof t === "string" && Date.parse(t) >= startedMs);
}

/**
 * The server numbers, checked for duplicates once known: planCluster checked the plain numbers;
 * numbers that are outputs (another resource's, or secret config) are checked when they resolve,
 * failing every server's registration so none of them is installed.
 */
function checkedServerNumbers(nodes: [PlannedNode, RobotNodeArgs][]): pulumi.Input<number>[] {
  const raw = nodes.map(([, a]) => a.serverNumber);
  if (raw.every((v) => typeof v === "number")) return raw;
  const all = pulumi.all(raw).apply(
    (ns) => (
      checkServerNumbers(
        nodes.map(([n]) => n),
        ns,
      ),
      ns
    ),
  );
  return raw.map((_, i) => all.apply((ns) => ns[i]));
}

/** Every dedicated node of the cluster, and the API endpoint (the first control plane's unless given). */
export function robotNodes(
  ctx: ClusterContext,
  plan: ClusterPlan,
  args: TalosClusterArgs,
): { servers: RobotServer[]; ips: pulumi.Output<string[]>; endpoint: pulumi.Output<string>; built: BuiltNode[] } {
  const nodes: [PlannedNode, RobotNodeArgs][] = [
    ...plan.controlPlanes.map((n, i): [PlannedNode, RobotNodeArgs] => [n, args.controlPlanes[i]]),
    ...plan.robotWorkers.map((n, i): [PlannedNode, RobotNodeArgs] => [n, args.workers!.robot![i]]),
  ];
  const numbers = checkedServerNumbers(nodes);
  // Robot matches IPv6 packets by port only (docs/contracts/robot-firewall.md RF-4): the IPv4 admin
  // CIDRs go to Robot, the IPv6 ones reach the API only on Cloud nodes and through KubeSpan.
  const robotAdmins = pulumi.output(args.adminCidrs).apply((cs) => cs.filter((c) => !c.includes(":")));
  const managed = args.robotFirewall !== false;
  // With the firewall managed, each install runs behind the install rule set (SSH and APIs from the
  // admins only) from before rescue until its RobotFirewall replaces it (docs/maintenance-window.md).
  const servers = nodes.map(([n, a], i) => robotServer(ctx, n, a, numbers[i], managed ? robotAdmins : undefined));
  const ips = servers.map((s, i) => requireIpv4(nodes[i][0], s.ipv4));
  const endpoint =
    args.endpoint !== undefined ? pulumi.output(args.endpoint).apply(endpointUrl) : ips[0].apply(endpointUrl);
  const installer = pulumi.output(args.schematicId).apply((id) => installImageFor(args.talosVersion, id, "metal"));
  // One Robot firewall per server, after its install, replacing the install set (no SSH, the nodes
  // added); Cloud workers are not listed, they come in through KubeSpan. The node's config waits for it.
  const firewalls = nodes.map(([n, a], i) =>
    !managed
      ? undefined
      : new RobotFirewall(
          robotFirewallName(n),
          {
            serverNumber: a.serverNumber,
            adminCidrs: robotAdmins,
            nodeAddresses: pulumi.all(ips),
            serverInstalledAt: servers[i].installedAt,
          },
          { parent: ctx.parent, dependsOn: [servers[i]] },
        ),
  );
  const built = nodes.map(([n, a], i) => ({
    node: n,
    ipv4: ips[i],
    serverId: servers[i].id,
    config: robotConfig(ctx, n, a, servers[i], endpoint, installer, firewalls[i]),
  }));
  return { servers, ips: pulumi.all(ips), endpoint, built };
}
