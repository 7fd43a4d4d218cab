/**
 * The roll order of `TalosCluster` (issue #9), pure so it is table-tested: control planes one by one in
 * index order, then the workers (dedicated first, then the Cloud pools in order) in `maxParallel` lanes.
 * The order is expressed as `dependsOn` between the nodes' apply-delivery configs: Pulumi updates a
 * dependent only after its dependencies succeeded and launches nothing new after a failure, so a failed
 * node stops the roll and the next `pulumi up` resumes (finished nodes have no diff).
 */
import * as pulumi from "@pulumi/pulumi";
import { InputError } from "../../internal/errors";
import { parseTalosVersion } from "../../talos/versions";
import type { PlannedNode } from "./plan";
import type { TalosClusterArgs } from "./types";

/** One node's place in the roll: its 0-based index, the indices it waits for, and the text previews show. */
export interface RollSlot {
  index: number;
  after: number[];
  /** e.g. `3 of 5, after hybrid-cp-1`. */
  position: string;
}

/** The roll slots of `nodes` (already in roll order: control planes first) with `maxParallel` worker lanes. */
export function rollOrder(nodes: PlannedNode[], maxParallel = 1): RollSlot[] {
  const cps = nodes.filter((n) => n.role === "controlplane").length;
  return nodes.map((_, k) => {
    const after = dependsOnIndices(k, cps, maxParallel);
    // The nearest predecessor is named; a worker's wait for the last control plane is implied by its lane.
    const nearest = after.length > 0 ? nodes[after[after.length - 1]].name : undefined;
    return { index: k, after, position: `${k + 1} of ${nodes.length}${nearest ? `, after ${nearest}` : ""}` };
  });
}

// Worker k waits for the last control plane and for worker k − maxParallel (its lane's predecessor).
function dependsOnIndices(k: number, cps: number, maxParallel: number): number[] {
  if (k < cps) return k > 0 ? [k - 1] : [];
  return [...(cps > 0 ? [cps - 1] : []), ...(k - maxParallel >= cps ? [k - maxParallel] : [])];
}

/** Tracks the apply-delivery configs as the component creates them in roll order, and gives each its `dependsOn`. */
export class RollChain {
  private readonly slots: Map<string, RollSlot>;
  private readonly nodes: PlannedNode[];
  private readonly configs: (pulumi.Resource | undefined)[];

  /**
   * @param gate what the first node waits for: the new Cloud snapshot, so a version or schematic the
   *   Image Factory does not serve fails before any node is cordoned
   */
  constructor(
    nodes: PlannedNode[],
    maxParallel = 1,
    private readonly gate: pulumi.Resource[] = [],
  ) {
    this.nodes = nodes;
    this.slots = new Map(rollOrder(nodes, maxParallel).map((s) => [nodes[s.index].name, s]));
    this.configs = nodes.map(() => undefined);
  }

  /** The slot of a node; throws for a node that is not in the roll (a programming error). */
  slot(node: PlannedNode): RollSlot {
    const s = this.slots.get(node.name);
    if (!s) throw new Error(`${node.name} is not part of the roll`);
    return s;
  }

  /**
   * What `node`'s config waits for. With `fresh` (true when this run installed the node's machine) a
   * fresh node waits only for the gate: a first-time apply has no running node to protect, so the
   * installs of a new cluster apply at once while changes to running nodes still roll one by one.
   */
  dependsOn(node: PlannedNode, fresh?: pulumi.Output<boolean>): pulumi.Input<pulumi.Resource[]> {
    const chained = this.chained(node);
    return fresh ? fresh.apply((f) => (f ? [...this.gate] : chained)) : chained;
  }

  /** The configs `node` waits for in the roll; each must have been added already (roll order = creation order). */
  private chained(node: PlannedNode): pulumi.Resource[] {
    const slot = this.slot(node);
    if (slot.index === 0) return [...this.gate];
    return slot.after.map((i) => {
      const c = this.configs[i];
      if (!c) throw new Error(`${this.nodes[i].name}'s config must be created before ${node.name}'s`);
      return c;
    });
  }

  /** Records `node`'s apply-delivery config. */
  add(node: PlannedNode, config: pulumi.Resource): void {
    this.configs[this.slot(node).index] = config;
  }
}

const positiveSeconds = (field: string, v: unknown): void => {
  if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v) || v <= 0))
    throw new InputError(field, `must be a number of seconds above 0, got ${JSON.stringify(v)}`);
};
const optionalBoolean = (field: string, v: unknown): void => {
  if (v !== undefined && typeof v !== "boolean")
    throw new InputError(field, `must be true or false, got ${JSON.stringify(v)}`);
};

/** Validates the day-2 args at construction; each error names its field. */
export function checkDay2Args(args: TalosClusterArgs): void {
  const m = args.maxParallel;
  if (m !== undefined && (typeof m !== "number" || !Number.isInteger(m) || m < 1))
    throw new InputError("maxParallel", `must be an integer ≥ 1, got ${JSON.stringify(m)}`);
  if (args.configVersion !== undefined) parseTalosVersion(args.configVersion, "configVersion");
  optionalBoolean("allowQuorumLoss", args.allowQuorumLoss);
  optionalBoolean("resetRemovedNodes", args.resetRemovedNodes);
  positiveSeconds("drainTimeoutSeconds", args.drainTimeoutSeconds);
  positiveSeconds("upgradeTimeoutSeconds", args.upgradeTimeoutSeconds);
}
