/**
 * The end of `TalosCluster`: one etcd bootstrap with health over every node, the KubeSpan mesh check,
 * and the node table. They depend on every node's config (and Cloud server), so they run last.
 */
import * as hcloud from "@pulumi/hcloud";
import * as pulumi from "@pulumi/pulumi";
import { KubeSpanMesh } from "../kubespan-mesh";
import { TalosBootstrap } from "../talos-bootstrap";
import type { BuiltNode, ClusterContext } from "./context";
import type { ClusterNodeRow } from "./types";

/** Bootstraps etcd on the first control plane, checks health with every node, then verifies the mesh of every node. */
export function verifyCluster(
  ctx: ClusterContext,
  names: { bootstrap: string; mesh: string },
  built: BuiltNode[],
  cloudServers: hcloud.Server[],
): { bootstrap: TalosBootstrap; mesh: KubeSpanMesh } {
  const cps = built.filter((b) => b.node.role === "controlplane").map((b) => b.ipv4);
  const bootstrap = new TalosBootstrap(
    names.bootstrap,
    {
      clusterName: ctx.clusterName,
      secretsYaml: ctx.secretsYaml,
      bootstrapNode: cps[0],
      controlPlaneNodes: cps,
      endpoints: cps,
      workerNodes: built.filter((b) => b.node.role === "worker").map((b) => b.ipv4),
      ...(ctx.kubernetesVersion !== undefined ? { kubernetesVersion: ctx.kubernetesVersion } : {}),
    },
    { parent: ctx.parent, dependsOn: [...built.map((b) => b.config), ...cloudServers] },
  );
  const mesh = new KubeSpanMesh(
    names.mesh,
    {
      nodes: built.map((b) => b.ipv4.apply((address) => ({ name: b.node.name, address, where: b.node.where }))),
      endpoints: cps,
      talosconfig: bootstrap.talosconfig,
    },
    { parent: ctx.parent, dependsOn: [bootstrap] },
  );
  return { bootstrap, mesh };
}

/** The node table: one row per built node, in plan order. */
export function nodeRows(built: BuiltNode[]): pulumi.Output<ClusterNodeRow[]> {
  return pulumi.all(
    built.map((b) =>
      pulumi.all([b.ipv4, b.serverId]).apply(([ipv4, serverId]): ClusterNodeRow => ({
        name: b.node.name,
        role: b.node.role,
        where: b.node.where,
        pool: b.node.pool,
        serverId,
        ipv4,
      })),
    ),
  );
}
