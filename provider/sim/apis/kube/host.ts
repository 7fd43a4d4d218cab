/**
 * Connects the Talos runtime to the simulated Kubernetes clusters: one SimKube per cluster key (state derived from
 * the cluster's running configured nodes) and one API listener per running control plane whose etcd exists.
 */
import * as https from "https";
import { retry } from "../../../internal/retry";
import { SimWorld } from "../../types";
import { at, str } from "../../talos/config-docs";
import { unb64 } from "../../talos/pki/cert";
import { TalosNode } from "../../talos/node/node";
import { SimKube } from "./model";
import { versionOfImage } from "./names";
import { TalosNodeView } from "./reconcile";
import { startKubeServer } from "./server";
import { SimKubeStore } from "./state";

/** The Kubernetes side of every cluster in one Talos runtime. */
export class KubeHost {
  private readonly clusters = new Map<string, SimKube>();
  private readonly servers = new Map<string, { node: TalosNode; server: Promise<https.Server | null> }>();

  constructor(
    private readonly world: SimWorld,
    private readonly running: () => TalosNode[],
  ) {}

  /** The running configured nodes of a cluster as the Kubernetes side sees them. */
  views(key: string): TalosNodeView[] {
    return this.running()
      .filter((n) => n.active && n.cluster === key && n.ip && !n.stopped)
      .map((n) => ({
        machineId: n.machine.id,
        bootId: n.bootId,
        hostname: n.hostname,
        ip: n.ip as string,
        controlPlane: n.controlPlane,
        tainted:
          n.controlPlane && at(n.active?.v1alpha1 ?? undefined, "cluster.allowSchedulingOnControlPlanes") !== true,
        kubeletImage: str(n.active!, "machine.kubelet.image"),
        talosTag: n.version.tag,
        arch: n.boot.image.arch,
        ready: !n.rebootPending && !n.hung,
      }));
  }

  /** The SimKube of a cluster key (created, or loaded from `<stateDir>/kube/<key>.json`, on first use). */
  cluster(key: string, name = ""): SimKube {
    let k = this.clusters.get(key);
    if (!k) {
      k = new SimKube(key, name, new SimKubeStore(this.world.stateDir, key), this.world.timeScale, () =>
        this.views(key),
      );
      this.clusters.set(key, k);
    }
    return k;
  }

  /** The cluster with this key or `cluster.clusterName`; without an argument the only cluster there is. */
  kube(keyOrName?: string): SimKube {
    for (const n of this.running())
      if (n.active && n.cluster) this.cluster(n.cluster, str(n.active, "cluster.clusterName"));
    const all = [...this.clusters.values()];
    const found = keyOrName === undefined ? all : all.filter((k) => k.key === keyOrName || k.clusterName === keyOrName);
    if (found.length === 1) return found[0];
    const names = all.map((k) => k.clusterName || k.key).join(", ") || "none";
    throw new Error(
      keyOrName === undefined
        ? `kube(): name one of the clusters (${names})`
        : `kube(): no cluster ${JSON.stringify(keyOrName)} (clusters: ${names})`,
    );
  }

  /** Starts the node's API listener once it is a running control plane with etcd; stops it when it no longer is. */
  nodeChanged(node: TalosNode): void {
    const cur = this.servers.get(node.machine.id);
    const eligible = !node.stopped && node.active && node.controlPlane && node.cluster && node.ip && node.saved.etcd;
    if (eligible && !cur) this.servers.set(node.machine.id, { node, server: this.start(node) });
    if (!eligible && cur?.node === node) void this.nodeStopped(node);
  }

  /** Closes the node's API listener (node stopped, rebooting or reset). */
  async nodeStopped(node: TalosNode): Promise<void> {
    const cur = this.servers.get(node.machine.id);
    if (!cur || cur.node !== node) return;
    this.servers.delete(node.machine.id);
    const server = await cur.server;
    if (server)
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
  }

  private async start(node: TalosNode): Promise<https.Server | null> {
    const cfg = node.active!;
    const kube = this.cluster(node.cluster!, str(cfg, "cluster.clusterName"));
    kube.sync();
    const host = hostOf(str(cfg, "cluster.controlPlane.endpoint"));
    const dnsNames = [
      "kubernetes",
      "kubernetes.default",
      "kubernetes.default.svc",
      "localhost",
      ...(host && !/^[\d.]+$|:/.test(host) ? [host] : []),
    ];
    const ca = { crt: unb64(str(cfg, "cluster.ca.crt")), key: unb64(str(cfg, "cluster.ca.key")) };
    const opts = {
      ip: node.ip!,
      ca,
      dnsNames,
      kube,
      gitVersion: () => versionOfImage(str(node.active ?? cfg, "cluster.apiServer.image")),
    };
    try {
      // A previous boot's listener may still be closing on the same address.
      return await retry(() => startKubeServer(opts), {
        attempts: 20,
        initialMs: 25,
        maxMs: 250,
        retryable: (e) => (e as NodeJS.ErrnoException).code === "EADDRINUSE",
      });
    } catch (e) {
      node.log(`kube-apiserver could not listen on ${node.ip}:6443: ${(e as Error).message}`);
      return null;
    }
  }
}

function hostOf(endpoint: string): string {
  try {
    return new URL(endpoint).hostname.replace(/^\[|\]$/g, "");
  } catch {
    return "";
  }
}
