/**
 * `npm run demo` under the real Pulumi CLI: the unmodified hybrid example against the simulator
 * through the Automation API (provider/sim/engine, as the e2e suite runs it), printing the CLI's own
 * output. Without the hcloud provider plugin (not served by the Go module proxy; tools/README.md) the
 * plan has no Cloud workers and the scale-out step is skipped, which the demo says.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigMap, OutputMap } from "@pulumi/pulumi/automation";
import { setLogSink, StepLogger } from "../../internal/log";
import type { MeshRow } from "../../runtime/kubespan-mesh/types";
import type { ClusterNodeRow } from "../../resources/talos-cluster/types";
import { Simulator, startSimulator } from "..";
import { createEngineStack } from "../engine/workspace";
import { controlPlanesConfig, hybridScenario, HybridScenarioOptions } from "../scenarios/hybrid";
import { Scenario } from "../scenario";
import { duration, meshTable, nodeTable } from "./display";
import { HYBRID_EXAMPLE, simulatorStackConfig } from "./session";

/** Options of `runEngineDemo`. */
export interface EngineDemoOptions {
  /** The `pulumi` executable (findPulumiCli). */
  cli: string;
  /** Receives every line. @default console.log */
  log?: (line: string) => void;
  /** Where the kubeconfig goes. @default a new directory in the system's temp dir */
  outDir?: string;
  scenario?: HybridScenarioOptions;
}

/** What the real-engine demo did. */
export interface EngineDemoResult {
  outDir: string;
  kubeconfigPath: string;
  /** Node and mesh tables after `up`. */
  nodes: ClusterNodeRow[];
  mesh: MeshRow[];
  /** Steps of the runner's demo this one leaves out, each with why. */
  skipped: string[];
  wallMs: number;
}

/** The step the real engine cannot run here, and why. */
export const SKIPPED_SCALE_OUT =
  "the Cloud pool (2 workers, then the scale-out to 3) is left out: it needs the hcloud provider plugin pulumi-resource-hcloud, which the Go module proxy does not serve (tools/README.md), and the demo lets the CLI download nothing";
const STEPS = 6;

/** The example's stack config for `sim`: the simulator's endpoints and credentials, three control planes, no Cloud workers. */
export function engineStackConfig(sim: Simulator, scenario: Scenario): ConfigMap {
  const config: ConfigMap = {};
  for (const [k, v] of Object.entries(simulatorStackConfig(sim)))
    config[k] = typeof v === "string" ? { value: v } : { value: v.secret, secret: true };
  config.controlPlanes = { value: JSON.stringify(controlPlanesConfig(scenario.robot!.servers)) };
  config.adminCidrs = { value: JSON.stringify(["127.0.0.1/32"]) };
  config.cloudWorkers = { value: "0" };
  return config;
}

/** Runs the demo under the real CLI and stops the simulator, also on failure. */
export async function runEngineDemo(o: EngineDemoOptions): Promise<EngineDemoResult> {
  const log = o.log ?? ((l: string) => console.log(l));
  const started = Date.now();
  const previousSink = setLogSink(log);
  const steps = new StepLogger("demo", STEPS);
  const outDir = o.outDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "talos-hetzner-demo-"));
  const scenario = hybridScenario(o.scenario);
  steps.step(`starting the simulator: ${scenario.robot!.servers.length} Robot servers, Hetzner Cloud, Image Factory`);
  const sim = await startSimulator({ scenario, stateDir: path.join(outDir, "sim") });
  try {
    log(`    Robot ${sim.robot.url}   Cloud ${sim.cloud.endpoint}   Image Factory ${sim.factory.url}`);
    log(`    skipped: ${SKIPPED_SCALE_OUT}`);
    const result = await phases(o.cli, sim, scenario, steps, outDir, log);
    log(
      `Done in ${duration(Date.now() - started)}. The kubeconfig was written to ${result.kubeconfigPath} (mode 0600).`,
    );
    return { ...result, outDir, skipped: [SKIPPED_SCALE_OUT], wallMs: Date.now() - started };
  } finally {
    await sim.stop();
    fs.rmSync(path.join(outDir, "sim"), { recursive: true, force: true });
    setLogSink(previousSink);
  }
}

async function phases(
  cli: string,
  sim: Simulator,
  scenario: Scenario,
  steps: StepLogger,
  outDir: string,
  log: (l: string) => void,
): Promise<Pick<EngineDemoResult, "kubeconfigPath" | "nodes" | "mesh">> {
  const passphrase = crypto.randomBytes(18).toString("base64");
  const config = engineStackConfig(sim, scenario);
  const s = await createEngineStack({ program: HYBRID_EXAMPLE, stack: "demo", config, cli, passphrase });
  const show = { color: "never" as const, onOutput: lineWriter(log) };
  try {
    steps.step(`pulumi preview --diff: ${HYBRID_EXAMPLE} (3 control planes on dedicated servers, no Cloud workers)`);
    await s.stack.preview({ ...show, diff: true });
    steps.step("pulumi up --yes");
    const up = await s.stack.up(show);
    const kubeconfigPath = path.join(outDir, "kubeconfig");
    fs.writeFileSync(kubeconfigPath, String(up.outputs.kubeconfig.value), { mode: 0o600 });
    const tables = printTables(up.outputs, log);
    steps.step(
      `pulumi config set controlPlaneLabels '{"topology.kubernetes.io/zone":"fsn1-dc14"}' && pulumi preview --diff`,
    );
    await s.stack.setConfig("controlPlaneLabels", {
      value: JSON.stringify({ "topology.kubernetes.io/zone": "fsn1-dc14" }),
    });
    await s.stack.preview({ ...show, diff: true });
    await s.stack.removeConfig("controlPlaneLabels");
    steps.step("pulumi destroy --yes");
    await s.stack.destroy(show);
    steps.step("stopping the simulator");
    return { kubeconfigPath, ...tables };
  } finally {
    s.remove();
  }
}

/** Splits the CLI's output chunks into lines for `log`, holding back an unfinished last line. */
function lineWriter(log: (l: string) => void): (chunk: string) => void {
  let rest = "";
  return (chunk) => {
    const lines = (rest + chunk).split("\n");
    rest = lines.pop()!;
    lines.forEach((l) => log(`    ${l}`));
  };
}

function printTables(outputs: OutputMap, log: (l: string) => void): { nodes: ClusterNodeRow[]; mesh: MeshRow[] } {
  const nodes = outputs.nodes.value as ClusterNodeRow[];
  const mesh = outputs.mesh.value as MeshRow[];
  const indent = (text: string) => text.split("\n").map((l) => `    ${l}`);
  log("    Nodes:");
  indent(nodeTable(nodes)).forEach(log);
  log("    KubeSpan mesh:");
  indent(meshTable(mesh)).forEach(log);
  return { nodes, mesh };
}

/** `npm run demo`: the real CLI when one is found (or `--runner` forces the built-in runner), saying which. */
export function describeEngine(cli: string | undefined): string {
  return cli
    ? `engine: the real Pulumi CLI ${cli} (the program runs through the Automation API: the Node.js language host is not served here; test/e2e/README.md)`
    : "engine: the built-in runner (provider/sim/pulumi): no pulumi CLI in .tools/bin or on PATH (`npm run tools` builds one), or --runner was given";
}
