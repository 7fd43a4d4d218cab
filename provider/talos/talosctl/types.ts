/** Option and result types of the talosctl wrapper's Talos-API helpers. */

/** Which node to talk to, through which endpoints, with which talosconfig (content). */
export interface NodeTarget {
  node: string;
  endpoints?: string[];
  talosconfig?: string;
}

/** `apply-config` inputs. */
export interface ApplyConfigOptions extends NodeTarget {
  config: string;
  mode: "auto" | "no-reboot" | "reboot" | "staged" | "try";
  /** Maintenance-mode client (no talosconfig used). */
  insecure: boolean;
  dryRun: boolean;
  /** `try` mode revert timeout in ms. */
  tryTimeout?: number;
}

/** What `apply-config` reported. */
export interface ApplyResult {
  /** The mode details line ("Applied configuration without a reboot"…); "" when the node printed none (maintenance ≤ v1.12). */
  modeDetails: string;
  rebootNeeded: boolean;
  /** Unified diff (dry run, or the reason of an auto-mode reboot); null when none was printed. */
  diff: string | null;
  warnings: string[];
  dryRun: boolean;
}

/** `health` inputs. */
export interface HealthOptions extends NodeTarget {
  controlPlanes: string[];
  workers: string[];
  /** ms. */
  waitTimeout: number;
}

/** `get` inputs. */
export interface GetOptions extends Partial<NodeTarget> {
  node: string;
  insecure?: boolean;
  id?: string;
}

/** One resource of `get -o json`. */
export interface TalosResource {
  node: string;
  metadata: {
    namespace: string;
    type: string;
    id: string;
    version: number;
    owner: string | null;
    phase: string;
    created: string;
    updated: string;
    labels?: Record<string, unknown>;
    annotations?: Record<string, unknown>;
  };
  spec: unknown;
}

/** A row of `etcd members`. */
export interface EtcdMember {
  node: string;
  id: string;
  hostname: string;
  peerUrls: string[];
  clientUrls: string[];
  learner: boolean;
}

/** `version` inputs. */
export interface VersionOptions extends Partial<NodeTarget> {
  node: string;
  insecure?: boolean;
}

/** The server part of `version`. */
export interface ServerVersion {
  node: string;
  tag: string;
  sha: string;
  goVersion: string;
  osArch: string;
}

/** `reset` inputs. */
export interface ResetOptions extends NodeTarget {
  graceful?: boolean;
  reboot?: boolean;
  wipeMode?: "all" | "system-disk" | "user-disks";
  systemLabelsToWipe?: string[];
  wait?: boolean;
  insecure?: boolean;
}

/** `upgrade` inputs. */
export interface UpgradeOptions extends NodeTarget {
  image: string;
  /** Track the upgrade until the node is back (`--wait`). @default true */
  wait?: boolean;
  rebootMode?: "default" | "force" | "powercycle";
  /** Tracker deadline (`--timeout`), ms. @default 1800000 (talosctl's 30m) */
  timeoutMs?: number;
  /** `--preserve` (legacy API; only meaningful for nodes older than v1.8); passed only when true. */
  preserve?: boolean;
  /** `--drain=<drain>` on v1.13+ clients (older clients have no such flag). @default false: the library drains itself */
  drain?: boolean;
}

/** `upgrade-k8s` inputs (runs against one control-plane node). */
export interface UpgradeK8sOptions extends NodeTarget {
  /** Current Kubernetes version without `v`; talosctl detects the lowest kubelet version when absent. */
  from?: string;
  /** Target Kubernetes version without `v`. */
  to: string;
  dryRun?: boolean;
  /** Kill talosctl after this long, ms. @default 1800000 */
  timeoutMs?: number;
}
