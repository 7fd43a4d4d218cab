/**
 * Benchmark (not a test) of RobotServer installs in the simulator: after a warm-up install, one install
 * alone, then six in parallel, printing the wall-time ratio, how much of the single install the
 * simulated service delays cover (and the overhead beyond them), and Robot requests and resets per
 * install (the pipeline's memory and throughput are bench/pipeline.ts's: sampling /proc here slowed
 * the timed installs). Run as root after building: `node dist/bench/robot-server.js [timeScale]`;
 * at the default 0.1 the delays are most of an install (the output says how much). BENCH_LOG=1
 * prints the install's log lines with their time, to see where an install's time goes.
 */
import * as os from "os";
import { setLogSink } from "../provider/internal/log";
import { startRobotWorld } from "./robot-world";

const TIME_SCALE = Number(process.argv[2] ?? 0.1);
const DISK_BYTES = 256 * 1024 * 1024;

type Req = { method: string; path: string; status: number };
const resets = (r: Req) => r.method === "POST" && r.path.startsWith("/reset/");

async function main(): Promise<void> {
  const w = await startRobotWorld(TIME_SCALE, 8, DISK_BYTES);
  const t0 = performance.now();
  const log = (l: string) => console.log(`${((performance.now() - t0) / 1000).toFixed(2)} ${l}`);
  setLogSink(process.env.BENCH_LOG ? log : () => undefined);
  try {
    await w.install([8]); // warm-up: the first install loads modules and fills caches
    const first = w.robot.requests.length;
    const one = await w.install([1]);
    const afterOne = w.robot.requests.length;
    const six = (await w.install([2, 3, 4, 5, 6, 7])).ms;
    const per = (from: number, to: number, n: number, f: (r: Req) => boolean) =>
      w.robot.requests.slice(from, to).filter(f).length / n;
    const all = () => true;
    const end = w.robot.requests.length;
    console.log(
      `RobotServer benchmark (simulator, timeScale ${TIME_SCALE}, ${DISK_BYTES / 2 ** 20} MiB disks, Talos v1.13.9 metal image, after a warm-up install, load ${os.loadavg()[0].toFixed(1)})`,
    );
    console.log(
      `  1 install:            ${(one.ms / 1000).toFixed(1)} s, of it simulated service delays ${(one.delayMs / 1000).toFixed(1)} s (delay share ${(one.delayMs / one.ms).toFixed(2)})`,
    );
    console.log(
      `  overhead over delays: ${((one.ms - one.delayMs) / one.delayMs).toFixed(3)} (wall time outside every simulated delay / delay time)`,
    );
    console.log(
      `  6 installs parallel:  ${(six / 1000).toFixed(1)} s (ratio ${(six / one.ms).toFixed(2)} on ${os.cpus().length} cores)`,
    );
    console.log(
      `  Robot requests/install: ${per(first, afterOne, 1, all)} alone, ${per(afterOne, end, 6, all).toFixed(1)} in parallel (403s: ${w.robot.requests.filter((r) => r.status === 403).length})`,
    );
    console.log(
      `  resets/install:         ${per(first, afterOne, 1, resets)} alone, ${per(afterOne, end, 6, resets).toFixed(1)} in parallel`,
    );
  } finally {
    await w.stop();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
