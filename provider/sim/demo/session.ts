/**
 * One demo session: a running simulator, the stack config that points a program at it, and the
 * runner invocations (`preview`, `up`, `destroy`) of the unmodified hybrid example with state kept
 * in an output directory.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ConfigValue, Operation, RunResult, runProgram } from "../pulumi";
import { packageRoot } from "../pulumi/host-link";
import { Simulator } from "..";
import { expandConfigDiffs } from "./display";

/** The example the demo runs (the root Pulumi.yaml runs it too). */
export const HYBRID_EXAMPLE = path.join(packageRoot(__dirname), "examples", "hybrid-cluster");

/** The stack config that points the library and `@pulumi/hcloud` at a running simulator (keys as `pulumi config set` takes them). */
export function simulatorStackConfig(sim: Simulator): Record<string, ConfigValue> {
  return {
    "hcloud:token": { secret: sim.cloud.token },
    "hcloud:endpoint": sim.cloud.endpoint,
    "talos-hetzner:robotUser": { secret: sim.robot.user },
    "talos-hetzner:robotPassword": { secret: sim.robot.password },
    "talos-hetzner:robotUrl": sim.robot.url,
    "talos-hetzner:imageFactoryUrl": sim.factory.url,
    "talos-hetzner:talosctl": sim.talosctl,
    // The library paces its polls to the simulated durations (provider/internal/pace.ts).
    "talos-hetzner:timeScale": String(sim.world.timeScale),
  };
}

/** The project name in a program directory's Pulumi.yaml. */
export function projectName(dir: string): string {
  const name = /^name:\s*(\S+)/m.exec(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"))?.[1];
  if (!name) throw new Error(`${dir}/Pulumi.yaml has no name`);
  return name;
}

/** Runs the hybrid example against one simulator, state in `outDir`. */
export class DemoSession {
  readonly stateFile: string;
  readonly project: string;
  private readonly passphrase = process.env.PULUMI_CONFIG_PASSPHRASE || crypto.randomBytes(18).toString("base64");

  /**
   * @param programConfig the example's own config (`controlPlanes`, `adminCidrs`, `cloudWorkers`…)
   * @param log receives every line (plan, per-field diffs, provider progress)
   */
  constructor(
    readonly sim: Simulator,
    readonly outDir: string,
    private programConfig: Record<string, string>,
    private readonly log: (line: string) => void,
    readonly program = HYBRID_EXAMPLE,
  ) {
    this.stateFile = path.join(outDir, "state.json");
    this.project = projectName(program);
  }

  /** Changes the example's config for the following runs, like `pulumi config set`. */
  set(values: Record<string, string>): void {
    this.programConfig = { ...this.programConfig, ...values };
  }

  /** Removes a key of the example's config, like `pulumi config rm`. */
  unset(key: string): void {
    this.programConfig = Object.fromEntries(Object.entries(this.programConfig).filter(([k]) => k !== key));
  }

  /** `pulumi preview --diff`, `pulumi up` or `pulumi destroy` of the program with the current config. */
  run(operation: Operation): Promise<RunResult> {
    return runProgram({
      program: this.program,
      project: this.project,
      stack: "demo",
      operation,
      stateFile: this.stateFile,
      passphrase: this.passphrase,
      config: { ...simulatorStackConfig(this.sim), ...this.programConfig },
      // The simulated Cloud finishes actions in milliseconds; hcloud-go's 500 ms first poll would dominate.
      pollIntervalMs: 50,
      log: (line) => expandConfigDiffs(line).forEach(this.log),
    });
  }

  /** Writes the kubeconfig next to the state, readable by the owner only; returns its path. */
  writeKubeconfig(kubeconfig: string): string {
    const file = path.join(this.outDir, "kubeconfig");
    fs.writeFileSync(file, kubeconfig, { mode: 0o600 });
    fs.chmodSync(file, 0o600);
    return file;
  }
}
