/**
 * `TalosCluster`: a whole hybrid Talos cluster from one args object — dedicated (Robot) control planes
 * and workers installed over rescue, Hetzner Cloud worker pools booted from a Talos snapshot, all
 * joined by KubeSpan, bootstrapped once and verified. Child names are a stable contract:
 * `<name>-secrets`, `<name>-image`, `<name>-cp-<i>` (+ `-config`, `-firewall`), `<name>-worker-<i>`,
 * `<name>-<pool>-<i>` (+ `-config`), `<name>-firewall`, `<name>-bootstrap`, `<name>-mesh`.
 */
import * as hcloud from "@pulumi/hcloud";
import * as pulumi from "@pulumi/pulumi";
import type { MeshRow } from "../runtime/kubespan-mesh-types";
import { KubeSpanMesh } from "./kubespan-mesh";
import { RobotFirewall } from "./robot-firewall";
import { RobotServer } from "./robot-server";
import { TalosBootstrap } from "./talos-bootstrap";
import { TalosImage } from "./talos-image";
import { TalosMachineConfig } from "./talos-machine-config";
import { TalosSecrets } from "./talos-secrets";
import { cloudFirewall, cloudImage, cloudWorker } from "./talos-cluster-cloud";
import { childNames, clusterPatchList, endpointUrl, installImageFor, planCluster, PlannedNode, robotFirewallName } from "./talos-cluster-plan";
import { ClusterContext, requireIpv4, robotConfig, robotServer } from "./talos-cluster-robot";
import type { ClusterNodeRow, RobotNodeArgs, TalosClusterArgs } from "./talos-cluster-types";

export * from "./talos-cluster-types";
export type { MeshRow };

/** The component's type token. */
export const TALOS_CLUSTER_TYPE = "pulumi-talos-hetzner:index:TalosCluster";

/** One node's children and where to reach it. */
interface BuiltNode {
  node: PlannedNode;
  ipv4: pulumi.Output<string>;
  serverId: pulumi.Output<string>;
  config: TalosMachineConfig;
}

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
  readonly secrets: TalosSecrets;
  /** The Cloud workers' snapshot; undefined without Cloud workers. */
  readonly image?: TalosImage;
  readonly robotServers: RobotServer[];
  readonly cloudServers: hcloud.Server[];
  readonly bootstrap: TalosBootstrap;
  readonly meshCheck: KubeSpanMesh;

  constructor(name: string, args: TalosClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TALOS_CLUSTER_TYPE, name, {}, opts);
    const plan = planCluster(name, args);
    const names = childNames(name);
    const clusterName = pulumi.output(args.clusterName ?? name);
    this.secrets = new TalosSecrets(names.secrets, { talosVersion: args.talosVersion, ...(args.secretsYaml !== undefined ? { secretsYaml: args.secretsYaml } : {}) }, { parent: this });
    const ctx: ClusterContext = {
      parent: this, clusterName, talosVersion: args.talosVersion, kubernetesVersion: args.kubernetesVersion, schematicId: args.schematicId,
      secretsYaml: this.secrets.secretsYaml,
      clusterPatches: pulumi.output(args.patches?.cluster ?? []).apply((user) => clusterPatchList(args.talosVersion, args.kubeSpan, user)),
      rolePatches: { controlplane: args.patches?.controlplane, worker: args.patches?.worker },
    };
    const robotArgs: [PlannedNode, RobotNodeArgs][] = [
      ...plan.controlPlanes.map((n, i): [PlannedNode, RobotNodeArgs] => [n, args.controlPlanes[i]]),
      ...plan.robotWorkers.map((n, i): [PlannedNode, RobotNodeArgs] => [n, args.workers!.robot![i]]),
    ];
    this.robotServers = robotArgs.map(([n, a]) => robotServer(ctx, n, a));
    const robotIps = this.robotServers.map((s, i) => requireIpv4(robotArgs[i][0], s.ipv4));
    this.endpoint = args.endpoint !== undefined ? pulumi.output(args.endpoint).apply(endpointUrl) : robotIps[0].apply(endpointUrl);
    const metalInstaller = pulumi.output(args.schematicId).apply((id) => installImageFor(args.talosVersion, id, "metal"));
    const built: BuiltNode[] = robotArgs.map(([n, a], i) => ({
      node: n, ipv4: robotIps[i], serverId: this.robotServers[i].id,
      config: robotConfig(ctx, n, a, this.robotServers[i], this.endpoint, metalInstaller),
    }));
    if (args.robotFirewall !== false) this.robotFirewalls(robotArgs, args.adminCidrs, pulumi.all(robotIps));
    this.cloudServers = [];
    if (plan.cloudWorkers.length > 0) {
      this.image = cloudImage(ctx, names.image, args.cloudImage);
      const firewall = cloudFirewall(ctx, names.firewall, args.adminCidrs, pulumi.all(robotIps));
      const installImage = pulumi.output(args.schematicId).apply((id) => installImageFor(args.talosVersion, id, "hcloud"));
      const pools = new Map((args.workers?.cloudPools ?? []).map((p) => [p.name, p]));
      for (const n of plan.cloudWorkers) {
        const w = cloudWorker(ctx, n, pools.get(n.pool)!, { endpoint: this.endpoint, installImage, image: this.image, firewall });
        this.cloudServers.push(w.server);
        built.push({ node: n, ipv4: w.server.ipv4Address, serverId: w.server.id, config: w.config });
      }
    }
    const cps = built.filter((b) => b.node.role === "controlplane").map((b) => b.ipv4);
    this.bootstrap = new TalosBootstrap(names.bootstrap, {
      clusterName, secretsYaml: this.secrets.secretsYaml, bootstrapNode: cps[0], controlPlaneNodes: cps, endpoints: cps,
      workerNodes: built.filter((b) => b.node.role === "worker").map((b) => b.ipv4),
    }, { parent: this, dependsOn: [...built.map((b) => b.config), ...this.cloudServers] });
    this.meshCheck = new KubeSpanMesh(names.mesh, {
      nodes: built.map((b) => b.ipv4.apply((address) => ({ name: b.node.name, address, where: b.node.where }))),
      endpoints: cps, talosconfig: this.bootstrap.talosconfig,
    }, { parent: this, dependsOn: [this.bootstrap] });
    this.kubeconfig = pulumi.secret(this.bootstrap.kubeconfig);
    this.talosconfig = pulumi.secret(this.bootstrap.talosconfig);
    this.nodes = pulumi.all(built.map((b) => pulumi.all([b.ipv4, b.serverId]).apply(([ipv4, serverId]): ClusterNodeRow => ({
      name: b.node.name, role: b.node.role, where: b.node.where, pool: b.node.pool, serverId, ipv4,
    }))));
    this.mesh = this.meshCheck.mesh;
    this.meshTable = this.meshCheck.table;
    this.registerOutputs({ kubeconfig: this.kubeconfig, talosconfig: this.talosconfig, nodes: this.nodes, mesh: this.mesh, endpoint: this.endpoint });
  }

  // One Robot firewall per dedicated server, after its install (a filter would cut the rescue SSH
  // session); Cloud workers are not listed, they come in through KubeSpan.
  private robotFirewalls(robotArgs: [PlannedNode, RobotNodeArgs][], adminCidrs: TalosClusterArgs["adminCidrs"], robotIps: pulumi.Output<string[]>): void {
    robotArgs.forEach(([n, a], i) => new RobotFirewall(robotFirewallName(n), { serverNumber: a.serverNumber, adminCidrs, nodeAddresses: robotIps },
      { parent: this, dependsOn: [this.robotServers[i]] }));
  }
}
