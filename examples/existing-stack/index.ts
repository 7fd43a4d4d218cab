/**
 * A stack that already manages Hetzner Cloud resources with `@pulumi/hcloud` (an admin SSH key, a
 * bastion host and its firewall) gets a Talos cluster next to them. The cluster's resources are
 * ordinary children in the same stack: one `pulumi preview --diff` shows both, and the bastion's
 * address is simply passed on as an admin CIDR of the cluster.
 */
import * as hcloud from "@pulumi/hcloud";
import * as pulumi from "@pulumi/pulumi";
import { RobotNodeArgs, TalosCluster } from "pulumi-talos-hetzner";

const config = new pulumi.Config();

// --- what the stack already had -----------------------------------------------------------------
const adminKey = new hcloud.SshKey("admin", { publicKey: config.require("adminPublicKey") });
const bastionFirewall = new hcloud.Firewall("bastion", {
  rules: [{ direction: "in", protocol: "tcp", port: "22", sourceIps: ["0.0.0.0/0", "::/0"] }],
});
const bastion = new hcloud.Server("bastion", {
  serverType: "cx23",
  image: "debian-12",
  location: "fsn1",
  sshKeys: [adminKey.id],
  firewallIds: [bastionFirewall.id.apply(Number)],
});

// --- added: the cluster, administered from the bastion -------------------------------------------
const cluster = new TalosCluster("prod", {
  talosVersion: config.get("talosVersion") ?? "v1.13.9",
  endpoint: config.get("endpoint"),
  controlPlanes: config.requireObject<RobotNodeArgs[]>("controlPlanes"),
  workers: {
    cloudPools: [{ name: "cloud", count: config.getNumber("cloudWorkers") ?? 1, serverType: "cx33", location: "fsn1" }],
  },
  adminCidrs: [bastion.ipv4Address.apply((ip) => `${ip}/32`)],
});

export const bastionAddress = bastion.ipv4Address;
export const nodes = cluster.nodes;
export const kubeconfig = cluster.kubeconfig;
