/**
 * The Hetzner Cloud children of `TalosCluster`: the Talos snapshot, the nodes' firewall, and per Cloud
 * worker a user-data machine config plus an `@pulumi/hcloud` `Server`. A worker's config depends only
 * on its pool's settings and its own name, never on the pool size, so scaling touches no other worker.
 */
import * as hcloud from "@pulumi/hcloud";
import * as pulumi from "@pulumi/pulumi";
import { kubeSpanFirewallRules, talosAdminFirewallRules } from "../talos/firewall-rules";
import { TalosImage } from "./talos-image";
import { TalosMachineConfig } from "./talos-machine-config";
import { baseConfigArgs, BuiltNode, ClusterContext } from "./talos-cluster-context";
import { ClusterPlan, cloudServerLabels, configName, installImageFor, nodeLabelsPatch, PlannedNode } from "./talos-cluster-plan";
import type { CloudImageArgs, CloudPoolArgs, TalosClusterArgs } from "./talos-cluster-types";

/** The one Talos snapshot every Cloud worker boots from (adopted by its labels when it exists). */
export function cloudImage(ctx: ClusterContext, name: string, args: CloudImageArgs = {}): TalosImage {
  return new TalosImage(name, {
    talosVersion: ctx.talosVersion,
    ...(ctx.schematicId !== undefined ? { schematicId: ctx.schematicId } : {}),
    ...(args.arch !== undefined ? { arch: args.arch } : {}),
    ...(args.location !== undefined ? { location: args.location } : {}),
    ...(args.serverType !== undefined ? { serverType: args.serverType } : {}),
  }, { parent: ctx.parent });
}

/**
 * The Cloud workers' firewall: KubeSpan from anywhere, the Talos and Kubernetes APIs from the admin
 * CIDRs and the dedicated nodes (whose apid proxies talosctl calls to the workers). Workers reach
 * each other and the control planes through KubeSpan, so the rules do not change when a pool scales.
 */
export function cloudFirewall(ctx: ClusterContext, name: string, adminCidrs: pulumi.Input<pulumi.Input<string>[]>, robotIps: pulumi.Output<string[]>): hcloud.Firewall {
  return new hcloud.Firewall(name, {
    labels: ctx.clusterName.apply((c) => ({ "talos-cluster": c })),
    rules: pulumi.all([pulumi.output(adminCidrs), robotIps]).apply(([admins, ips]) => [...kubeSpanFirewallRules(), ...talosAdminFirewallRules(admins, ips)]),
  }, { parent: ctx.parent });
}

/** What the component gives every Cloud worker. */
export interface CloudShared {
  endpoint: pulumi.Input<string>;
  installImage: pulumi.Input<string>;
  image: TalosImage;
  firewall: hcloud.Firewall;
}

/** One Cloud worker: its config rendered as user-data, and the server booted with it. */
export function cloudWorker(ctx: ClusterContext, node: PlannedNode, pool: CloudPoolArgs, shared: CloudShared): { config: TalosMachineConfig; server: hcloud.Server } {
  const nodePatches = pulumi.all([pulumi.output(pool.labels ?? {}), pulumi.output(pool.patches ?? [])])
    .apply(([labels, patches]) => [...nodeLabelsPatch(labels), ...patches]);
  const config = new TalosMachineConfig(configName(node), {
    ...baseConfigArgs(ctx, node, shared.endpoint), installImage: shared.installImage, nodePatches, delivery: "user-data",
  }, { parent: ctx.parent });
  const server = new hcloud.Server(node.name, {
    name: node.name,
    serverType: pool.serverType,
    location: pool.location,
    image: shared.image.imageId.apply(String),
    userData: config.userData as pulumi.Output<string>,
    firewallIds: [shared.firewall.id.apply(Number)],
    labels: pulumi.all([ctx.clusterName, pulumi.output(pool.serverLabels ?? {})]).apply(([c, extra]) => cloudServerLabels(c, pool.name, extra)),
  }, { parent: ctx.parent });
  return { config, server };
}

/** Every Cloud worker of the cluster with the snapshot and the firewall they share; nothing without Cloud workers. */
export function cloudNodes(ctx: ClusterContext, plan: ClusterPlan, args: TalosClusterArgs, names: { image: string; firewall: string }, endpoint: pulumi.Output<string>, robotIps: pulumi.Output<string[]>): { image?: TalosImage; servers: hcloud.Server[]; built: BuiltNode[] } {
  if (plan.cloudWorkers.length === 0) return { servers: [], built: [] };
  const shared: CloudShared = {
    endpoint, image: cloudImage(ctx, names.image, args.cloudImage), firewall: cloudFirewall(ctx, names.firewall, args.adminCidrs, robotIps),
    installImage: pulumi.output(args.schematicId).apply((id) => installImageFor(args.talosVersion, id, "hcloud")),
  };
  const pools = new Map((args.workers?.cloudPools ?? []).map((p) => [p.name, p]));
  const workers = plan.cloudWorkers.map((n) => ({ n, ...cloudWorker(ctx, n, pools.get(n.pool)!, shared) }));
  return {
    image: shared.image, servers: workers.map((w) => w.server),
    built: workers.map((w) => ({ node: w.n, ipv4: w.server.ipv4Address, serverId: w.server.id, config: w.config })),
  };
}
