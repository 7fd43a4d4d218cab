/**
 * The package's public entry as programs import it (`import { TalosCluster } from "pulumi-talos-hetzner"`):
 * everything provider/index.ts exports plus the resources and the cluster component. provider/index.ts
 * should re-export this module's additions; until it does, the program runner's demo resolves the
 * package name here (provider/sim/demo-package.ts).
 */
export * from "../index";
export { TalosCluster, TALOS_CLUSTER_TYPE } from "./talos-cluster";
export type { TalosClusterArgs, RobotNodeArgs, CloudPoolArgs, CloudImageArgs, ClusterPatches, ClusterNodeRow, MeshRow } from "./talos-cluster";
export { planCluster, childNames, endpointUrl, nodeLabelsPatch } from "./talos-cluster-plan";
export type { PlannedNode, ClusterPlan } from "./talos-cluster-plan";
export { RobotServer } from "./robot-server";
export type { RobotServerArgs, RobotServerImage, RobotServerDeadlines, DiskSummary, TalosState } from "./robot-server";
export { TalosImage } from "./talos-image";
export type { TalosImageArgs, CloudArch, Schematic, TalosImageTimeouts } from "./talos-image";
export { TalosSecrets } from "./talos-secrets";
export type { TalosSecretsArgs } from "./talos-secrets";
export { TalosMachineConfig } from "./talos-machine-config";
export type { TalosMachineConfigArgs } from "./talos-machine-config";
export { TalosBootstrap } from "./talos-bootstrap";
export type { TalosBootstrapArgs } from "./talos-bootstrap";
export { KubeSpanMesh } from "./kubespan-mesh";
export type { KubeSpanMeshArgs } from "./kubespan-mesh";
export { RobotFirewall } from "./robot-firewall";
export type { RobotFirewallArgs } from "./robot-firewall";
export { kubeSpanFirewallRules, talosAdminFirewallRules, robotTalosFirewallRules } from "../talos/firewall-rules";
export type { HcloudFirewallRule } from "../talos/firewall-rules";
