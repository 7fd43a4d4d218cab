/**
 * What every child of `TalosCluster` shares: the parent, the cluster's identity and the patches per
 * scope, resolved once; and the record the component keeps of each node it built.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ConfigPatch } from "../talos/config";
import type { TalosMachineConfig, TalosMachineConfigArgs } from "./talos-machine-config";
import type { TalosSecrets } from "./talos-secrets";
import { clusterPatchList, PlannedNode } from "./talos-cluster-plan";
import type { TalosClusterArgs } from "./talos-cluster-types";

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

/** One node as built: its plan entry, its address, its server id and its config resource. */
export interface BuiltNode {
  node: PlannedNode;
  ipv4: pulumi.Output<string>;
  serverId: pulumi.Output<string>;
  config: TalosMachineConfig;
}

/** The context of a cluster called `name` whose secrets bundle is `secrets`. */
export function clusterContext(parent: pulumi.Resource, name: string, args: TalosClusterArgs, secrets: TalosSecrets): ClusterContext {
  return {
    parent, clusterName: pulumi.output(args.clusterName ?? name), talosVersion: args.talosVersion, kubernetesVersion: args.kubernetesVersion,
    schematicId: args.schematicId, secretsYaml: secrets.secretsYaml,
    clusterPatches: pulumi.output(args.patches?.cluster ?? []).apply((user) => clusterPatchList(args.talosVersion, args.kubeSpan, user)),
    rolePatches: { controlplane: args.patches?.controlplane, worker: args.patches?.worker },
  };
}

/** The arguments of one node's `TalosMachineConfig` that do not depend on where it runs. */
export function baseConfigArgs(ctx: ClusterContext, node: PlannedNode, endpoint: pulumi.Input<string>): TalosMachineConfigArgs {
  return {
    secretsYaml: ctx.secretsYaml, clusterName: ctx.clusterName, endpoint, role: node.role, talosVersion: ctx.talosVersion,
    ...(ctx.kubernetesVersion !== undefined ? { kubernetesVersion: ctx.kubernetesVersion } : {}),
    hostname: node.name, clusterPatches: ctx.clusterPatches, rolePatches: ctx.rolePatches[node.role] ?? [],
  };
}
