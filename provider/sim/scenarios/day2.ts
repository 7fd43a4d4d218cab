/**
 * The day-2 scenario (issue #9): three dedicated control planes and a Cloud pool, with an Image Factory
 * that serves two patch releases of Talos v1.12 and v1.13 so a cluster can be upgraded twice; and the
 * cluster program the end-to-end tests run against it, its settings changed between runs like
 * `pulumi config set` would.
 */
import * as pulumi from "@pulumi/pulumi";
import { TalosCluster } from "../../resources/talos-cluster";
import type { TalosClusterArgs } from "../../resources/talos-cluster/types";
import { definedOnly } from "../../internal/defined";
import type { Scenario } from "../scenario";
import { controlPlanesConfig, hybridScenario } from "./hybrid";

/** Talos versions the day-2 scenario's factory serves: where a cluster starts, and two upgrades. */
export const DAY2_VERSIONS = { start: "v1.12.3", first: "v1.13.8", second: "v1.13.9", unserved: "v1.13.10" } as const;

/** The day-2 world: `servers` dedicated servers from `firstServer` on, a Cloud project, a factory of DAY2_VERSIONS. */
export function day2Scenario(o: { firstServer: number; servers?: number; cloudAddressOctet?: number }): Scenario {
  const base = hybridScenario({ firstServer: o.firstServer, robotServers: o.servers ?? 3 });
  // Its own Cloud address range by default, so it can run beside the demo's simulator on one machine.
  const cloud = { ...base.cloud!, addressOctet: o.cloudAddressOctet ?? 21 };
  return { ...base, cloud, factory: { versions: ["v1.12.3", "v1.12.4", "v1.13.8", "v1.13.9"] } };
}

/** What a run of the day-2 program declares; each field maps to one `TalosCluster` argument. */
export interface Day2Settings {
  talosVersion: string;
  kubernetesVersion?: string;
  /** How many of the scenario's servers are control planes (the first ones). @default all */
  controlPlanes?: number;
  cloudWorkers: number;
  schematicId?: string;
  maxParallel?: number;
  drainTimeoutSeconds?: number;
  upgradeTimeoutSeconds?: number;
  allowQuorumLoss?: boolean;
}

/** The cluster program of the day-2 tests for a scenario, with the given settings; exports nodes and credentials. */
export function day2Program(scenario: Scenario, s: Day2Settings): () => Record<string, unknown> {
  return () => {
    const servers = scenario.robot!.servers.slice(0, s.controlPlanes ?? scenario.robot!.servers.length);
    const optional = definedOnly<Partial<TalosClusterArgs>>({
      kubernetesVersion: s.kubernetesVersion,
      schematicId: s.schematicId,
      maxParallel: s.maxParallel,
      drainTimeoutSeconds: s.drainTimeoutSeconds,
      upgradeTimeoutSeconds: s.upgradeTimeoutSeconds,
      allowQuorumLoss: s.allowQuorumLoss,
    });
    const cluster = new TalosCluster("day2", {
      talosVersion: s.talosVersion,
      controlPlanes: controlPlanesConfig(servers),
      adminCidrs: ["127.0.0.1/32"],
      workers: {
        cloudPools: [
          {
            name: "pool",
            count: s.cloudWorkers,
            serverType: "cx33",
            location: "fsn1",
            labels: { "node.kubernetes.io/pool": "pool" },
          },
        ],
      },
      ...optional,
    });
    return {
      nodes: cluster.nodes,
      kubeconfig: cluster.kubeconfig,
      talosconfig: cluster.talosconfig,
      endpoint: cluster.endpoint,
      k8s: pulumi.output(cluster.bootstrap.kubernetesVersion),
    };
  };
}
