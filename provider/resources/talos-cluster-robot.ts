/**
 * The children of `TalosCluster` per node: a dedicated node's `RobotServer` and machine config
 * (applied over the Talos API), and the shared arguments every node's `TalosMachineConfig` gets.
 */
import * as pulumi from "@pulumi/pulumi";
import { InputError } from "../internal/errors";
import type { ConfigPatch } from "../talos/config";
import { RobotServer } from "./robot-server";
import { TalosMachineConfig, TalosMachineConfigArgs } from "./talos-machine-config";
import { configName, PlannedNode } from "./talos-cluster-plan";
import type { RobotNodeArgs } from "./talos-cluster-types";

/** What every node's config shares, resolved once by the component. */
export interface ClusterContext {
  /** The component: parent of every child. */
  parent: pulumi.Resource;
  clusterName: pulumi.Output<string>;
  talosVersion: string;
  kubernetesVersion?: pulumi.Input<string>;
  schematicId?: pulumi.Input<string>;
  secretsYaml: pulumi.Output<string>;
  /** KubeSpan patch plus the user's cluster patches. */
  clusterPatches: pulumi.Output<ConfigPatch[]>;
  rolePatches: { controlplane?: pulumi.Input<ConfigPatch[]>; worker?: pulumi.Input<ConfigPatch[]> };
}

/** The arguments of one node's `TalosMachineConfig` that do not depend on where it runs. */
export function baseConfigArgs(ctx: ClusterContext, node: PlannedNode, endpoint: pulumi.Input<string>): TalosMachineConfigArgs {
  return {
    secretsYaml: ctx.secretsYaml, clusterName: ctx.clusterName, endpoint, role: node.role, talosVersion: ctx.talosVersion,
    ...(ctx.kubernetesVersion !== undefined ? { kubernetesVersion: ctx.kubernetesVersion } : {}),
    hostname: node.name, clusterPatches: ctx.clusterPatches, rolePatches: ctx.rolePatches[node.role] ?? [],
  };
}

/** The node's IPv4 (Robot reports none for an IPv6-only server, which this cluster layout cannot use). */
export function requireIpv4(node: PlannedNode, ip: pulumi.Output<string | null>): pulumi.Output<string> {
  return ip.apply((v) => {
    if (!v) throw new InputError(node.name, "the server has no IPv4 address; the cluster's Talos and Kubernetes endpoints need one");
    return v;
  });
}

// A null output (an adopted server the install never inspected) leaves the config's own default.
function orUnset(o: pulumi.Output<string | null>): pulumi.Output<string> {
  return o.apply((v) => v ?? undefined) as pulumi.Output<string>;
}

/** Installs Talos on one dedicated server (`<cluster>-cp-<i>` or `<cluster>-worker-<i>`). */
export function robotServer(ctx: ClusterContext, node: PlannedNode, args: RobotNodeArgs): RobotServer {
  return new RobotServer(node.name, {
    serverNumber: args.serverNumber,
    image: pulumi.output(ctx.schematicId).apply((schematicId) => ({ version: ctx.talosVersion, ...(schematicId ? { schematicId } : {}) })),
    installDisk: args.installDisk,
    ...(args.otherDisks !== undefined ? { otherDisks: args.otherDisks } : {}),
    ...(args.adopt !== undefined ? { adopt: args.adopt } : {}),
    ...(args.reinstallTrigger !== undefined ? { reinstallTrigger: args.reinstallTrigger } : {}),
  }, { parent: ctx.parent });
}

/** Renders and applies a dedicated node's config (install disk and Hetzner routing from its `RobotServer`). */
export function robotConfig(ctx: ClusterContext, node: PlannedNode, args: RobotNodeArgs, server: RobotServer, endpoint: pulumi.Input<string>, installImage: pulumi.Input<string>): TalosMachineConfig {
  return new TalosMachineConfig(configName(node), {
    ...baseConfigArgs(ctx, node, endpoint),
    installImage,
    installDisk: orUnset(server.installDiskPath),
    nodePatches: args.patches ?? [],
    networkPatch: orUnset(server.networkPatch),
    node: requireIpv4(node, server.ipv4),
    delivery: "apply",
  }, { parent: ctx.parent });
}
