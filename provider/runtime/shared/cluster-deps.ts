/**
 * Collaborators of the TalosBootstrap and KubeSpanMesh runtimes: talosctl (stack config
 * `talos-hetzner:talosctl`, `$TALOSCTL`, or PATH) and the clock/sleep that tests replace so waits
 * take milliseconds.
 */
import { Sleep, realSleep } from "../../internal/retry";
import type {
  EtcdMember,
  GetOptions,
  NodeTarget,
  RunOptions,
  RunOutput,
  TalosResource,
  UpgradeK8sOptions,
} from "../../talos/talosctl";
import { overridableDeps } from "./overridable";
import { cachedTalosctl } from "./talosctl";

/** The talosctl operations the two runtimes use (the `Talosctl` class implements it; tests fake it). */
export interface ClusterClient {
  run(args: string[], o?: RunOptions): Promise<RunOutput>;
  bootstrap(o: NodeTarget): Promise<{ alreadyBootstrapped: boolean }>;
  kubeconfig(o: NodeTarget): Promise<string>;
  etcdMembers(o: NodeTarget): Promise<EtcdMember[]>;
  /** `get <type> -o json` (reading the Kubernetes version from `machineconfig`); optional so older fakes still fit. */
  getResources?(type: string, o: GetOptions): Promise<TalosResource[]>;
  /** `upgrade-k8s` → stdout progress lines (issue #9 wrapper method); optional so older fakes still fit. */
  upgradeK8s?(o: UpgradeK8sOptions): Promise<string[]>;
}

export type { UpgradeK8sOptions };

/** Everything the runtimes need from outside. */
export interface ClusterDeps {
  talosctl(): ClusterClient;
  sleep: Sleep;
  now: () => number;
}

/** Real talosctl (located once per setting value) and real timers. */
export const defaultClusterDeps: ClusterDeps = {
  talosctl: cachedTalosctl(),
  sleep: realSleep,
  now: () => Date.now(),
};

const deps = overridableDeps(defaultClusterDeps);

/** The deps in use. */
export function clusterDeps(): ClusterDeps {
  return deps.get();
}

/** Replaces some deps (tests); returns a function restoring the previous ones. */
export function overrideClusterDeps(next: Partial<ClusterDeps>): () => void {
  return deps.patch(next);
}
