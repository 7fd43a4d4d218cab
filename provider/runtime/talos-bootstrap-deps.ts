/**
 * Collaborators of the TalosBootstrap and KubeSpanMesh runtimes: talosctl (stack config
 * `talos-hetzner:talosctl`, `$TALOSCTL`, or PATH) and the clock/sleep that tests replace so waits
 * take milliseconds.
 */
import { Sleep, realSleep } from "../internal/retry";
import type { EtcdMember, NodeTarget, RunOptions, RunOutput } from "../talos/talosctl";
import { setting } from "./config";
import { talosctlFromSettings } from "./talos-machine-config-deps";

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

let cached: { key: string; client: ClusterClient } | undefined;

/** Real talosctl (located once per setting value) and real timers. */
export const defaultClusterDeps: ClusterDeps = {
  talosctl() {
    const key = setting("talosctl") ?? "";
    if (!cached || cached.key !== key) cached = { key, client: talosctlFromSettings() };
    return cached.client;
  },
  sleep: realSleep,
  now: () => Date.now(),
};

let current: ClusterDeps = defaultClusterDeps;

/** The deps in use. */
export function clusterDeps(): ClusterDeps {
  return current;
}

/** Replaces some deps (tests); returns a function restoring the previous ones. */
export function overrideClusterDeps(next: Partial<ClusterDeps>): () => void {
  const prev = current;
  current = { ...current, ...next };
  return () => {
    current = prev;
  };
}
