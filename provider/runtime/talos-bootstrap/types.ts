/** Plain types, defaults and errors of `TalosBootstrap` (no Pulumi import). */
import { TalosHetznerError } from "../../internal/errors";
import { KeysOf, OutputOnlyKeys, resourceSchema } from "../dispatch/schema";

/** Per-step deadlines in seconds. */
export interface BootstrapDeadlines {
  /** Waiting for the node to accept bootstrap (CRI up, time in sync). @default 600 */
  bootstrapSeconds?: number;
  /** Waiting for `talosctl health` at create/update. @default 1200 (talosctl's own 20m) */
  healthSeconds?: number;
  /** The bounded health re-check of a refresh. @default 60 */
  refreshHealthSeconds?: number;
}

/** Inputs of the cluster's bootstrap. */
export interface BootstrapInputs {
  /** Cluster name (the talosconfig context); a change replaces. */
  clusterName: string;
  /** The cluster's secrets bundle (`TalosSecrets.secretsYaml`): the admin talosconfig is issued from it. */
  secretsYaml?: string;
  /** An existing talosconfig to use instead (its endpoints are replaced by `endpoints`). */
  baseTalosconfig?: string;
  /** The control-plane node whose etcd is bootstrapped; must be in `controlPlaneNodes`. */
  bootstrapNode: string;
  /** Every control-plane node's IP. */
  controlPlaneNodes: string[];
  /** Every worker node's IP. @default [] */
  workerNodes?: string[];
  /** Talos API endpoints for talosctl and the talosconfig. @default controlPlaneNodes */
  endpoints?: string[];
  deadlines?: BootstrapDeadlines;
  /** Renew the kubeconfig at refresh when its client certificate expires within this many days. @default 30 */
  kubeconfigRenewBeforeDays?: number;
  /** Kubernetes version without `v` (a leading `v` is stripped); a change runs `talosctl upgrade-k8s`. @default the version the cluster runs */
  kubernetesVersion?: string;
  /** Deadline of `talosctl upgrade-k8s` in seconds. @default 1800 */
  kubernetesUpgradeTimeoutSeconds?: number;
}

/** One etcd member (non-secret). */
export interface EtcdMemberRow {
  id: string;
  hostname: string;
  peerUrls: string[];
  clientUrls: string[];
  learner: boolean;
}

/** What the last health check found (non-secret). */
export interface HealthSummary {
  healthy: boolean;
  /** Checks that passed, in Talos's order. */
  passed: string[];
  /** The check that did not pass, or null. */
  failing: string | null;
  /** Its last error (or why health could not run), or null. */
  detail: string | null;
  controlPlaneNodes: string[];
  workerNodes: string[];
}

/** Outputs (the inputs are repeated by the dispatcher). */
export interface BootstrapOutputs extends BootstrapInputs {
  /** Admin kubeconfig (secret). */
  kubeconfig: string;
  /** Admin talosconfig with the control-plane endpoints filled in (secret). */
  talosconfig: string;
  etcdMembers: EtcdMemberRow[];
  /** The Kubernetes API URL from the kubeconfig. */
  kubernetesEndpoint: string;
  health: HealthSummary;
  /** True when etcd was already bootstrapped (an interrupted run or an adopted cluster). */
  alreadyBootstrapped: boolean;
  /** Expiry of the kubeconfig's client certificate (ISO 8601). */
  kubeconfigExpiry: string;
  /** What the last refresh found wrong; [] when nothing. */
  drift: string[];
  /** The Kubernetes version set (or, when unset, read from the bootstrap node's kubelet image at create); absent when unknown. */
  kubernetesVersion?: string;
}

/**
 * Inputs and outputs of TalosBootstrap, declared once. A new cluster name replaces; the bundle, a
 * base talosconfig and the admin credentials are secret; the Kubernetes version is reported (found
 * running at create when not set).
 */
export const TALOS_BOOTSTRAP_FIELDS = resourceSchema<
  KeysOf<BootstrapInputs>,
  OutputOnlyKeys<BootstrapOutputs, BootstrapInputs>
>({
  inputs: {
    clusterName: { replaces: true },
    secretsYaml: { secret: true },
    baseTalosconfig: { secret: true },
    bootstrapNode: {},
    controlPlaneNodes: {},
    workerNodes: {},
    endpoints: {},
    deadlines: {},
    kubeconfigRenewBeforeDays: {},
    kubernetesVersion: { reported: true },
    kubernetesUpgradeTimeoutSeconds: {},
  },
  outputs: {
    kubeconfig: { secret: true },
    talosconfig: { secret: true },
    etcdMembers: {},
    kubernetesEndpoint: {},
    health: {},
    alreadyBootstrapped: {},
    kubeconfigExpiry: {},
    drift: {},
  },
});

/** Every input key (outputs repeat them). */
export const INPUT_KEYS = TALOS_BOOTSTRAP_FIELDS.inputKeys;

/** Deadlines in ms with defaults applied. */
export function deadlinesMs(i: BootstrapInputs): { bootstrap: number; health: number; refreshHealth: number } {
  const d = i.deadlines ?? {};
  return {
    bootstrap: (d.bootstrapSeconds ?? 600) * 1000,
    health: (d.healthSeconds ?? 1200) * 1000,
    refreshHealth: (d.refreshHealthSeconds ?? 60) * 1000,
  };
}

/** The `talosctl upgrade-k8s` deadline in ms. */
export function k8sUpgradeTimeoutMs(i: BootstrapInputs): number {
  return (i.kubernetesUpgradeTimeoutSeconds ?? 1800) * 1000;
}

/** The Talos API endpoints in use. */
export function endpointsOf(i: BootstrapInputs): string[] {
  return i.endpoints?.length ? i.endpoints : i.controlPlaneNodes;
}

/** The node refused bootstrap for a reason waiting cannot fix (wrong node type, no etcd config). */
export class BootstrapRefusedError extends TalosHetznerError {
  constructor(
    readonly node: string,
    message: string,
    cause: unknown,
  ) {
    super(message, { cause });
    this.name = "BootstrapRefusedError";
  }
}

/** `talosctl health` did not pass; `check` names the check that kept failing. */
export class HealthCheckError extends TalosHetznerError {
  constructor(
    readonly check: string | null,
    readonly detail: string | null,
    message: string,
  ) {
    super(message);
    this.name = "HealthCheckError";
  }
}
