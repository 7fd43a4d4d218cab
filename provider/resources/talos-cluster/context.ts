/**
 * What every child of `TalosCluster` shares: the parent, the cluster's identity and the patches per
 * scope, resolved once; and the record the component keeps of each node it built.
 */
import * as pulumi from "@pulumi/pulumi";
import { definedOnly } from "../../internal/defined";
import type { ConfigPatch } from "../../talos/config";
import { TalosMachineConfig, TalosMachineConfigArgs } from "../talos-machine-config";
import type { TalosSecrets } from "../talos-secrets";
import { clusterPatchList, PlannedNode } from "./plan";
import type { RollChain } from "./roll";
import type { TalosClusterArgs } from "./types";

/** The day-2 inputs of an apply-delivery `TalosMachineConfig` (issue #9) that the component sets. */
export type Day2ConfigArgs = Pick<
  TalosMachineConfigArgs,
  "drainTimeoutSeconds" | "upgradeTimeoutSeconds" | "allowQuorumLoss" | "resetOnDelete" | "rollPosition"
>;

/** What every node's config shares, resolved once by the component. */
export interface ClusterContext {
  /** The component: parent of every child. */
  parent: pulumi.Resource;
  clusterName: pulumi.Output<string>;
  talosVersion: string;
  /**
   * The config contract of every node (`gen config --talos-version`): `configVersion` when given, else the
   * version the cluster was created with (kept by `<name>-secrets`), so an OS upgrade never re-renders.
   */
  contract: pulumi.Output<string>;
  kubernetesVersion?: pulumi.Input<string>;
  schematicId?: pulumi.Input<string>;
  secretsYaml: pulumi.Output<string>;
  /** KubeSpan patch plus the user's cluster patches. */
  clusterPatches: pulumi.Output<ConfigPatch[]>;
  rolePatches: { controlplane?: pulumi.Input<ConfigPatch[]>; worker?: pulumi.Input<ConfigPatch[]> };
  /** The cluster-wide day-2 inputs of every apply-delivery config (no `rollPosition`). */
  day2: Day2ConfigArgs;
  /** The roll order of the apply-delivery configs. */
  roll: RollChain;
  /** When this program run built the cluster (epoch ms): a machine installed since then is fresh. */
  startedMs: number;
}

/** One node as built: its plan entry, its address, its server id and its config resource. */
export interface BuiltNode {
  node: PlannedNode;
  ipv4: pulumi.Output<string>;
  serverId: pulumi.Output<string>;
  /** The apply-delivery config (for a Cloud worker `-node`): what day-2 changes go through. */
  config: TalosMachineConfig;
  /** A Cloud worker's user-data config (its first boot). */
  firstBoot?: TalosMachineConfig;
}

/** The args' day-2 settings as config inputs; unset ones are left out so each config keeps its defaults. */
export function day2ConfigArgs(args: TalosClusterArgs): Day2ConfigArgs {
  return definedOnly<Day2ConfigArgs>({
    drainTimeoutSeconds: args.drainTimeoutSeconds,
    upgradeTimeoutSeconds: args.upgradeTimeoutSeconds,
    allowQuorumLoss: args.allowQuorumLoss,
    resetOnDelete: args.resetRemovedNodes,
  });
}

/** The context of a cluster called `name` whose secrets bundle is `secrets`, rolling its nodes along `roll`. */
export function clusterContext(
  parent: pulumi.Resource,
  name: string,
  args: TalosClusterArgs,
  secrets: TalosSecrets,
  roll: RollChain,
): ClusterContext {
  const contract = args.configVersion !== undefined ? pulumi.output(args.configVersion) : secrets.talosVersion;
  return {
    day2: day2ConfigArgs(args),
    roll,
    contract,
    startedMs: Date.now(),
    parent,
    clusterName: pulumi.output(args.clusterName ?? name),
    talosVersion: args.talosVersion,
    kubernetesVersion: args.kubernetesVersion,
    schematicId: args.schematicId,
    secretsYaml: secrets.secretsYaml,
    // The KubeSpan patch's layout follows the contract (a KubeSpanConfig document only from v1.13).
    clusterPatches: pulumi
      .all([contract, pulumi.output(args.patches?.cluster ?? [])])
      .apply(([v, user]) => clusterPatchList(v, args.kubeSpan, user)),
    rolePatches: { controlplane: args.patches?.controlplane, worker: args.patches?.worker },
  };
}

/** The arguments of one node's `TalosMachineConfig` that do not depend on where it runs (the pinned contract included). */
export function baseConfigArgs(
  ctx: ClusterContext,
  node: PlannedNode,
  endpoint: pulumi.Input<string>,
): TalosMachineConfigArgs {
  return {
    configVersion: ctx.contract,
    secretsYaml: ctx.secretsYaml,
    clusterName: ctx.clusterName,
    endpoint,
    role: node.role,
    talosVersion: ctx.talosVersion,
    ...(ctx.kubernetesVersion !== undefined ? { kubernetesVersion: ctx.kubernetesVersion } : {}),
    hostname: node.name,
    clusterPatches: ctx.clusterPatches,
    rolePatches: ctx.rolePatches[node.role] ?? [],
  };
}

/**
 * One node's apply-delivery config: its args plus the day-2 inputs and roll position, and its place in
 * the roll (`dependsOn`), which a node whose machine this run installed (`fresh`) skips. `after` are
 * resources the config also waits for, so they are deleted only after it (its Robot firewall: a node
 * whose removal is refused keeps its filter, since the engine deletes independent resources in parallel).
 */
export function rolledConfig(
  ctx: ClusterContext,
  node: PlannedNode,
  name: string,
  args: TalosMachineConfigArgs,
  o: { fresh?: pulumi.Output<boolean>; after?: pulumi.Resource[] } = {},
): TalosMachineConfig {
  const day2: Day2ConfigArgs = { ...ctx.day2, rollPosition: ctx.roll.slot(node).position };
  const roll = ctx.roll.dependsOn(node, o.fresh);
  const after = o.after ?? [];
  const dependsOn =
    after.length === 0
      ? roll
      : Array.isArray(roll)
        ? [...roll, ...after]
        : pulumi.output(roll).apply((r) => [...r, ...after]);
  const config = new TalosMachineConfig(
    name,
    { ...args, ...day2, delivery: "apply" },
    { parent: ctx.parent, dependsOn },
  );
  ctx.roll.add(node, config);
  return config;
}
