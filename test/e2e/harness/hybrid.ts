/**
 * examples/hybrid-cluster against one simulator under the real engine: the stack config a user sets to
 * point the example at it, with no Cloud workers (the hcloud plugin is not served; tools/README.md).
 */
import * as path from "path";
import { ConfigMap } from "@pulumi/pulumi/automation";
import { Simulator } from "../../../provider/sim";
import { Scenario } from "../../../provider/sim/scenario";
import { controlPlanesConfig } from "../../../provider/sim/scenarios/hybrid";
import { REPO_ROOT } from "./stack";

export const HYBRID_EXAMPLE = path.join(REPO_ROOT, "examples", "hybrid-cluster");
export const CONTROL_PLANES = ["hybrid-cp-0", "hybrid-cp-1", "hybrid-cp-2"];

/** `pulumi config set` of every key the example needs to run against `sim`. */
export function hybridStackConfig(sim: Simulator, scenario: Scenario): ConfigMap {
  return {
    "hcloud:token": { value: sim.cloud.token, secret: true },
    "hcloud:endpoint": { value: sim.cloud.endpoint },
    "talos-hetzner:robotUser": { value: sim.robot.user, secret: true },
    "talos-hetzner:robotPassword": { value: sim.robot.password, secret: true },
    "talos-hetzner:robotUrl": { value: sim.robot.url },
    "talos-hetzner:imageFactoryUrl": { value: sim.factory.url },
    "talos-hetzner:talosctl": { value: sim.talosctl },
    // The simulated world runs faster than Hetzner: the library paces its polls by the same scale.
    "talos-hetzner:timeScale": { value: String(sim.world.timeScale) },
    controlPlanes: { value: JSON.stringify(controlPlanesConfig(scenario.robot!.servers)) },
    adminCidrs: { value: JSON.stringify(["127.0.0.1/32"]) },
    cloudWorkers: { value: "0" },
  };
}

/** A copy of `scenario` whose servers have disks of `bytes` each (so a test can hash them whole). */
export function withDiskSize(scenario: Scenario, bytes: number): Scenario {
  const servers = scenario.robot!.servers.map((s) => ({
    ...s,
    machine: { ...s.machine, disks: s.machine.disks.map((d) => ({ ...d, sizeBytes: bytes })) },
  }));
  return { ...scenario, robot: { ...scenario.robot!, servers } };
}
