/**
 * `TalosBootstrap`: the cluster's one etcd bootstrap, a health check with the explicit node lists,
 * and the admin kubeconfig and talosconfig (both secret). Running it again is a no-op (Talos's
 * AlreadyExists counts as success); deleting it leaves the cluster running. Give it `dependsOn` the
 * nodes' `TalosMachineConfig`s. Runtime: provider/runtime/talos-bootstrap/index.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import type {
  BootstrapDeadlines,
  BootstrapInputs,
  EtcdMemberRow,
  HealthSummary,
} from "../runtime/talos-bootstrap/types";
import { TALOS_BOOTSTRAP_FIELDS } from "../runtime/talos-bootstrap/types";
import { TYPE_MODULE, declaredResource, shimProvider } from "./framework";

type In<K extends keyof BootstrapInputs> = pulumi.Input<NonNullable<BootstrapInputs[K]>>;

/** Arguments of `TalosBootstrap`; every change updates in place (re-running the idempotent steps) unless it says it replaces. */
export interface TalosBootstrapArgs {
  /** Cluster name, used as the talosconfig context; a change replaces. */
  clusterName: In<"clusterName">;
  /** The secrets bundle (`TalosSecrets.secretsYaml`) the admin talosconfig is issued from; stored as a secret. */
  secretsYaml?: In<"secretsYaml">;
  /** An existing talosconfig to use instead of issuing one (its endpoints are replaced); stored as a secret. */
  baseTalosconfig?: In<"baseTalosconfig">;
  /** IP of the control-plane node whose etcd is bootstrapped; must be one of `controlPlaneNodes`. */
  bootstrapNode: In<"bootstrapNode">;
  /** IPs of every control-plane node (health checks exactly these). */
  controlPlaneNodes: pulumi.Input<pulumi.Input<string>[]>;
  /** IPs of every worker node. @default [] */
  workerNodes?: pulumi.Input<pulumi.Input<string>[]>;
  /** Talos API endpoints written into the talosconfig and used by talosctl. @default controlPlaneNodes */
  endpoints?: pulumi.Input<pulumi.Input<string>[]>;
  /** Seconds for each wait: bootstrap accepted (600), health at create (1200), health at refresh (60). */
  deadlines?: pulumi.Input<BootstrapDeadlines>;
  /** A refresh renews the kubeconfig when its client certificate expires within this many days. @default 30 */
  kubeconfigRenewBeforeDays?: In<"kubeconfigRenewBeforeDays">;
  /**
   * Kubernetes version without `v` (`1.36.3`; a leading `v` is stripped). A change runs `talosctl
   * upgrade-k8s --from <old> --to <new>` once on the bootstrap node, then the health check; the
   * preview dry-runs it when the nodes answer. Downgrades and skipped minors fail at check.
   * @default unset: the cluster's version is recorded (kubelet image of the bootstrap node) and left as it is
   */
  kubernetesVersion?: In<"kubernetesVersion">;
  /** Deadline of `talosctl upgrade-k8s` in seconds. @default 1800 */
  kubernetesUpgradeTimeoutSeconds?: In<"kubernetesUpgradeTimeoutSeconds">;
}

/** The cluster's etcd bootstrap, health and admin credentials. */
export class TalosBootstrap extends pulumi.dynamic.Resource {
  /** Admin kubeconfig (secret). */
  declare readonly kubeconfig: pulumi.Output<string>;
  /** Admin talosconfig with the control-plane endpoints filled in (secret). */
  declare readonly talosconfig: pulumi.Output<string>;
  declare readonly etcdMembers: pulumi.Output<EtcdMemberRow[]>;
  /** The Kubernetes API URL (`https://host:6443`). */
  declare readonly kubernetesEndpoint: pulumi.Output<string>;
  /** What the last health check found. */
  declare readonly health: pulumi.Output<HealthSummary>;
  /** True when etcd had been bootstrapped before this resource was created (adopted cluster). */
  declare readonly alreadyBootstrapped: pulumi.Output<boolean>;
  /** Expiry of the kubeconfig's client certificate (ISO 8601). */
  declare readonly kubeconfigExpiry: pulumi.Output<string>;
  /** What the last refresh found wrong; [] when nothing. */
  declare readonly drift: pulumi.Output<string[]>;
  /** The Kubernetes version the cluster was set to (or found running at create); undefined when unknown. */
  declare readonly kubernetesVersion: pulumi.Output<string | undefined>;

  constructor(name: string, args: TalosBootstrapArgs, opts?: pulumi.CustomResourceOptions) {
    const d = declaredResource(TALOS_BOOTSTRAP_FIELDS, args, opts);
    super(shimProvider("talos-bootstrap"), name, d.props, d.opts, TYPE_MODULE, "TalosBootstrap");
  }
}
