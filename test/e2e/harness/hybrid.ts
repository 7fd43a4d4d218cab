/**
 * examples/hybrid-cluster against one simulator under the real engine: the stack config a user sets to
 * point the example at it, with no Cloud workers (the hcloud plugin is not served; tools/README.md).
 */
import * as path from "path";
import { engineStackConfig } from "../../../provider/sim/demo/engine";
import { Scenario } from "../../../provider/sim/scenario";
import { REPO_ROOT } from "./stack";

export const HYBRID_EXAMPLE = path.join(REPO_ROOT, "examples", "hybrid-cluster");
export const CONTROL_PLANES = ["hybrid-cp-0", "hybrid-cp-1", "hybrid-cp-2"];

/** `pulumi config set` of every key the example needs to run against a simulator: the demo's own. */
export const hybridStackConfig = engineStackConfig;

/** A copy of `scenario` whose servers have disks of `bytes` each (so a test can hash them whole). */
export function withDiskSize(scenario: Scenario, bytes: number): Scenario {
  const servers = scenario.robot!.servers.map((s) => ({
    ...s,
    machine: { ...s.machine, disks: s.machine.disks.map((d) => ({ ...d, sizeBytes: bytes })) },
  }));
  return { ...scenario, robot: { ...scenario.robot!, servers } };
}
