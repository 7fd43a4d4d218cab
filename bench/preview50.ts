/**
 * Benchmark (not a test): the preview of a 50-node cluster's machine configs (3 control planes, 47
 * workers, user-data delivery so no node is needed) through the REAL dynamic-provider host, each run
 * in a new host process like every `pulumi preview`. After one `up`, it times `runs` unchanged
 * previews and one with a single node's patch changed, counting talosctl processes through a wrapper
 * script around the talosctl stand-in; the render/validate cache lives in a temporary directory.
 * Run after building: `node dist/bench/preview50.js [nodes] [runs] [--json]` (BENCH_DISK_CACHE=off for
 * the baseline without the on-disk cache).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runProgram } from "../provider/sim/pulumi";
import { talosctlPath } from "../provider/sim/talos/runtime";
import { Talosctl } from "../provider/talos/talosctl";
import { countingTalosctl, previewProgram } from "./preview50-program";

const args = process.argv.slice(2).filter((a) => a !== "--json");
const JSON_OUT = process.argv.includes("--json");
const NODES = Number(args[0] ?? 50);
const RUNS = Number(args[1] ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-preview-"));
  const { wrapper, spawns } = countingTalosctl(dir, talosctlPath());
  // BENCH_DISK_CACHE=off measures the baseline without the on-disk cache.
  process.env.TALOS_HETZNER_CACHE_DIR = process.env.BENCH_DISK_CACHE === "off" ? "off" : path.join(dir, "cache");
  const secretsYaml = await Talosctl.locate({ binary: talosctlPath() }).genSecrets("v1.13.9");
  const base = {
    project: "bench",
    stack: "bench",
    stateFile: path.join(dir, "state.json"),
    passphrase: "bench",
    log: () => undefined,
    config: { "talos-hetzner:talosctl": wrapper, secretsYaml: { secret: secretsYaml } },
  };
  const timedRun = async (operation: "up" | "preview", changed?: number) => {
    const before = spawns();
    const start = Date.now();
    const r = await runProgram({ ...base, program: previewProgram(NODES, changed), operation });
    return { s: (Date.now() - start) / 1000, spawned: spawns() - before, changes: r.counts };
  };
  try {
    const up = await timedRun("up");
    const unchanged = [];
    for (let i = 0; i < RUNS; i++) unchanged.push(await timedRun("preview"));
    const oneChanged = await timedRun("preview", 7);
    const result = {
      nodes: NODES,
      runs: RUNS,
      upSeconds: up.s,
      upTalosctl: up.spawned,
      preview50Seconds: Number(median(unchanged.map((u) => u.s)).toFixed(2)),
      talosctlPerUnchangedPreview: median(unchanged.map((u) => u.spawned)),
      oneChangedPreviewSeconds: Number(oneChanged.s.toFixed(2)),
      talosctlPerOneChangedPreview: oneChanged.spawned,
      oneChangedUpdates: oneChanged.changes.update,
    };
    if (JSON_OUT) return void console.log(JSON.stringify(result));
    console.log(
      `${NODES}-node TalosMachineConfig preview through the dynamic-provider host (new host process per run, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)})`,
    );
    console.log(`  up (cold cache):           ${up.s.toFixed(1)} s, ${up.spawned} talosctl processes`);
    console.log(
      `  unchanged preview:         ${result.preview50Seconds} s median of ${RUNS} (${unchanged.map((u) => u.s.toFixed(1)).join(", ")}), talosctl processes: ${unchanged.map((u) => u.spawned).join(", ")}`,
    );
    console.log(
      `  preview, 1 node changed:   ${result.oneChangedPreviewSeconds} s, ${oneChanged.spawned} talosctl processes, ${oneChanged.changes.update} update(s) planned`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
