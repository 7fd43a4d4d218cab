/**
 * Benchmark (not a test): `pulumi preview` of the 50-node program (bench/preview50-program.ts) with the
 * REAL Pulumi CLI (`.tools/bin/pulumi` from `npm run tools`). The Node.js language host is not built
 * here (tools/README.md), so the program runs inline through the Automation API as test/e2e does: the
 * real engine plans, diffs and keeps state (file backend), and the dynamic providers run in
 * `pulumi-resource-pulumi-nodejs` plugin processes. After one `up` it times `runs` unchanged previews
 * and one with a single node changed, counting talosctl processes. Without the CLI it says so and
 * exits 0. Run after building: `node dist/bench/preview50-cli.js [nodes] [runs]`.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { talosctlPath } from "../provider/sim/talos/runtime";
import { Talosctl } from "../provider/talos/talosctl";
import { countingTalosctl, previewProgram } from "./preview50-program";

const NODES = Number(process.argv[2] ?? 50);
const RUNS = Number(process.argv[3] ?? 3);
const REPO = path.resolve(__dirname, "..", "..");
const BIN = path.join(REPO, ".tools", "bin");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A stack of the program whose node `changed` (if any) differs, on a file backend in `dir`. */
async function stackOf(dir: string, workDir: string, changed?: number): Promise<Stack> {
  return LocalWorkspace.createOrSelectStack(
    { stackName: "bench", projectName: "bench50", program: async () => previewProgram(NODES, changed)() },
    {
      workDir,
      pulumiCommand: await PulumiCommand.get({ root: path.dirname(BIN), skipVersionCheck: true }),
      envVars: {
        PULUMI_BACKEND_URL: `file://${path.join(dir, "backend")}`,
        PULUMI_HOME: path.join(dir, "home"),
        PULUMI_CONFIG_PASSPHRASE: "bench",
        PULUMI_SKIP_UPDATE_CHECK: "1",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PATH: `${BIN}${path.delimiter}${process.env.PATH}`,
      },
    },
  );
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(BIN, "pulumi")))
    return void console.log(`pulumi preview (real CLI): skipped, ${BIN}/pulumi is missing (npm run tools builds it)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-preview-cli-"));
  // The plugin resolves this package from its working directory, as from a user's project (test/e2e/harness).
  const workDir = fs.mkdtempSync(path.join(REPO, ".tools", "bench-"));
  fs.mkdirSync(path.join(dir, "backend"));
  fs.writeFileSync(path.join(workDir, "Pulumi.yaml"), "name: bench50\nruntime: nodejs\n");
  const { wrapper, spawns } = countingTalosctl(dir, talosctlPath());
  process.env.TALOS_HETZNER_CACHE_DIR = path.join(dir, "cache");
  const secretsYaml = await Talosctl.locate({ binary: talosctlPath() }).genSecrets("v1.13.9");
  const timed = async (op: "up" | "preview", changed?: number) => {
    const stack = await stackOf(dir, workDir, changed);
    await stack.setAllConfig({
      "talos-hetzner:talosctl": { value: wrapper },
      "bench50:secretsYaml": { value: secretsYaml, secret: true },
    });
    const before = spawns();
    const start = performance.now();
    const r = op === "up" ? await stack.up({ color: "never" }) : await stack.preview({ color: "never" });
    const changes = "changeSummary" in r ? r.changeSummary : r.summary.resourceChanges;
    return { s: (performance.now() - start) / 1000, spawned: spawns() - before, update: changes?.update ?? 0 };
  };
  try {
    const up = await timed("up");
    const unchanged = [];
    for (let i = 0; i < RUNS; i++) unchanged.push(await timed("preview"));
    const one = await timed("preview", 7);
    console.log(
      `pulumi preview of ${NODES} TalosMachineConfigs with the real CLI (${BIN}/pulumi, Automation API inline program, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)})`,
    );
    console.log(`  up (cold cache):         ${up.s.toFixed(1)} s, ${up.spawned} talosctl processes`);
    console.log(
      `  cli unchanged preview:   ${median(unchanged.map((u) => u.s)).toFixed(2)} s median of ${RUNS} (${unchanged.map((u) => u.s.toFixed(1)).join(", ")}), talosctl processes: ${unchanged.map((u) => u.spawned).join(", ")}`,
    );
    console.log(
      `  cli preview, 1 node changed: ${one.s.toFixed(2)} s, ${one.spawned} talosctl processes, ${one.update} update(s) planned`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
