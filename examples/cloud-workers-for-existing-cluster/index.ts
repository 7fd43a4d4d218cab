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
 *
 * Day 2, as TalosCluster does for its Cloud workers: each worker's config is applied again to the
 * running server (`<name>-node`), and the server ignores `image`/`userData` changes, so
 * `pulumi config set talosVersion v1.13.10` upgrades the workers in place one at a time (drain,
 * upgrade, uncordon) and label or patch changes are applied live instead of replacing servers.
 */
import * as hcloud from "@pulumi/hcloud";
import * as pulumi from "@pulumi/pulumi";
import {
  KubeSpanMesh,
  TalosBootstrap,
  TalosImage,
  TalosMachineConfig,
  TalosMachineConfigArgs,
  TalosSecrets,
  kubeSpanFirewallRules,
  kubeSpanPatch,
  talosAdminFirewallRules,
} from "pulumi-talos-hetzner";

const config = new pulumi.Config();
const talosVersion = config.get("talosVersion") ?? "v1.13.9";
const clusterName = config.require("clusterName");
const endpoint = config.require("endpoint");
const controlPlanes = config.requireObject<string[]>("controlPlaneAddresses");
const existingWorkers = config.getObject<string[]>("workerAddresses") ?? [];
const adminCidrs = config.requireObject<string[]>("adminCidrs");
const pool = config.get("poolName") ?? "cloud";

// Adopted, never regenerated: the new workers join with the cluster's own identity. The bundle keeps the
// Talos version it was first given: that is the workers' config contract, which an OS upgrade leaves alone.
const secrets = new TalosSecrets(
  "cluster-secrets",
  { talosVersion, secretsYaml: config.requireSecret("secretsYaml") },
  { ignoreChanges: ["talosVersion"] },
);
const contract = secrets.talosVersion;
// Reused when a snapshot with the same version/schematic/arch labels exists (e.g. built by another stack).
const image = new TalosImage("talos", { talosVersion });
const firewall = new hcloud.Firewall("cloud-workers", {
  rules: [...kubeSpanFirewallRules(), ...talosAdminFirewallRules(adminCidrs, controlPlanes)],
});

const count = config.getNumber("cloudWorkers") ?? 2;
let previous: pulumi.Resource = image; // the roll waits for the snapshot, then goes one worker at a time
const workers = Array.from({ length: count }, (_, i) => {
  const name = `${clusterName}-${pool}-${i}`;
  const args: TalosMachineConfigArgs = {
    secretsYaml: secrets.secretsYaml,
    clusterName,
    endpoint,
    role: "worker",
    talosVersion,
    hostname: name,
    configVersion: contract,
    platform: "cloud",
    // The KubeSpan patch's layout follows the contract, not the running version.
    clusterPatches: contract.apply((v) => [kubeSpanPatch({ talosVersion: v })]),
    nodePatches: [{ machine: { nodeLabels: { "node.kubernetes.io/pool": pool } } }],
  };
  // Rendered as user-data for the first boot only.
  const firstBoot = new TalosMachineConfig(`${name}-config`, { ...args, delivery: "user-data" });
  const server = new hcloud.Server(
    name,
    {
      name,
      serverType: config.get("cloudServerType") ?? "cx33",
      location: config.get("cloudLocation") ?? "fsn1",
      image: image.imageId.apply(String),
      userData: firstBoot.userData as pulumi.Output<string>,
      firewallIds: [firewall.id.apply(Number)],
      labels: { "talos-cluster": clusterName, "talos-pool": pool, "talos-role": "worker" },
    },
    { ignoreChanges: ["image", "userData"] },
  ); // a new snapshot or config reaches this server through `-node`
  // The same config applied to the running server: nothing to do on create, day-2 changes in place.
  const node = new TalosMachineConfig(
    `${name}-node`,
    { ...args, delivery: "apply", node: server.ipv4Address, rollPosition: `${i + 1} of ${count}` },
    { dependsOn: [previous] },
  );
  previous = node;
  return { server, node };
});
const workerAddresses = workers.map((w) => w.server.ipv4Address);

// etcd is already bootstrapped: TalosBootstrap takes Talos's AlreadyExists as success
// (alreadyBootstrapped = true), checks health with the new workers and issues credentials.
const bootstrap = new TalosBootstrap(
  "cluster",
  {
    clusterName,
    secretsYaml: secrets.secretsYaml,
    bootstrapNode: controlPlanes[0],
    controlPlaneNodes: controlPlanes,
    workerNodes: [...existingWorkers, ...workerAddresses],
  },
  { dependsOn: workers.flatMap((w) => [w.server, w.node]) },
);

const mesh = new KubeSpanMesh(
  "mesh",
  {
    nodes: [
      ...controlPlanes.map((address, i) => ({ name: `cp-${i}`, address, where: "robot" as const })),
      ...existingWorkers.map((address, i) => ({ name: `worker-${i}`, address, where: "robot" as const })),
      ...workerAddresses.map((address, i) =>
        address.apply((a) => ({ name: `${clusterName}-${pool}-${i}`, address: a, where: "cloud" as const })),
      ),
    ],
    endpoints: controlPlanes,
    talosconfig: bootstrap.talosconfig,
  },
  { dependsOn: [bootstrap] },
);

export const cloudWorkers = workerAddresses;
export const alreadyBootstrapped = bootstrap.alreadyBootstrapped;
export const meshTable = mesh.table;
export const kubeconfig = pulumi.secret(bootstrap.kubeconfig);
