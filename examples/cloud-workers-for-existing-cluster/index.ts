/**
 * "Scaling into the cloud": an existing bare-metal Talos cluster (set up by hand or by another stack)
 * gets Hetzner Cloud workers. The cluster is adopted from its `secrets.yaml`; nothing on the existing
 * nodes is changed. They must already run KubeSpan with discovery (apply `kubeSpanPatch()` with
 * `talosctl patch mc` first) and their firewalls must admit UDP 51820.
 *
 *   pulumi config set --secret secretsYaml "$(cat secrets.yaml)"
 *   pulumi config set clusterName prod
 *   pulumi config set endpoint https://k8s.example.com:6443
 *   pulumi config set --path 'controlPlaneAddresses[0]' 203.0.113.10      # and the others
 *   pulumi config set --path 'adminCidrs[0]' 198.51.100.7/32
 */
import * as hcloud from "@pulumi/hcloud";
import * as pulumi from "@pulumi/pulumi";
import {
  KubeSpanMesh, TalosBootstrap, TalosImage, TalosMachineConfig, TalosSecrets, kubeSpanFirewallRules, kubeSpanPatch, talosAdminFirewallRules,
} from "pulumi-talos-hetzner";

const config = new pulumi.Config();
const talosVersion = config.get("talosVersion") ?? "v1.13.9";
const clusterName = config.require("clusterName");
const endpoint = config.require("endpoint");
const controlPlanes = config.requireObject<string[]>("controlPlaneAddresses");
const existingWorkers = config.getObject<string[]>("workerAddresses") ?? [];
const adminCidrs = config.requireObject<string[]>("adminCidrs");
const pool = config.get("poolName") ?? "cloud";

// Adopted, never regenerated: the new workers join with the cluster's own identity.
const secrets = new TalosSecrets("cluster-secrets", { talosVersion, secretsYaml: config.requireSecret("secretsYaml") });
// Reused when a snapshot with the same version/schematic/arch labels exists (e.g. built by another stack).
const image = new TalosImage("talos", { talosVersion });
const firewall = new hcloud.Firewall("cloud-workers", {
  rules: [...kubeSpanFirewallRules(), ...talosAdminFirewallRules(adminCidrs, controlPlanes)],
});

const workers = Array.from({ length: config.getNumber("cloudWorkers") ?? 2 }, (_, i) => {
  const name = `${clusterName}-${pool}-${i}`;
  const machineConfig = new TalosMachineConfig(`${name}-config`, {
    secretsYaml: secrets.secretsYaml, clusterName, endpoint, role: "worker", talosVersion, hostname: name,
    clusterPatches: [kubeSpanPatch({ talosVersion })],
    nodePatches: [{ machine: { nodeLabels: { "node.kubernetes.io/pool": pool } } }],
    delivery: "user-data",
  });
  return new hcloud.Server(name, {
    name,
    serverType: config.get("cloudServerType") ?? "cx33",
    location: config.get("cloudLocation") ?? "fsn1",
    image: image.imageId.apply(String),
    userData: machineConfig.userData as pulumi.Output<string>,
    firewallIds: [firewall.id.apply(Number)],
    labels: { "talos-cluster": clusterName, "talos-pool": pool, "talos-role": "worker" },
  });
});
const workerAddresses = workers.map((w) => w.ipv4Address);

// etcd is already bootstrapped: TalosBootstrap takes Talos's AlreadyExists as success
// (alreadyBootstrapped = true), checks health with the new workers and issues credentials.
const bootstrap = new TalosBootstrap("cluster", {
  clusterName, secretsYaml: secrets.secretsYaml, bootstrapNode: controlPlanes[0], controlPlaneNodes: controlPlanes,
  workerNodes: [...existingWorkers, ...workerAddresses],
}, { dependsOn: workers });

const mesh = new KubeSpanMesh("mesh", {
  nodes: [
    ...controlPlanes.map((address, i) => ({ name: `cp-${i}`, address, where: "robot" as const })),
    ...existingWorkers.map((address, i) => ({ name: `worker-${i}`, address, where: "robot" as const })),
    ...workerAddresses.map((address, i) => address.apply((a) => ({ name: `${clusterName}-${pool}-${i}`, address: a, where: "cloud" as const }))),
  ],
  endpoints: controlPlanes,
  talosconfig: bootstrap.talosconfig,
}, { dependsOn: [bootstrap] });

export const cloudWorkers = workerAddresses;
export const alreadyBootstrapped = bootstrap.alreadyBootstrapped;
export const meshTable = mesh.table;
export const kubeconfig = pulumi.secret(bootstrap.kubeconfig);
