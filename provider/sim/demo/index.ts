/**
 * `npm run demo`: the unmodified hybrid example (examples/hybrid-cluster) against the local simulator
 * with three dedicated servers and a Cloud project — preview with the diff, up, a config-change
 * preview, a scale-out of the Cloud pool and destroy — printing numbered progress, the node and
 * mesh tables, and where the kubeconfig was written.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { errorMessage } from "../../internal/errors";
import { setLogSink, StepLogger } from "../../internal/log";
import type { MeshRow } from "../../runtime/kubespan-mesh/types";
import type { ClusterNodeRow } from "../../resources/talos-cluster/types";
import { startSimulator } from "..";
import { PlanEntry, RunResult } from "../pulumi";
import { controlPlanesConfig, hybridScenario, HybridScenarioOptions } from "../scenarios/hybrid";
import { DemoSession } from "./session";
import { duration, meshTable, nodeTable } from "./display";
import { describeEngine, runEngineDemo } from "./engine";
import { findPulumiCli } from "../engine/workspace";

/** The demo's phases, in order. */
export type DemoPhase = "preview" | "up" | "configPreview" | "scaleOut" | "destroy";

/** Options of `runDemo`. */
export interface DemoOptions {
  /** Receives every line. @default console.log */
  log?: (line: string) => void;
  /** Where the state file and the kubeconfig go. @default a new directory in the system's temp dir */
  outDir?: string;
  scenario?: HybridScenarioOptions;
  /** Cloud workers before and after the scale-out. @default { initial: 2, scaled: 3 } */
  workers?: { initial: number; scaled: number };
  /** Called with the live session after the first up and before destroy (tests add previews and runs here). */
  hooks?: { afterUp?: (s: DemoSession) => Promise<void>; beforeDestroy?: (s: DemoSession) => Promise<void> };
}

/** What the demo did. */
export interface DemoResult {
  outDir: string;
  kubeconfigPath: string;
  /** Node and mesh tables after the scale-out. */
  nodes: ClusterNodeRow[];
  mesh: MeshRow[];
  plans: Record<DemoPhase, PlanEntry[]>;
  wallMs: number;
}

/** The label change the config-change preview shows (`pulumi config set controlPlaneLabels …`). */
export const DEMO_LABEL_CHANGE = { "topology.kubernetes.io/zone": "fsn1-dc14" };
const STEPS = 7;

/** Runs the whole demo and stops the simulator, also on failure. */
export async function runDemo(o: DemoOptions = {}): Promise<DemoResult> {
  const log = o.log ?? ((l: string) => console.log(l));
  const started = Date.now();
  const previousSink = setLogSink(log);
  const late = (e: unknown) => log(`warning: ${errorMessage(e)}`);
  process.on("unhandledRejection", late);
  const steps = new StepLogger("demo", STEPS);
  const outDir = o.outDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "talos-hetzner-demo-"));
  const scenario = hybridScenario(o.scenario);
  const workers = o.workers ?? { initial: 2, scaled: 3 };
  steps.step(`starting the simulator: ${scenario.robot!.servers.length} Robot servers, Hetzner Cloud, Image Factory`);
  const sim = await startSimulator({ scenario, stateDir: path.join(outDir, "sim") });
  try {
    log(`    Robot ${sim.robot.url}   Cloud ${sim.cloud.endpoint}   Image Factory ${sim.factory.url}`);
    log(`    talosctl: ${sim.talosctlKind} (${sim.talosctl})`);
    const session = new DemoSession(
      sim,
      outDir,
      {
        controlPlanes: JSON.stringify(controlPlanesConfig(scenario.robot!.servers)),
        adminCidrs: JSON.stringify(["127.0.0.1/32"]),
        cloudWorkers: String(workers.initial),
      },
      log,
    );
    const result = await phases(session, steps, workers, o, log);
    log(
      `Done in ${duration(Date.now() - started)}. The kubeconfig was written to ${result.kubeconfigPath} (mode 0600); remove ${outDir} when done.`,
    );
    return { ...result, outDir, wallMs: Date.now() - started };
  } finally {
    await sim.stop();
    fs.rmSync(path.join(outDir, "sim"), { recursive: true, force: true });
    process.off("unhandledRejection", late);
    setLogSink(previousSink);
  }
}

async function phases(
  s: DemoSession,
  steps: StepLogger,
  workers: { initial: number; scaled: number },
  o: DemoOptions,
  log: (l: string) => void,
): Promise<Omit<DemoResult, "outDir" | "wallMs">> {
  steps.step(
    `pulumi preview --diff: ${s.program} (3 control planes on dedicated servers, ${workers.initial} Cloud workers)`,
  );
  const preview = await s.run("preview");
  steps.step("pulumi up");
  const up = await s.run("up");
  const kubeconfigPath = s.writeKubeconfig(String(up.outputs.kubeconfig));
  printTables(up, log);
  log(`    kubeconfig written to ${kubeconfigPath} (mode 0600)`);
  await o.hooks?.afterUp?.(s);
  steps.step(`pulumi config set controlPlaneLabels '${JSON.stringify(DEMO_LABEL_CHANGE)}' && pulumi preview --diff`);
  s.set({ controlPlaneLabels: JSON.stringify(DEMO_LABEL_CHANGE) });
  const configPreview = await s.run("preview");
  s.unset("controlPlaneLabels");
  steps.step(
    `pulumi config rm controlPlaneLabels && pulumi config set cloudWorkers ${workers.scaled} && pulumi up (scale-out of the Cloud pool)`,
  );
  s.set({ cloudWorkers: String(workers.scaled) });
  const scaleOut = await s.run("up");
  printTables(scaleOut, log);
  await o.hooks?.beforeDestroy?.(s);
  steps.step("pulumi destroy");
  const destroy = await s.run("destroy");
  steps.step("stopping the simulator");
  return {
    kubeconfigPath,
    nodes: scaleOut.outputs.nodes as ClusterNodeRow[],
    mesh: scaleOut.outputs.mesh as MeshRow[],
    plans: {
      preview: preview.plan,
      up: up.plan,
      configPreview: configPreview.plan,
      scaleOut: scaleOut.plan,
      destroy: destroy.plan,
    },
  };
}

function printTables(r: RunResult, log: (l: string) => void): void {
  const indent = (text: string) => text.split("\n").map((l) => `    ${l}`);
  log("    Nodes:");
  indent(nodeTable(r.outputs.nodes as ClusterNodeRow[])).forEach(log);
  log("    KubeSpan mesh:");
  indent(meshTable(r.outputs.mesh as MeshRow[])).forEach(log);
}

/** `npm run demo [-- --runner]`: the real CLI when one is found, else (or with --runner) the built-in runner. */
async function main(): Promise<void> {
  const cli = process.argv.includes("--runner") ? undefined : findPulumiCli();
  console.log(describeEngine(cli));
  if (cli) await runEngineDemo({ cli });
  else await runDemo();
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(`demo failed: ${errorMessage(e)}`);
      process.exit(1);
    },
  );
}
