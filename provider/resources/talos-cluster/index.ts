/**
 * `TalosCluster`: a whole hybrid Talos cluster from one args object — dedicated (Robot) control planes
 * and workers installed over rescue, Hetzner Cloud worker pools booted from a Talos snapshot, all
 * joined by KubeSpan, bootstrapped once and verified. Child names are a stable contract:
 * `<name>-secrets`, `<name>-image`, `<name>-cp-<i>` (+ `-config`, `-firewall`), `<name>-worker-<i>`,
 * `<name>-<pool>-<i>` (+ `-config` for the first boot, `-node` for day 2), `<name>-firewall`, `<name>-bootstrap`, `<name>-mesh`.
 * Day 2 (issue #9): a version or config change rolls through the nodes' apply-delivery configs one control
 * plane at a time, then the workers in `maxParallel` lanes (provider/resources/talos-cluster/roll.ts).
 */
import * as hcloud from "@pulumi/hcloud";
import * as pulumi from "@pulumi/pulumi";
import type { MeshRow } from "../../runtime/kubespan-mesh/types";
import type { KubeSpanMesh } from "../kubespan-mesh";
import type { RobotServer } from "../robot-server";
import type { TalosBootstrap } from "../talos-bootstrap";
import type { TalosImage } from "../talos-image";
import { TalosSecrets } from "../talos-secrets";
import { checkAdminCidrsInput, checkClusterKeys } from "./args";
import { cloudImage, cloudNodes } from "./cloud";
import { clusterContext } from "./context";
import { childNames, planCluster } from "./plan";
import { robotNodes } from "./robot";
import { checkDay2Args, RollChain } from "./roll";
import { nodeRows, verifyCluster } from "./verify";
import type { ClusterNodeRow, TalosClusterArgs } from "./types";

export * from "./types";
export type { MeshRow };

/** The component's type token. */
export const TALOS_CLUSTER_TYPE = "pulumi-talos-hetzner:index:TalosCluster";

/** A hybrid Talos cluster on Hetzner: Robot control planes, Robot and Cloud workers, KubeSpan, bootstrap and mesh check. */
export class TalosCluster extends pulumi.ComponentResource {
  /** Admin kubeconfig (secret). */
  readonly kubeconfig: pulumi.Output<string>;
  /** Admin talosconfig with the control-plane endpoints (secret). */
  readonly talosconfig: pulumi.Output<string>;
  /** One row per node: name, role, Robot/Cloud, pool, server id, IPv4. */
  readonly nodes: pulumi.Output<ClusterNodeRow[]>;
  /** One row per node of the KubeSpan mesh, as `KubeSpanMesh` verified it. */
  readonly mesh: pulumi.Output<MeshRow[]>;
  /** The mesh as a text table. */
  readonly meshTable: pulumi.Output<string>;
  /** The Kubernetes API URL the nodes were configured with. */
  readonly endpoint: pulumi.Output<string>;
  /** The cluster's secrets bundle (`<name>-secrets`). */
  readonly secrets: TalosSecrets;
  /** The Cloud workers' snapshot; undefined without Cloud workers. */
  readonly image?: TalosImage;
  /** The dedicated servers: control planes first, then dedicated workers. */
  readonly robotServers: RobotServer[];
  /** The Cloud workers, pool by pool. */
  readonly cloudServers: hcloud.Server[];
  /** The etcd bootstrap and health check (`<name>-bootstrap`). */
  readonly bootstrap: TalosBootstrap;
  /** The KubeSpan mesh verification (`<name>-mesh`). */
  readonly meshCheck: KubeSpanMesh;

  constructor(name: string, args: TalosClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TALOS_CLUSTER_TYPE, name, {}, opts);
    checkClusterKeys(args);
    const plan = planCluster(name, args);
    checkAdminCidrsInput(this, args.adminCidrs);
    checkDay2Args(args);
    const names = childNames(name);
    // The bundle keeps the Talos version the cluster was created with: that is the cluster's config contract.
    this.secrets = new TalosSecrets(
      names.secrets,
      { talosVersion: args.talosVersion, ...(args.secretsYaml !== undefined ? { secretsYaml: args.secretsYaml } : {}) },
      { parent: this, ignoreChanges: ["talosVersion"] },
    );
    const image = plan.cloudWorkers.length > 0 ? cloudImage(this, args, names.image) : undefined;
    const roll = new RollChain(
      [...plan.controlPlanes, ...plan.robotWorkers, ...plan.cloudWorkers],
      args.maxParallel,
      image ? [image] : [],
    );
    const ctx = clusterContext(this, name, args, this.secrets, roll);
    const robot = robotNodes(ctx, plan, args);
    const cloud = cloudNodes(ctx, plan, args, { ...names, image }, robot.endpoint, robot.ips);
    const built = [...robot.built, ...cloud.built];
    const verified = verifyCluster(ctx, names, built, cloud.servers);
    [this.robotServers, this.endpoint, this.image, this.cloudServers] = [
      robot.servers,
      robot.endpoint,
      cloud.image,
      cloud.servers,
    ];
    [this.bootstrap, this.meshCheck] = [verified.bootstrap, verified.mesh];
    this.kubeconfig = pulumi.secret(this.bootstrap.kubeconfig);
    this.talosconfig = pulumi.secret(this.bootstrap.talosconfig);
    this.nodes = nodeRows(built);
    this.mesh = this.meshCheck.mesh;
    this.meshTable = this.meshCheck.table;
    this.registerOutputs({
      kubeconfig: this.kubeconfig,
      talosconfig: this.talosconfig,
      nodes: this.nodes,
      mesh: this.mesh,
      endpoint: this.endpoint,
    });
  }
}
