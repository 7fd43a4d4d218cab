/**
 * Benchmark (not a test) of the image pipeline inside a simulated rescue system's real bash: the same
 * zstd image (synthetic, disk-image-like: a third incompressible, the rest zeros and text) served over
 * loopback HTTP, timed in the rescue shell as
 *   raw      curl | zstd -dc > /dev/null              (download + decompress: the baseline)
 *   write    curl | zstd -dc | dd of=disk oflag=direct (no hash: what the disk allows)
 *   before   the previous pipeline (tee of the decompressed stream into openssl, buffered dd)
 *   pipeline installImageCommand as RobotServer runs it (the hash decompresses its own copy of the
 *            download, whole-block direct dd)
 * The simulated disk's backing file lives on tmpfs (/dev/shm) when there is one, behind a direct-I/O
 * loop device: a disk that takes writes at memory speed, as an NVMe takes them faster than zstd
 * decompresses; on the ext4 of this project's machine the write alone reached half the raw figure.
 * Interleaved per round after a warm-up; prints medians of `runs` rounds and, with --json, one line.
 * Run as root after building: `node dist/bench/pipeline.js [imageMiB] [runs] [--json]`.
 */
import { execFileSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { AddressInfo } from "net";
import { pollUntil } from "../provider/internal/poll";
import { installImageCommand, parseImageSha256 } from "../provider/rescue/commands-install";
import { RescueSession } from "../provider/rescue/session";
import { generateEd25519KeyPair } from "../provider/rescue/session-keys";
import { rescueUnsupportedReason } from "../provider/sim/machines/rescue/support";
import { robotServerScenario } from "../provider/sim/apis/robot/scenario";
import { World, createWorld } from "../provider/sim/world";
import { PipelineSampler } from "./pipeline-sampler";

const args = process.argv.slice(2).filter((a) => a !== "--json");
const JSON_OUT = process.argv.includes("--json");
const IMAGE_MIB = Number(args[0] ?? 512);
const RUNS = Number(args[1] ?? 3);
const NET = `127.98.${process.pid % 250}`;
const KEY = generateEd25519KeyPair();

/** A disk-image-like raw file of `mib` MiB and its zstd stream; returns the .zst path. */
function makeImage(dir: string, mib: number): string {
  const raw = path.join(dir, "image.raw");
  const fd = fs.openSync(raw, "w");
  const text = Buffer.from("talos ".repeat(174763)).subarray(0, 1 << 20);
  for (let i = 0; i < mib; i++)
    fs.writeSync(fd, i % 3 === 0 ? randomBytes(1 << 20) : i % 3 === 1 ? Buffer.alloc(1 << 20) : text);
  fs.closeSync(fd);
  execFileSync("zstd", ["-q", "-f", "-3", raw, "-o", `${raw}.zst`]);
  fs.rmSync(raw);
  return `${raw}.zst`;
}

function serve(file: string): Promise<http.Server> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-length": fs.statSync(file).size });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Runs `cmd` in the rescue shell; returns its wall time in ms, measured by the rescue's own clock, and
 * the CPU seconds (user + system) of its processes from bash's `times` (the HTTP server not counted).
 */
async function timed(s: RescueSession, cmd: string): Promise<{ ms: number; cpuS: number; stdout: string }> {
  const r = await s.run(`s=$(date +%s%N); ${cmd}; e=$(date +%s%N); echo "bench-ns=$((e - s))"; times`, {
    timeoutMs: 600_000,
    what: "benchmark",
  });
  const cpu = [...r.stdout.matchAll(/(\d+)m([\d.]+)s/g)].reduce((t, m) => t + Number(m[1]) * 60 + Number(m[2]), 0);
  return { ms: Number(/bench-ns=(\d+)/.exec(r.stdout)![1]) / 1e6, cpuS: cpu, stdout: r.stdout };
}

async function inRescue(dir: string): Promise<{ world: World; s: RescueSession }> {
  const world = await createWorld({ timeScale: 0.0002, stateDir: dir });
  const base = robotServerScenario(1).machine;
  const disks = base.disks.map((d) => ({ ...d, sizeBytes: (IMAGE_MIB + 64) * 2 ** 20 }));
  const m = await world.createMachine({ ...base, id: "bench-pipeline", disks, ipv4: `${NET}.2`, gateway: `${NET}.1` });
  const settle = (status: string) =>
    pollUntil(async () => (m.status() === status ? true : undefined), {
      what: `machine to be ${status}`,
      timeoutMs: 60_000,
      initialMs: 10,
      maxMs: 100,
    });
  await settle("no-os");
  m.armRescue({ authorizedKeys: [KEY.public], password: "bench-pw" });
  m.reset("hw");
  await settle("rescue");
  const s = await RescueSession.connect({
    host: `${NET}.2`,
    privateKey: KEY.private,
    deadlineMs: 60_000,
    backoff: { initialMs: 20, maxMs: 200 },
  });
  return { world, s };
}

async function main(): Promise<void> {
  const unsupported = rescueUnsupportedReason();
  if (unsupported) throw new Error(`cannot run simulated rescue systems here: ${unsupported}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-pipeline-"));
  const image = makeImage(dir, IMAGE_MIB);
  const server = await serve(image);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/image.raw.zst`;
  const diskDir = fs.existsSync("/dev/shm") ? fs.mkdtempSync("/dev/shm/bench-pipeline-") : path.join(dir, "world");
  const { world, s } = await inRescue(diskDir);
  const disk = "/dev/nvme0n1";
  const variants: Record<string, string> = {
    raw: `curl -fsSL '${url}' | zstd -dc > /dev/null`,
    write: `curl -fsSL '${url}' | zstd -dc | dd of=${disk} bs=4M iflag=fullblock oflag=direct conv=fsync,notrunc status=none`,
    before: `d=$(mktemp -d); mkfifo "$d/f"; openssl dgst -sha256 -r < "$d/f" > "$d/h" & hp=$!; curl -fsSL '${url}' | zstd -dc | tee "$d/f" | dd of=${disk} bs=4M iflag=fullblock conv=fsync,notrunc status=none; wait $hp; rm -rf "$d"`,
    pipeline: installImageCommand({ url, target: disk }),
  };
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  const cpu: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  const sampler = new PipelineSampler("127.0.0.1");
  let sha = "";
  try {
    for (const cmd of Object.values(variants)) await timed(s, cmd); // warm-up: page cache, binaries
    for (let r = 0; r < RUNS; r++) {
      for (const [k, cmd] of Object.entries(variants)) {
        const t = await timed(s, cmd);
        times[k].push(t.ms);
        cpu[k].push(t.cpuS);
      }
    }
    // Memory in a run of its own: reading /proc every 20 ms costs CPU the timed runs must not lose.
    sampler.start();
    sha = parseImageSha256((await timed(s, variants.pipeline)).stdout);
    sampler.stop();
  } finally {
    sampler.stop();
    await s.close();
    server.close();
    await world.close(); // detaches the loop device, so removing its file frees the tmpfs pages
    fs.rmSync(diskDir, { recursive: true, force: true });
  }
  const compressedMiB = fs.statSync(image).size / 2 ** 20;
  fs.rmSync(dir, { recursive: true, force: true });
  const mibps = (ms: number) => (IMAGE_MIB / (ms / 1000)).toFixed(0);
  const med = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
  const result = {
    imageMiB: IMAGE_MIB,
    compressedMiB: Number(compressedMiB.toFixed(1)),
    runs: RUNS,
    medianMs: med,
    medianCpuS: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, median(v)])),
    pipelineOverRawDecompress: Number((med.raw / med.pipeline).toFixed(2)),
    writeOverRawDecompress: Number((med.raw / med.write).toFixed(2)),
    beforeOverRawDecompress: Number((med.raw / med.before).toFixed(2)),
    rescuePeakRamMiB: Number(sampler.peakPipelineMiB().toFixed(1)),
    sha256: sha,
  };
  if (JSON_OUT) return void console.log(JSON.stringify(result));
  console.log(
    `image pipeline in the simulated rescue bash: ${IMAGE_MIB} MiB raw image (${compressedMiB.toFixed(1)} MiB zstd), disk file in ${diskDir} (direct-I/O loop), median of ${RUNS} after a warm-up, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`,
  );
  for (const [k, ms] of Object.entries(med))
    console.log(
      `  ${k.padEnd(9)} ${ms.toFixed(0).padStart(6)} ms  ${mibps(ms).padStart(5)} MiB/s  ${median(cpu[k]).toFixed(2)} CPU s  (runs: ${times[k].map((x) => x.toFixed(0)).join(", ")})`,
    );
  console.log(
    `  pipeline / raw decompress throughput: ${result.pipelineOverRawDecompress} (write only: ${result.writeOverRawDecompress}, previous pipeline: ${result.beforeOverRawDecompress})`,
  );
  console.log(
    `  CPU seconds pipeline / raw: ${(median(cpu.pipeline) / median(cpu.raw)).toFixed(2)} (when the cores are busy, wall time follows CPU time)`,
  );
  console.log(
    `  pipeline peak RSS: ${result.rescuePeakRamMiB} MiB (${sampler.samples} samples of curl, zstd, tee, openssl/sha256sum and dd)`,
  );
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
