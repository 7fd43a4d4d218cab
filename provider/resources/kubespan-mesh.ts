/**
 * `KubeSpanMesh`: verification that the cluster's KubeSpan (WireGuard) mesh is up end to end — every
 * node reports every other node `up` with traffic — across Robot and Cloud machines. Create fails
 * with a table of the down links and their likely cause (KubeSpan or discovery off in a config,
 * UDP 51820 blocked, endpoint unknown); a refresh shows the same as drift. Changes nothing on the
 * nodes. Runtime: provider/runtime/kubespan-mesh/index.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import type { DownLink, MeshNode, MeshRow } from "../runtime/kubespan-mesh/types";
import { KUBESPAN_MESH_FIELDS } from "../runtime/kubespan-mesh/types";
import { TYPE_MODULE, declaredResource, shimProvider } from "./framework";

/** Arguments of `KubeSpanMesh`; every change re-verifies in place. */
export interface KubeSpanMeshArgs {
  /** Every node of the mesh: name (shown in tables), Talos API address, and `robot` or `cloud`. */
  nodes: pulumi.Input<pulumi.Input<MeshNode>[]>;
  /** Talos API endpoints talosctl goes through. @default every node's address */
  endpoints?: pulumi.Input<pulumi.Input<string>[]>;
  /** The admin talosconfig (`TalosBootstrap.talosconfig`); stored as a secret. */
  talosconfig: pulumi.Input<string>;
  /** Peers every node must see up. @default nodes.length - 1 */
  expectedPeers?: pulumi.Input<number>;
  /** Seconds create/update wait for the mesh to come up. @default 300 */
  deadlineSeconds?: pulumi.Input<number>;
}

/** Verification of the cluster's KubeSpan mesh. */
export class KubeSpanMesh extends pulumi.dynamic.Resource {
  /** One row per node: KubeSpan address, public key, peers up/total, each peer's endpoint and state. */
  declare readonly mesh: pulumi.Output<MeshRow[]>;
  /** Links not up at the last look, with the likely cause; [] when healthy. */
  declare readonly downLinks: pulumi.Output<DownLink[]>;
  declare readonly healthy: pulumi.Output<boolean>;
  /** The mesh as a text table (for `pulumi stack output`). */
  declare readonly table: pulumi.Output<string>;
  /** What the last refresh found wrong; [] when nothing. */
  declare readonly drift: pulumi.Output<string[]>;

  constructor(name: string, args: KubeSpanMeshArgs, opts?: pulumi.CustomResourceOptions) {
    const d = declaredResource(KUBESPAN_MESH_FIELDS, args, opts);
    super(shimProvider("kubespan-mesh"), name, d.props, d.opts, TYPE_MODULE, "KubeSpanMesh");
  }
}
