/**
 * Collaborators of the TalosBootstrap and KubeSpanMesh runtimes: talosctl (stack config
 * `talos-hetzner:talosctl`, `$TALOSCTL`, or PATH) and the clock/sleep that tests replace so waits
 * take milliseconds.
 */
import { Sleep, realSleep } from "../internal/retry";
import type { EtcdMember, NodeTarget, RunOptions, RunOutput } from "../talos/talosctl";
import { overridableDeps } from "./overridable";
import { cachedTalosctl } from "./talos-machine-config-deps";

/** The talosctl operations the two runtimes use (the `Talosctl` class implements it; tests fake it). */
export interface ClusterClient {
  run(args: string[], o?: RunOptions): Promise<RunOutput>;
  bootstrap(o: NodeTarget): Promise<{ alreadyBootstrapped: boolean }>;
  kubeconfig(o: NodeTarget): Promise<string>;
  etcdMembers(o: NodeTarget): Promise<EtcdMember[]>;
}

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
