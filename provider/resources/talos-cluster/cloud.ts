/**
 * The Hetzner Cloud children of `TalosCluster`: the Talos snapshot, the nodes' firewall, and per Cloud
 * worker a user-data machine config, an `@pulumi/hcloud` `Server` and the config applied to it. A worker's config depends only
 * on its pool's settings and its own name, never on the pool size, so scaling touches no other worker.
 */
import * as hcloud from "@pulumi/hcloud";
import * as pulumi from "@pulumi/pulumi";
import { kubeSpanFirewallRules, talosAdminFirewallRules } from "../../talos/firewall-rules";
import { TalosImage } from "../talos-image";
import { TalosMachineConfig, TalosMachineConfigArgs } from "../talos-machine-config";
import { baseConfigArgs, BuiltNode, ClusterContext, rolledConfig } from "./context";
import {
  ClusterPlan,
  cloudServerLabels,
  configName,
  installImageFor,
  nodeConfigName,
  nodeLabelsPatch,
  PlannedNode,
} from "./plan";
import type { CloudPoolArgs, TalosClusterArgs } from "./types";

/** The one Talos snapshot every Cloud worker boots from (adopted by its labels when it exists). */
export function cloudImage(parent: pulumi.Resource, args: TalosClusterArgs, name: string): TalosImage {
  const o = args.cloudImage ?? {};
  return new TalosImage(
    name,
    {
      talosVersion: args.talosVersion,
      ...(args.schematicId !== undefined ? { schematicId: args.schematicId } : {}),
      ...(o.arch !== undefined ? { arch: o.arch } : {}),
      ...(o.location !== undefined ? { location: o.location } : {}),
      ...(o.serverType !== undefined ? { serverType: o.serverType } : {}),
      adminCidrs: args.adminCidrs,
      pools: (args.workers?.cloudPools ?? []).map((p) => ({
        name: p.name,
        serverType: p.serverType,
        location: p.location,
      })),
    },
    { parent },
  );
}

/**
 * The Cloud workers' firewall: KubeSpan from anywhere, the Talos and Kubernetes APIs from the admin
 * CIDRs and the dedicated nodes (whose apid proxies talosctl calls to the workers). Workers reach
 * each other and the control planes through KubeSpan, so the rules do not change when a pool scales.
 */
export function cloudFirewall(
  ctx: ClusterContext,
  name: string,
  adminCidrs: pulumi.Input<pulumi.Input<string>[]>,
  robotIps: pulumi.Output<string[]>,
): hcloud.Firewall {
  return new hcloud.Firewall(
    name,
    {
      labels: ctx.clusterName.apply((c) => ({ "talos-cluster": c })),
      rules: pulumi
        .all([pulumi.output(adminCidrs), robotIps])
        .apply(([admins, ips]) => [...kubeSpanFirewallRules(), ...talosAdminFirewallRules(admins, ips)]),
    },
    { parent: ctx.parent },
  );
}

/** What the component gives every Cloud worker. */
export interface CloudShared {
  endpoint: pulumi.Input<string>;
  installImage: pulumi.Input<string>;
  image: TalosImage;
  firewall: hcloud.Firewall;
}

/** The render inputs a Cloud worker's two configs share (user-data at first boot, apply for day 2). */
function workerConfigArgs(
  ctx: ClusterContext,
  node: PlannedNode,
  pool: CloudPoolArgs,
  shared: CloudShared,
): TalosMachineConfigArgs {
  const nodePatches = pulumi
    .all([pulumi.output(pool.labels ?? {}), pulumi.output(pool.patches ?? [])])
    .apply(([labels, patches]) => [...nodeLabelsPatch(labels), ...patches]);
  return {
    ...baseConfigArgs(ctx, node, shared.endpoint),
    installImage: shared.installImage,
    nodePatches,
    platform: "cloud",
  };
}

/**
 * One Cloud worker: its config rendered as user-data for the first boot, the server booted with it, and
 * the same config applied to the running server (`-node`, `unchanged` on create) so later changes (a
 * Talos upgrade, labels, patches, removal) happen in place. The server ignores `image` and `userData`
 * changes: they only matter for a server created later, which boots from the current snapshot.
 */
export function cloudWorker(
  ctx: ClusterContext,
  node: PlannedNode,
  pool: CloudPoolArgs,
  shared: CloudShared,
): { firstBoot: TalosMachineConfig; server: hcloud.Server; config: TalosMachineConfig } {
  const args = workerConfigArgs(ctx, node, pool, shared);
  const firstBoot = new TalosMachineConfig(
    configName(node),
    { ...args, delivery: "user-data" },
    { parent: ctx.parent },
  );
  const server = new hcloud.Server(
    node.name,
    {
      name: node.name,
      serverType: pool.serverType,
      location: pool.location,
      image: shared.image.imageId.apply(String),
      userData: firstBoot.userData as pulumi.Output<string>,
      firewallIds: [shared.firewall.id.apply(Number)],
      labels: pulumi
        .all([ctx.clusterName, pulumi.output(pool.serverLabels ?? {})])
        .apply(([c, extra]) => cloudServerLabels(c, pool.name, extra)),
    },
    { parent: ctx.parent, ignoreChanges: ["image", "userData"] },
  );
  const config = rolledConfig(ctx, node, nodeConfigName(node), { ...args, node: server.ipv4Address });
  return { firstBoot, server, config };
}

/** Every Cloud worker of the cluster with the snapshot and the firewall they share; nothing without Cloud workers. */
export function cloudNodes(
  ctx: ClusterContext,
  plan: ClusterPlan,
  args: TalosClusterArgs,
  names: { image?: TalosImage; firewall: string },
  endpoint: pulumi.Output<string>,
  robotIps: pulumi.Output<string[]>,
): { image?: TalosImage; servers: hcloud.Server[]; built: BuiltNode[] } {
  if (plan.cloudWorkers.length === 0 || !names.image) return { servers: [], built: [] };
  const shared: CloudShared = {
    endpoint,
    image: names.image,
    firewall: cloudFirewall(ctx, names.firewall, args.adminCidrs, robotIps),
    installImage: pulumi.output(args.schematicId).apply((id) => installImageFor(args.talosVersion, id, "hcloud")),
  };
  const pools = new Map((args.workers?.cloudPools ?? []).map((p) => [p.name, p]));
  const workers = plan.cloudWorkers.map((n) => ({ n, ...cloudWorker(ctx, n, pools.get(n.pool)!, shared) }));
  return {
    image: shared.image,
    servers: workers.map((w) => w.server),
    built: workers.map((w) => ({
      node: w.n,
      ipv4: w.server.ipv4Address,
      serverId: w.server.id,
      config: w.config,
      firstBoot: w.firstBoot,
    })),
  };
}
