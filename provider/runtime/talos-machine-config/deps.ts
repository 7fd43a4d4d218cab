/**
 * Collaborators of the TalosSecrets/TalosMachineConfig runtimes: the talosctl binary (from stack
 * config `talos-hetzner:talosctl`, `$TALOSCTL`, or PATH), the process-wide render cache, and the
 * clock/sleep that tests replace so waits take milliseconds.
 */
import { Sleep, realSleep } from "../../internal/retry";
import { ConfigRenderCache, sharedRenderCache } from "../../talos/config";
import type {
  ApplyConfigOptions,
  ApplyResult,
  EtcdMember,
  GetOptions,
  NodeTarget,
  ResetOptions,
  ServerVersion,
  TalosResource,
  UpgradeOptions,
  VersionOptions,
} from "../../talos/talosctl";
import type { Talosctl } from "../../talos/talosctl";
import { KubeClient, drainNode, waitNodeReady } from "../../kube";
import { cachedTalosctl } from "../shared/talosctl";
import { overridableDeps } from "../shared/overridable";
import * as os from "os";
import { RenderDiskCache, binaryIdentity, cacheDirOf } from "../../talos/config/disk-cache";

/** The talosctl operations the two runtimes use (the `Talosctl` class implements it; tests fake it). */
export interface TalosClient {
  genSecrets(talosVersion: string): Promise<string>;
  genConfig(o: Parameters<Talosctl["genConfig"]>[0]): ReturnType<Talosctl["genConfig"]>;
  validate(config: string, mode: "metal" | "cloud", strict: boolean): Promise<string[]>;
  applyConfig(o: ApplyConfigOptions): Promise<ApplyResult>;
  getResources(type: string, o: GetOptions): Promise<TalosResource[]>;
  reset(o: ResetOptions): Promise<void>;
  version(o: VersionOptions): Promise<ServerVersion>;
  kubeconfig(o: NodeTarget): Promise<string>;
  etcdMembers(o: NodeTarget): Promise<EtcdMember[]>;
  etcdForfeitLeadership(o: NodeTarget): Promise<void>;
  etcdRemoveMember(o: NodeTarget & { memberId: string }): Promise<void>;
  upgrade(o: UpgradeOptions & { preserve?: boolean; drain?: boolean }): Promise<void>;
  reboot(o: NodeTarget & { wait?: boolean }): Promise<void>;
}

/** Everything the runtimes need from outside. */
export interface RuntimeDeps {
  talosctl(): TalosClient;
  /** A Kubernetes API client for an admin kubeconfig (provider/kube; tests fake it). @default kubeAccess */
  kube?(kubeconfig: string): KubeAccess;
  cache: ConfigRenderCache;
  /** The on-disk render/validate cache of a talosctl binary; undefined turns it off. @default under $XDG_CACHE_HOME */
  diskCache?(binary: string): RenderDiskCache | undefined;
  sleep: Sleep;
  now: () => number;
}

/** A Kubernetes node as the roll sees it (provider/kube `KubeNode`). */
export interface KubeNodeView {
  name: string;
  addresses: string[];
  ready: boolean;
  unschedulable: boolean;
}

/** Deadline and clock of a Kubernetes wait (provider/kube `DrainOptions`). */
export interface KubeWait {
  timeoutMs: number;
  sleep?: Sleep;
  now?: () => number;
  log?: (line: string) => void;
}

/** The Kubernetes operations of a roll and a removal (provider/kube's KubeClient, drainNode, waitNodeReady). */
export interface KubeAccess {
  listNodes(): Promise<KubeNodeView[]>;
  nodeByAddress(ip: string): Promise<KubeNodeView | undefined>;
  cordon(name: string): Promise<void>;
  uncordon(name: string): Promise<void>;
  deleteNode(name: string): Promise<void>;
  /** kubectl drain --ignore-daemonsets --delete-emptydir-data; DrainTimeoutError past the deadline. */
  drain(name: string, o: KubeWait): Promise<{ evicted: string[]; skipped: string[] }>;
  waitReady(name: string, o: KubeWait): Promise<KubeNodeView>;
}

/** KubeAccess over provider/kube. */
export function kubeAccess(kubeconfig: string): KubeAccess {
  const k = new KubeClient(kubeconfig);
  return {
    listNodes: () => k.listNodes(),
    nodeByAddress: (ip) => k.nodeByAddress(ip),
    cordon: (name) => k.cordon(name),
    uncordon: (name) => k.uncordon(name),
    deleteNode: (name) => k.deleteNode(name),
    drain: (name, o) => drainNode(k, name, o),
    waitReady: (name, o) => waitNodeReady(k, name, o),
  };
}

const diskCaches = new Map<string, RenderDiskCache | undefined>();

/** The on-disk cache of `binary` in the directory the environment names (talos/config/disk-cache.ts), one per binary and directory. */
export function defaultDiskCache(binary: string, env: NodeJS.ProcessEnv = process.env): RenderDiskCache | undefined {
  const dir = cacheDirOf(env, os.homedir());
  const key = `${dir}\0${binary}`;
  if (!diskCaches.has(key)) diskCaches.set(key, dir ? new RenderDiskCache(dir, binaryIdentity(binary)) : undefined);
  return diskCaches.get(key);
}

/** The default deps: real talosctl (located once per setting value), the shared cache, real timers. */
export const defaultDeps: RuntimeDeps = {
  talosctl: cachedTalosctl(),
  kube: kubeAccess,
  cache: sharedRenderCache,
  diskCache: (binary) => defaultDiskCache(binary),
  sleep: realSleep,
  now: () => Date.now(),
};

const deps = overridableDeps(defaultDeps);

/** The deps in use. */
export function runtimeDeps(): RuntimeDeps {
  return deps.get();
}

/** Replaces some deps (tests); returns a function restoring the previous ones. */
export function overrideRuntimeDeps(next: Partial<RuntimeDeps>): () => void {
  return deps.patch(next);
}
