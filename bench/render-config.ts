/**
 * Benchmark: render the machine configs of a 50-node cluster (3 control planes + 47 workers) the way
 * TalosMachineConfig's check does — one shared ConfigRenderCache, so `gen config` runs once and each
 * node costs one `talosctl validate` — and print the wall time and talosctl processes spawned.
 *
 * Run: `npm run build && node dist/bench/render-config.js [nodes] [concurrency]`. talosctl comes from
 * $TALOSCTL, else the simulator's stand-in.
 */
import { ConfigRenderCache, renderMachineConfig, type RenderArgs } from "../provider/talos/config";
import { Talosctl } from "../provider/talos/talosctl";
import { talosctlPath } from "../provider/sim/talos/runtime";

const VERSION = "v1.13.9";

/** Runs `fn` over `items` with at most `limit` in flight (renders spawn processes; keep the host responsive). */
async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The render arguments of node `i` (0–2 control planes, then workers), each with its own hostname, disk and label. */
function nodeArgs(i: number, secretsYaml: string): RenderArgs {
  const role = i < 3 ? "controlplane" : "worker";
  return {
    clusterName: "bench",
    endpoint: "https://10.0.0.1:6443",
    role,
    talosVersion: VERSION,
    kubernetesVersion: "1.36.3",
    installImage: `ghcr.io/siderolabs/installer:${VERSION}`,
    installDisk: i % 2 ? "/dev/nvme0n1" : "/dev/sda",
    hostname: `${role}-${i}`,
    secretsYaml,
    mode: "metal",
    clusterPatches: [{ cluster: { discovery: { enabled: true } } }],
    rolePatches: role === "worker" ? ['machine:\n  nodeLabels:\n    node-role.kubernetes.io/worker: ""\n'] : [],
    nodePatches: ["machine:\n  nodeLabels:\n    rack: r${vlan}\n"],
    variables: { vlan: 4000 + (i % 4) },
  };
}

async function main(): Promise<void> {
  const nodes = Number(process.argv[2] ?? 50);
  const concurrency = Number(process.argv[3] ?? 8);
  const talosctl = Talosctl.locate({ binary: process.env.TALOSCTL ? undefined : talosctlPath() });
  const secretsYaml = await talosctl.genSecrets(VERSION);
  const cache = new ConfigRenderCache();
  const spawnedBefore = Talosctl.spawnCount;
  const start = process.hrtime.bigint();
  const rendered = await mapLimited(
    Array.from({ length: nodes }, (_, i) => i),
    concurrency,
    (i) => renderMachineConfig(nodeArgs(i, secretsYaml), { generator: talosctl, cache }),
  );
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const spawned = Talosctl.spawnCount - spawnedBefore;
  const distinct = new Set(rendered.map((r) => r.hash)).size;
  console.log(
    `rendered ${nodes} node configs (3 control planes + ${nodes - 3} workers, ${distinct} distinct) with ${talosctl.binary}`,
  );
  console.log(`wall time: ${ms.toFixed(0)} ms (${(ms / nodes).toFixed(1)} ms per node, concurrency ${concurrency})`);
  console.log(`talosctl processes spawned: ${spawned} (gen config: ${cache.size}, validate: ${spawned - cache.size})`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
