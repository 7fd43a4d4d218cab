/**
 * `TalosMachineConfig`: one node's machine config, rendered from the cluster's secrets and patches,
 * applied to the node (or rendered as Hetzner Cloud user-data). Previews diff a REDACTED rendering
 * (`redactedConfig`), so reviewers see which config paths change and nothing secret. Runtime:
 * provider/runtime/talos-machine-config/index.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ChangeImpact, ConfigPatch, PatchVariables } from "../talos/config";
import type { AppliedMode, ApplyMode, Delivery, MachineConfigInputs } from "../runtime/talos-machine-config/types";
import { SECRET_INPUT_KEYS, SECRET_OUTPUT_KEYS } from "../runtime/talos-machine-config/types";
import { TYPE_MODULE, secretOutputs, seedOutputs, shimProvider } from "./framework";

type In<K extends keyof MachineConfigInputs> = pulumi.Input<NonNullable<MachineConfigInputs[K]>>;

/** Arguments of `TalosMachineConfig`; every change updates in place unless it says it replaces. */
export interface TalosMachineConfigArgs {
  /** The cluster's secrets bundle (`TalosSecrets.secretsYaml`); always stored as a secret. */
  secretsYaml: In<"secretsYaml">;
  /** Cluster name (`gen config`'s first argument). */
  clusterName: In<"clusterName">;
  /** Kubernetes API endpoint, `https://host:port` (checked like `talosctl gen config`). */
  endpoint: In<"endpoint">;
  /** `controlplane` or `worker`. */
  role: In<"role">;
  /** Talos version of the node, e.g. `v1.13.9`: decides the config layout (`gen config --talos-version`). */
  talosVersion: In<"talosVersion">;
  /** Kubernetes version without `v`. @default Talos's default for `talosVersion` */
  kubernetesVersion?: In<"kubernetesVersion">;
  /** Installer image; a change has impact `upgrade` (takes effect through a Talos upgrade). @default `ghcr.io/siderolabs/installer:<talosVersion>` */
  installImage?: In<"installImage">;
  /** Install disk, e.g. `RobotServer.installDiskById`. @default talosctl's `/dev/sda` */
  installDisk?: In<"installDisk">;
  /** Static hostname (a HostnameConfig document from v1.12, `machine.network.hostname` before). @default Talos's stable hostname */
  hostname?: In<"hostname">;
  /** Patches for every node (YAML text, objects, RFC 6902 op lists); stored as a secret, shown through `redactedConfig`. */
  clusterPatches?: pulumi.Input<ConfigPatch[]>;
  /** Patches for this role; applied after `clusterPatches`; stored as a secret. */
  rolePatches?: pulumi.Input<ConfigPatch[]>;
  /** Patches for this node, with `${hostname}`, `${private_ip}`, `${vlan}`, `${server_number}`… from `variables`; stored as a secret. */
  nodePatches?: pulumi.Input<ConfigPatch[]>;
  /** The Hetzner network patch (`RobotServer.networkPatch`); applied after the node patches. */
  networkPatch?: pulumi.Input<ConfigPatch>;
  /** Values for `${name}` in node patches; `hostname` defaults to `hostname`. */
  variables?: pulumi.Input<PatchVariables>;
  /** `talosctl validate --mode`. @default `cloud` for user-data delivery, else `metal` */
  platform?: In<"platform">;
  /** `apply` to a running node, or `user-data` (render only, for `hcloud.Server.userData`); a change replaces. @default "apply" */
  delivery?: pulumi.Input<Delivery>;
  /** Address of the node's Talos API (required for `apply`); a change replaces. */
  node?: In<"node">;
  /** apid endpoints to reach the node through (control planes, for workers behind a firewall). @default [node] */
  endpoints?: pulumi.Input<pulumi.Input<string>[]>;
  /** How a configured node applies a change; maintenance mode always installs. @default "auto" */
  applyMode?: pulumi.Input<ApplyMode>;
  /** Seconds before a `try` apply is reverted. @default 60 */
  tryTimeoutSeconds?: pulumi.Input<number>;
  /** Seconds allowed for a busy node, a reboot and the read-back of one create/update. @default 600 */
  timeoutSeconds?: pulumi.Input<number>;
  /** On delete, reset the node gracefully (wipes STATE and EPHEMERAL, back to maintenance). @default false */
  resetOnDelete?: pulumi.Input<boolean>;
  /** Talos version of the config contract (`gen config --talos-version`) and of the default Kubernetes version; when unset it stays PINNED at its first value, so a `talosVersion` bump changes only `machine.install.image`. @default the first `talosVersion` */
  configVersion?: In<"configVersion">;
  /** Cordon and drain the node (Kubernetes API) around an upgrade, a graceful reboot and its removal. @default true */
  drain?: In<"drain">;
  /** Seconds a drain may take (PodDisruptionBudgets respected); past it the update stops with the node cordoned. @default 300 */
  drainTimeoutSeconds?: In<"drainTimeoutSeconds">;
  /** Seconds for `talosctl upgrade` and the node's return on the new version, and for the health gate after it. @default 900 */
  upgradeTimeoutSeconds?: In<"upgradeTimeoutSeconds">;
  /** On delete of a control plane, remove it from etcd even when the remaining members would lose quorum. @default false */
  allowQuorumLoss?: In<"allowQuorumLoss">;
  /** `upgrade-k8s`: on a configured node the Kubernetes images stay as the node runs them (TalosBootstrap's `kubernetesVersion` upgrades them); `apply`: the config's images are applied. @default "upgrade-k8s" */
  kubernetesUpgrade?: In<"kubernetesUpgrade">;
  /** Where this node is in a roll (TalosCluster sets it, e.g. "3 of 5, after cp-1"); shown in `plannedAction`, never updates the node by itself. */
  rollPosition?: In<"rollPosition">;
}

const OUTPUT_KEYS = [
  "config",
  "redactedConfig",
  "configHash",
  "changeImpact",
  "appliedMode",
  "rebootPending",
  "userData",
  "userDataEncoding",
  "liveConfigHash",
  "drift",
  "plannedAction",
  "configVersion",
] as const;

/** The args with every input that may carry key material wrapped as a secret (so state stores it encrypted). */
export function withSecretInputs(args: TalosMachineConfigArgs): Record<string, unknown> {
  const out: Record<string, unknown> = { ...args };
  for (const k of SECRET_INPUT_KEYS) if (out[k] !== undefined) out[k] = pulumi.secret(out[k]);
  return out;
}

/** One node's Talos machine config, applied to the node or rendered as user-data. */
export class TalosMachineConfig extends pulumi.dynamic.Resource {
  /** The full rendered config (secret). */
  declare readonly config: pulumi.Output<string>;
  /** The rendered config with every secret field replaced by `***redacted***`; what previews diff. */
  declare readonly redactedConfig: pulumi.Output<string>;
  /** sha256 of the normalized config. */
  declare readonly configHash: pulumi.Output<string>;
  /** Estimated impact of the last change: `none`, `live`, `reboot` or `upgrade`; the node's dry run decides. */
  declare readonly changeImpact: pulumi.Output<ChangeImpact>;
  /** What the last create/update did: `maintenance`, `no-reboot`, `reboot`, `staged`, `try`, `unchanged` or `user-data`. */
  declare readonly appliedMode: pulumi.Output<AppliedMode>;
  /** The node's staged (persistent) config differs from its active one: a reboot is pending. */
  declare readonly rebootPending: pulumi.Output<boolean>;
  /** Hetzner Cloud user-data (secret; `user-data` delivery only), gzip+base64 when plain does not fit 32 KiB. */
  declare readonly userData: pulumi.Output<string | undefined>;
  /** Hash of the config the node keeps, from the last apply or refresh. */
  declare readonly liveConfigHash: pulumi.Output<string | undefined>;
  /** Per-path differences (redacted) between the desired config and the node's, from the last refresh. */
  declare readonly drift: pulumi.Output<string[]>;
  /** What the last update planned (previews show the coming one): e.g. `upgrade Talos v1.12.5 → v1.13.9 (forfeit etcd leadership, drain, upgrade, uncordon) — 2 of 3`. */
  declare readonly plannedAction: pulumi.Output<string | undefined>;
  /** The pinned config contract version the config is rendered with. */
  declare readonly configVersion: pulumi.Output<string>;

  constructor(name: string, args: TalosMachineConfigArgs, opts?: pulumi.CustomResourceOptions) {
    const props = seedOutputs(withSecretInputs(args), OUTPUT_KEYS);
    super(
      shimProvider("talos-machine-config"),
      name,
      props,
      secretOutputs(opts, SECRET_OUTPUT_KEYS),
      TYPE_MODULE,
      "TalosMachineConfig",
    );
  }
}
