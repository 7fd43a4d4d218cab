/**
 * `npm run bench`: runs the resource benchmarks in bench/ (robot-server, talos-image, render-config)
 * and the demo, each as its own process (they start their own simulators), echoes their output, and
 * prints one table of the headline figures. A script that is missing or fails shows as such in the
 * table; the exit code is 1 when any failed. Run as root (rescue systems use loop devices).
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";

/** One figure read from a script's output. */
interface Figure {
  label: string;
  pattern: RegExp;
  format: (m: RegExpExecArray) => string;
}

/** One script and the figures it prints. */
interface Bench {
  name: string;
  script: string;
  args: string[];
  figures: Figure[];
  /** Removes what the script left behind on purpose (the demo keeps its kubeconfig for the user). */
  cleanup?: (output: string) => void;
}

const DIST = path.resolve(__dirname, "..");
const TIMEOUT_MS = 15 * 60_000;

const BENCHES: Bench[] = [
  { name: "robot-server", script: "bench/robot-server.js", args: [], figures: [
    { label: "provisioning ratio, 6 vs 1 Robot servers", pattern: /1 install:\s+([\d.]+) s[\s\S]*6 installs parallel:\s+([\d.]+) s \(ratio ([\d.]+) on (\d+) cores\)/, format: (m) => `${m[3]} (1: ${m[1]} s, 6: ${m[2]} s, ${m[4]} cores)` },
    { label: "Robot API calls per install", pattern: /Robot requests\/install: (\S+) alone, (\S+) in parallel/, format: (m) => `${m[1]} alone, ${m[2]} in parallel` },
    { label: "resets per install", pattern: /resets\/install:\s+(\S+) alone, (\S+) in parallel/, format: (m) => `${m[1]} alone, ${m[2]} in parallel` },
  ] },
  { name: "talos-image", script: "bench/talos-image.js", args: [], figures: [
    { label: "Talos snapshot build", pattern: /build \([^)]*\): (\d+) ms, (\d+) Cloud API requests.*servers created: (\d+)/, format: (m) => `${m[1]} ms, ${m[2]} Cloud requests, ${m[3]} builder` },
    { label: "image reuse (second TalosImage, same key)", pattern: /second TalosImage, same key: (\d+) ms, (\d+) Cloud API requests.*servers created: (\d+)/, format: (m) => `${m[1]} ms, ${m[2]} Cloud requests, ${m[3]} servers created` },
  ] },
  { name: "render-config", script: "bench/render-config.js", args: ["50"], figures: [
    { label: "50-node config render", pattern: /wall time: (\d+) ms \(([\d.]+) ms per node[\s\S]*talosctl processes spawned: (\d+)/, format: (m) => `${m[1]} ms (${m[2]} ms/node, ${m[3]} talosctl runs)` },
  ] },
  { name: "demo", script: "provider/sim/demo/index.js", args: [], figures: [
    { label: "demo wall time (3 Robot + 2→3 Cloud, up to destroy)", pattern: /^Done in ([^.]+)\./m, format: (m) => m[1] },
  ], cleanup: (output) => {
    const dir = /remove (\S+) when done/.exec(output)?.[1];
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  } },
];

/** Runs one script to completion, echoing its output indented; resolves with the output and whether it succeeded. */
function run(b: Bench): Promise<{ output: string; ok: boolean; ms: number }> {
  const file = path.join(DIST, b.script);
  if (!fs.existsSync(file)) return Promise.resolve({ output: `${file} does not exist`, ok: false, ms: 0 });
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file, ...b.args], { stdio: ["ignore", "pipe", "pipe"], timeout: TIMEOUT_MS });
    let output = "";
    const take = (d: Buffer) => {
      output += d.toString();
      process.stdout.write(d.toString().replace(/^(?=.)/gm, "  │ "));
    };
    child.stdout!.on("data", take);
    child.stderr!.on("data", take);
    child.on("close", (code) => resolve({ output, ok: code === 0, ms: Date.now() - started }));
  });
}

/** The table rows of one script's figures (or why they are missing). */
export function figureRows(b: Bench, r: { output: string; ok: boolean }): [string, string, string][] {
  return b.figures.map((f) => {
    const m = f.pattern.exec(r.output);
    const value = m ? f.format(m) : r.ok ? "not found in the output" : "script failed (output above)";
    return [f.label, value, b.name];
  });
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join("  │  ").trimEnd()).join("\n");
}

async function main(): Promise<void> {
  const rows: [string, string, string][] = [];
  let failed = false;
  for (const b of BENCHES) {
    console.log(`▶ ${b.name} (node dist/${b.script} ${b.args.join(" ")})`);
    const r = await run(b);
    b.cleanup?.(r.output);
    console.log(`  ${r.ok ? "done" : "FAILED"} in ${(r.ms / 1000).toFixed(1)} s`);
    failed ||= !r.ok;
    rows.push(...figureRows(b, r));
  }
  console.log(`\n${table([["figure", "value", "source"], ...rows])}`);
  if (failed) process.exitCode = 1;
}

if (require.main === module) void main();
