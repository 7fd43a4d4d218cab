/**
 * The hybrid cluster of the blog series: three dedicated servers as control planes, Hetzner Cloud
 * workers added on demand, every node joined by KubeSpan (encrypted WireGuard mesh).
 *
 *   pulumi config set --path 'controlPlanes[0].serverNumber' 2321001   # and [1], [2]
 *   pulumi config set --path 'controlPlanes[0].installDisk.wwn' eui.002538b9...
 *   pulumi config set --path 'adminCidrs[0]' 203.0.113.7/32
 *   pulumi config set cloudWorkers 3
 *
 * Day 2: `pulumi config set talosVersion v1.13.9` upgrades every node in place, control planes one at a
 * time, then the workers (`maxParallel` at once); `pulumi config set kubernetesVersion 1.36.3` runs
 * `talosctl upgrade-k8s` once. `pulumi preview --diff` shows each node's planned action in roll order.
 */
import * as pulumi from "@pulumi/pulumi";
import { RobotNodeArgs, TalosCluster } from "pulumi-talos-hetzner";

const config = new pulumi.Config();

const cluster = new TalosCluster("hybrid", {
  clusterName: config.get("clusterName") ?? "hybrid",
  talosVersion: config.get("talosVersion") ?? "v1.13.9",
  kubernetesVersion: config.get("kubernetesVersion"),
  maxParallel: config.getNumber("maxParallel"),
  // A DNS name pointing at the control planes survives replacing one; default: the first control plane's IPv4.
  endpoint: config.get("endpoint"),
  controlPlanes: config.requireObject<RobotNodeArgs[]>("controlPlanes"),
  workers: {
    cloudPools: [
      {
        name: "cloud",
        count: config.getNumber("cloudWorkers") ?? 2,
        serverType: config.get("cloudServerType") ?? "cx33",
        location: config.get("cloudLocation") ?? "fsn1",
        labels: { "node.kubernetes.io/pool": "cloud" },
      },
    ],
  },
  patches: {
    controlplane: [{ machine: { nodeLabels: config.getObject<Record<string, string>>("controlPlaneLabels") ?? {} } }],
  },
  adminCidrs: config.requireObject<string[]>("adminCidrs"),
});

export const endpoint = cluster.endpoint;
export const nodes = cluster.nodes;
export const mesh = cluster.mesh;
export const kubeconfig = cluster.kubeconfig;
export const talosconfig = cluster.talosconfig;
