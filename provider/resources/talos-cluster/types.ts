/**
 * Plain argument and output types of the `TalosCluster` component (provider/resources/talos-cluster/index.ts).
 * Counts, names and the Talos version are plain values because they decide which child resources
 * exist; everything else may be a Pulumi `Input`.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ConfigPatch, KubeSpanOptions } from "../../talos/config";
import type { DiskSelector } from "../../rescue/select";
import type { OtherDisksPolicy } from "../../rescue/safety";

/** One dedicated (Robot) server of the cluster. */
export interface RobotNodeArgs {
  /** Robot server number. A change replaces that node's `RobotServer` (another machine is installed). */
  serverNumber: pulumi.Input<number>;
  /** Which disk Talos is installed to (every given field must match exactly one disk). Recorded only, see `RobotServerArgs.installDisk`. */
  installDisk: pulumi.Input<DiskSelector>;
  /** Patches for this node only, applied after the cluster and role patches; stored as secrets. @default [] */
  patches?: pulumi.Input<ConfigPatch[]>;
  /** What to do when another disk holds an OS, an ESP or a shared RAID member. @default "refuse" */
  otherDisks?: pulumi.Input<OtherDisksPolicy>;
  /** Accept a server that already runs Talos instead of reinstalling it. @default false */
  adopt?: pulumi.Input<boolean>;
  /**
   * Any value; changing it wipes and reinstalls this server, with the Talos image of its first install (the
   * server ignores later `talosVersion` changes: those upgrade the running node in place). @default undefined
   */
  reinstallTrigger?: pulumi.Input<string | number | boolean>;
}

/** A pool of Hetzner Cloud workers booted from the cluster's Talos snapshot. */
export interface CloudPoolArgs {
  /** Pool name (lower-case kebab-case, ≤ 20 characters); part of every child name (`<cluster>-<pool>-<i>`). */
  name: string;
  /** Number of servers, an integer ≥ 0. Scaling adds or removes only the servers (and their configs) at the end. */
  count: number;
  /** Hetzner Cloud server type, e.g. `cx33`; its architecture must match `cloudImage.arch`. A change replaces the pool's servers. */
  serverType: pulumi.Input<string>;
  /** Hetzner Cloud location, e.g. `fsn1`. A change replaces the pool's servers. */
  location: pulumi.Input<string>;
  /** Kubernetes node labels of the pool's nodes (`machine.nodeLabels`); a change is applied to the running servers (`<cluster>-<pool>-<i>-node`), never replaces them. @default {} */
  labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Patches for every node of this pool; a change is applied to the running servers (rebooting them one by one if needed), never replaces them. @default [] */
  patches?: pulumi.Input<ConfigPatch[]>;
  /** Extra Hetzner Cloud labels on the servers (updated in place); `talos-cluster`, `talos-pool` and `talos-role` are set by the component. @default {} */
  serverLabels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** Patches by scope; each list is applied in order, after the KubeSpan patch. Stored as secrets. */
export interface ClusterPatches {
  /** Every node. @default [] */
  cluster?: pulumi.Input<ConfigPatch[]>;
  /** Control-plane nodes only. @default [] */
  controlplane?: pulumi.Input<ConfigPatch[]>;
  /** Worker nodes only (Robot and Cloud). @default [] */
  worker?: pulumi.Input<ConfigPatch[]>;
}

/** The Talos snapshot the Cloud workers boot from (one `TalosImage`). */
export interface CloudImageArgs {
  /** Hetzner architecture: `x86` or `arm`; every pool's server type must have it. @default "x86" */
  arch?: "x86" | "arm";
  /** Location of the temporary builder server. @default "fsn1" */
  location?: pulumi.Input<string>;
  /** Server type of the temporary builder. @default "cx23" (x86) / "cax11" (arm) */
  serverType?: pulumi.Input<string>;
}

/** Arguments of `TalosCluster`. */
export interface TalosClusterArgs {
  /** Cluster name (`gen config`'s first argument, the talosconfig context). A change re-renders every config. @default the component's name */
  clusterName?: pulumi.Input<string>;
  /**
   * Kubernetes API endpoint: a URL `https://host:port`, or a DNS name / address (then `https://<it>:6443`).
   * @default `https://<first control plane's IPv4>:6443`
   */
  endpoint?: pulumi.Input<string>;
  /**
   * Talos version of every node with the leading `v`, e.g. `v1.13.9`: the installer image, the Cloud snapshot and
   * the dedicated servers' install image. A change upgrades the running nodes in place, one by one (see `maxParallel`).
   */
  talosVersion: string;
  /**
   * Kubernetes version without `v`. A change runs `talosctl upgrade-k8s` once for the cluster (`<name>-bootstrap`).
   * @default Talos's default for the config contract (`configVersion`)
   */
  kubernetesVersion?: pulumi.Input<string>;
  /** Image Factory schematic id (64 hex) for the metal install images, the installer and the Cloud snapshot. @default the vanilla schematic */
  schematicId?: pulumi.Input<string>;
  /** Dedicated servers running the control plane (at least one; three for a highly available etcd). */
  controlPlanes: RobotNodeArgs[];
  /** Worker nodes: dedicated servers and Cloud pools. @default none */
  workers?: { robot?: RobotNodeArgs[]; cloudPools?: CloudPoolArgs[] };
  /** Cluster-wide and per-role patches. */
  patches?: ClusterPatches;
  /** KubeSpan settings (KubeSpan and discovery are always enabled). @default Talos's defaults */
  kubeSpan?: Omit<KubeSpanOptions, "talosVersion">;
  /**
   * CIDRs of the people and CI that run talosctl/kubectl: the only sources (besides the dedicated nodes)
   * allowed to the Talos API (50000-50001/tcp) and the Kubernetes API (6443/tcp). At least one.
   */
  adminCidrs: pulumi.Input<pulumi.Input<string>[]>;
  /** Manage each dedicated server's Robot firewall (`RobotFirewall`). @default true */
  robotFirewall?: boolean;
  /** An existing `secrets.yaml` to adopt (an existing cluster's identity). @default a new bundle */
  secretsYaml?: pulumi.Input<string>;
  /** The Cloud workers' snapshot. */
  cloudImage?: CloudImageArgs;
  /**
   * Day-2 (issue #9): workers upgraded (or rebooted) at the same time, an integer ≥ 1; control planes always go one by one.
   * @default 1
   */
  maxParallel?: number;
  /**
   * Talos version of the config contract every node's config is rendered with (`gen config --talos-version`),
   * e.g. `v1.12.4`; also decides the KubeSpan patch's layout. Changing it re-renders every config.
   * @default the `talosVersion` the cluster was created with (kept by `<name>-secrets`, which ignores later
   * changes), so a `talosVersion` bump upgrades the OS without changing the generated config
   */
  configVersion?: string;
  /** Remove a control plane from etcd even when the remaining members would lose quorum. @default false */
  allowQuorumLoss?: boolean;
  /** Reset a removed node (wipes STATE and EPHEMERAL, back to maintenance mode) after draining it. @default false */
  resetRemovedNodes?: boolean;
  /** Seconds allowed for draining one node (PodDisruptionBudgets are respected). @default 300 */
  drainTimeoutSeconds?: number;
  /** Seconds allowed for one node's `talosctl upgrade` and its return on the new version. @default 900 */
  upgradeTimeoutSeconds?: number;
}

/** One row of the node table. */
export interface ClusterNodeRow {
  /** Child resource name and Talos hostname, e.g. `hybrid-cp-0`. */
  name: string;
  role: "controlplane" | "worker";
  where: "robot" | "cloud";
  /** `controlplane`, `robot` (dedicated workers) or the Cloud pool name. */
  pool: string;
  /** Robot server number or Hetzner Cloud server id. */
  serverId: string;
  ipv4: string;
}
