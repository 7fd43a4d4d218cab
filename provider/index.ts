/** pulumi-talos-hetzner: Pulumi dynamic resources for Talos Linux clusters on Hetzner. */
export * from "./internal/errors";
export { retry, backoffDelay } from "./internal/retry";
export { pollUntil } from "./internal/poll";

// API clients
export {
  RobotClient,
  RobotApiError,
  RobotNetworkError,
  RobotStateError,
  robotRetryRule,
  sshKeyFingerprint,
} from "./hetzner/robot";
export type {
  RobotClientOptions,
  RobotServer as RobotServerInfo,
  RobotFirewall as RobotFirewallInfo,
} from "./hetzner/robot";
export * from "./hetzner/cloud";

// Talos config engine and helpers
export * from "./talos/config";
export { hetznerNetworkPatch, hetznerIpv6Address } from "./talos/network-patch";
export {
  resolveSchematicId,
  imageUrl,
  releaseImageUrl,
  installerImage,
  checkImageExists,
  ImageFactoryError,
} from "./talos/factory";
export { schematicId, canonicalSchematicYaml } from "./talos/schematic";
export { parseTalosVersion, compareTalosVersions, contractAtLeast, defaultKubernetesVersion } from "./talos/versions";
export { Talosctl } from "./talos/talosctl";

// Kubernetes API client for day-2 operations (cordon, drain, uncordon, node removal)
export {
  KubeClient,
  drainNode,
  waitNodeReady,
  parseKubeconfig,
  KubeApiError,
  KubeUnreachableError,
  DrainTimeoutError,
  KubeconfigError,
} from "./kube";
export type { KubeNode, KubePod, DrainOptions } from "./kube";

// Rescue-side building blocks
export { validateDiskSelector, selectInstallDisk, DiskSelectionError } from "./rescue/select";
export type { DiskSelector } from "./rescue/select";
export { InventoryError } from "./rescue/inventory";
export type { OtherDisksPolicy } from "./rescue/safety";
export { talosImageLabels, selectorFor } from "./internal/labels";
export { RescueSession } from "./rescue/session";
export { generateEd25519KeyPair } from "./rescue/session-keys";

// Firewall rule sets for @pulumi/hcloud and Robot
export { kubeSpanFirewallRules, talosAdminFirewallRules } from "./talos/firewall-rules";
export { robotTalosFirewallRules } from "./runtime/robot-firewall/talos-rules";
export type { HcloudFirewallRule } from "./talos/firewall-rules";

// Resources and the cluster component
export * from "./resources/robot-server";
export * from "./resources/talos-image";
export * from "./resources/talos-secrets";
export * from "./resources/talos-machine-config";
export * from "./resources/talos-bootstrap";
export * from "./resources/kubespan-mesh";
export * from "./resources/robot-firewall";
export { TalosCluster, TALOS_CLUSTER_TYPE } from "./resources/talos-cluster";
export type {
  TalosClusterArgs,
  RobotNodeArgs,
  CloudPoolArgs,
  CloudImageArgs,
  ClusterPatches,
  ClusterNodeRow,
  MeshRow,
} from "./resources/talos-cluster";
export { sweepTalosImageLeftovers } from "./runtime/talos-image/sweep";
export { talosconfigFor } from "./runtime/talos-secrets";
