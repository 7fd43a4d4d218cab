/**
 * The Talos node runtime of the simulator: machines call `boot()` when their disk (or snapshot)
 * boots Talos; each node serves its API on `<ipv4>:50000`. Also locates the talosctl stand-in.
 */
import * as path from "path";
import { retry } from "../../internal/retry";
import { SimMachine, SimWorld, TalosBoot, TalosNodeHandle, TalosRuntime } from "../types";
import { TalosNode } from "./node/node";
import { ClusterRegistry } from "./node/registry";
import { startApiServer } from "./node/server";
import { ApiListener } from "./grpc/mux";
import { JournalEntry, TalosFaults, newFaults } from "./node/day2";
import { KubeHost } from "../apis/kube/host";
import { SimKube } from "../apis/kube/model";

/** Discovery affiliate TTL of Talos's discovery service (30 min), realistic ms. */
const AFFILIATE_TTL_MS = 30 * 60 * 1000;

/** The runtime installed on a world. */
export class SimTalosRuntime implements TalosRuntime {
  readonly registry: ClusterRegistry;
  private readonly nodes = new Map<string, TalosNode>();
  /** Upgrades, reboots, resets and boots of every node, in order (day-2 tests read the roll order here). */
  readonly journal: JournalEntry[] = [];
  /** Fault knobs of the nodes (`hangAfterUpgrade`). */
  readonly faults: TalosFaults = newFaults();
  private readonly kubeHost: KubeHost;

  constructor(readonly world: SimWorld) {
    this.registry = new ClusterRegistry(Math.max(1000, AFFILIATE_TTL_MS * world.timeScale));
    this.kubeHost = new KubeHost(world, () => this.running());
  }

  /** The simulated Kubernetes API state of a cluster (by key or `cluster.clusterName`; omitted: the only one). */
  kube(clusterKeyOrName?: string): SimKube {
    return this.kubeHost.kube(clusterKeyOrName);
  }

  /** Boots Talos on a machine: maintenance without config, configured otherwise. */
  async boot(machine: SimMachine, boot: TalosBoot): Promise<TalosNodeHandle> {
    await this.nodes.get(machine.id)?.shutdown?.();
    const node = new TalosNode(
      {
        world: this.world,
        registry: this.registry,
        nodeByAddress: (a) => this.nodeByAddress(a),
        running: () => this.running(),
        journal: this.journal,
        faults: this.faults,
        nodeChanged: (n) => this.kubeHost.nodeChanged(n),
        kube: (key) => {
          try {
            return this.kubeHost.kube(key);
          } catch {
            return undefined; // no running configured node of that cluster
          }
        },
      },
      machine,
      boot,
    );
    node.log(
      `booted Talos ${node.version.tag} (${boot.image.platform}) in ${node.maintenance ? "maintenance" : "configured"} mode, config source ${boot.configSource}`,
    );
    let server: ApiListener | null = null;
    if (node.ip) {
      // A previous boot's listener may still be closing on the same address.
      server = await retry(() => startApiServer(node), {
        attempts: 20,
        initialMs: 25,
        maxMs: 250,
        retryable: (e) => (e as NodeJS.ErrnoException).code === "EADDRINUSE",
      });
    }
    this.nodes.set(machine.id, node);
    node.refresh();
    const stop = async () => {
      if (node.stopped) return;
      node.stopped = true;
      this.registry.stopped(machine.id);
      if (this.nodes.get(machine.id) === node) this.nodes.delete(machine.id);
      await this.kubeHost.nodeStopped(node);
      if (server) await server.close();
    };
    node.shutdown = stop;
    return { stop };
  }

  /** Running node whose machine owns `addr` (IPv4). */
  nodeByAddress(addr: string): TalosNode | undefined {
    return this.running().find((n) => n.ip === addr);
  }

  /** All running nodes. */
  running(): TalosNode[] {
    return [...this.nodes.values()].filter((n) => !n.stopped);
  }

  /** The running node of a machine (tests, demo). */
  node(machineId: string): TalosNode | undefined {
    return this.nodes.get(machineId);
  }
}

/** Installs the Talos runtime on a world (`world.talosRuntime`). */
export function installTalosRuntime(world: SimWorld): SimTalosRuntime {
  const rt = new SimTalosRuntime(world);
  world.talosRuntime = rt;
  return rt;
}

/** Absolute path of the talosctl stand-in executable (put its directory first on PATH). */
export function talosctlPath(): string {
  return path.resolve(__dirname, "..", "..", "..", "..", "provider", "sim", "bin", "talosctl");
}
