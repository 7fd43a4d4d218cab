/**
 * Plain input/output types of `TalosMachineConfig` and the pure resolution of its defaults, shared by
 * check (preview) and create/update (apply) so both render exactly the same config.
 */
import { InputError } from "../../internal/errors";
import type { ChangeImpact, ConfigPatch, PatchVariables, RenderArgs } from "../../talos/config";
import { defaultKubernetesVersion } from "../../talos/versions";

/** How `apply-config` applies a change to a configured node (contract §7). */
export type ApplyMode = "auto" | "no-reboot" | "reboot" | "staged" | "try";

/** How the config reaches the node: applied over the Talos API, or rendered for cloud user-data. */
export type Delivery = "apply" | "user-data";

/** What was done to the node by the last create/update. */
export type AppliedMode = "maintenance" | "no-reboot" | "reboot" | "staged" | "try" | "unchanged" | "user-data";

/** How a Kubernetes version change reaches a configured node (issue #9). */
export type KubernetesUpgrade = "upgrade-k8s" | "apply";

/** Inputs of one node's machine config (secret material only in `secretsYaml` and the patches). */
export interface MachineConfigInputs {
  secretsYaml: string;
  clusterName: string;
  endpoint: string;
  role: "controlplane" | "worker";
  talosVersion: string;
  /** Talos version of the config contract (`gen config --talos-version`); check pins it (previous value, else talosVersion). */
  configVersion?: string;
  kubernetesVersion?: string;
  installImage?: string;
  installDisk?: string;
  hostname?: string;
  clusterPatches?: ConfigPatch[];
  rolePatches?: ConfigPatch[];
  nodePatches?: ConfigPatch[];
  networkPatch?: ConfigPatch;
  variables?: PatchVariables;
  platform?: "metal" | "cloud";
  delivery?: Delivery;
  node?: string;
  endpoints?: string[];
  applyMode?: ApplyMode;
  tryTimeoutSeconds?: number;
  timeoutSeconds?: number;
  resetOnDelete?: boolean;
  /** Cordon and drain the node around an upgrade, a reboot or its removal. @default true */
  drain?: boolean;
  drainTimeoutSeconds?: number;
  upgradeTimeoutSeconds?: number;
  /** Remove a control plane from etcd even when the remaining members would lose quorum. @default false */
  allowQuorumLoss?: boolean;
  kubernetesUpgrade?: KubernetesUpgrade;
  /** Where this node is in a roll (set by TalosCluster), shown in `plannedAction`. */
  rollPosition?: string;
  /** Computed by check: what the next update will do to the node (empty when nothing). */
  plannedAction?: string;
  /** Computed by check: the redacted rendering (what previews diff). */
  redactedConfig?: string;
  /** Computed by check: sha256 of the normalized rendering. */
  configHash?: string;
  /** Computed by check: the estimated impact of the change against the previous rendering. */
  changeImpact?: ChangeImpact;
}

/** Outputs (the inputs are repeated under the same keys by the dispatcher). */
export interface MachineConfigOutputs extends MachineConfigInputs {
  /** The full rendered config (secret). */
  config: string;
  appliedMode: AppliedMode;
  rebootPending: boolean;
  /** Cloud user-data (secret), `user-data` delivery only. */
  userData?: string;
  userDataEncoding?: "plain" | "gzip+base64";
  /** Hash of the config the node keeps (persistent, else active), from the last apply or refresh; `apply` delivery only. */
  liveConfigHash?: string;
  /** Per-path differences between the desired and the live config found by the last refresh (redacted). */
  drift: string[];
}

/** Input keys the user sets (the computed ones are added by check). */
export const USER_INPUT_KEYS = [
  "secretsYaml",
  "clusterName",
  "endpoint",
  "role",
  "talosVersion",
  "kubernetesVersion",
  "installImage",
  "installDisk",
  "hostname",
  "clusterPatches",
  "rolePatches",
  "nodePatches",
  "networkPatch",
  "variables",
  "platform",
  "delivery",
  "node",
  "endpoints",
  "applyMode",
  "tryTimeoutSeconds",
  "timeoutSeconds",
  "resetOnDelete",
  "configVersion",
  "drain",
  "drainTimeoutSeconds",
  "upgradeTimeoutSeconds",
  "allowQuorumLoss",
  "kubernetesUpgrade",
  "rollPosition",
] as const;

/** Keys that change only how the config is delivered, not what it is. */
export const DELIVERY_KEYS = [
  "node",
  "endpoints",
  "applyMode",
  "tryTimeoutSeconds",
  "timeoutSeconds",
  "resetOnDelete",
  "drain",
  "drainTimeoutSeconds",
  "upgradeTimeoutSeconds",
  "allowQuorumLoss",
  "kubernetesUpgrade",
  "rollPosition",
] as const;

/** Keys that describe the coming change but change nothing by themselves: they alone never make an update. */
export const DESCRIPTIVE_KEYS = ["plannedAction", "rollPosition"] as const;

/** Input keys that may carry key material, marked secret by the resource class. */
export const SECRET_INPUT_KEYS = [
  "secretsYaml",
  "clusterPatches",
  "rolePatches",
  "nodePatches",
  "networkPatch",
] as const;

/** Output keys that carry key material (`additionalSecretOutputs`). */
export const SECRET_OUTPUT_KEYS = ["config", "userData", ...SECRET_INPUT_KEYS] as const;

/** @default 600 s for every wait of one create/update (busy node retries, reboot, read-back). */
export const DEFAULT_TIMEOUT_SECONDS = 600;

/** @default 300 s for draining a node (kubectl drain's pace, PDBs respected). */
export const DEFAULT_DRAIN_TIMEOUT_SECONDS = 300;

/** @default 900 s for `talosctl upgrade` and the node's return on the new version. */
export const DEFAULT_UPGRADE_TIMEOUT_SECONDS = 900;

/** @default 60 s, talosctl's own `--timeout` default for `try` mode. */
export const DEFAULT_TRY_TIMEOUT_SECONDS = 60;

/** The installer image `talosctl gen config` would use for this version (always passed explicitly, contract §4). */
export function defaultInstallImage(talosVersion: string): string {
  return `ghcr.io/siderolabs/installer:${talosVersion}`;
}

/** Validation mode: `cloud` for user-data delivery unless set, else `metal`. */
export function platformOf(i: MachineConfigInputs): "metal" | "cloud" {
  return i.platform ?? (i.delivery === "user-data" ? "cloud" : "metal");
}

/** The installer image the node should run: `installImage`, else the default of `talosVersion`. */
export function installImageOf(i: Pick<MachineConfigInputs, "installImage" | "talosVersion">): string {
  return i.installImage ?? defaultInstallImage(i.talosVersion);
}

/** The Talos version whose config contract renders the config: `configVersion` (pinned by check), else `talosVersion`. */
export function configVersionOf(i: Pick<MachineConfigInputs, "configVersion" | "talosVersion">): string {
  return i.configVersion ?? i.talosVersion;
}

/** The renderMachineConfig arguments of the inputs, defaults filled in. */
export function renderArgsOf(i: MachineConfigInputs): RenderArgs {
  const contract = configVersionOf(i);
  let kubernetesVersion = i.kubernetesVersion;
  if (kubernetesVersion === undefined) kubernetesVersion = defaultKubernetesVersion(contract);
  if (kubernetesVersion.startsWith("v")) kubernetesVersion = kubernetesVersion.slice(1);
  return {
    clusterName: i.clusterName,
    endpoint: i.endpoint,
    role: i.role,
    talosVersion: contract,
    kubernetesVersion,
    installImage: installImageOf(i),
    installDisk: i.installDisk,
    hostname: i.hostname,
    secretsYaml: i.secretsYaml,
    clusterPatches: i.clusterPatches,
    rolePatches: i.rolePatches,
    nodePatches: i.nodePatches,
    networkPatch: i.networkPatch,
    variables: i.variables,
    mode: platformOf(i),
  };
}

/** The node's API endpoints: the given ones, else the node itself. */
export function endpointsOf(i: MachineConfigInputs): string[] {
  return i.endpoints && i.endpoints.length > 0 ? i.endpoints : [requireNode(i)];
}

/** The node address; an InputError for `apply` delivery without one. */
export function requireNode(i: MachineConfigInputs): string {
  if (typeof i.node !== "string" || i.node.trim() === "")
    throw new InputError("node", 'is required for delivery "apply": the address of the node\'s Talos API');
  return i.node;
}
