/**
 * Benchmark (not a test): one `up` worth of RobotServer creates — 20 dedicated servers installed at
 * once — against the simulated Robot, which enforces Robot's budgets (50 resets, 200 GET /server per
 * hour) over its scaled hour and answers 403 RATE_LIMIT_EXCEEDED past them. Prints the wall time,
 * what the installs spent of each budget, the 403s (0 means the limits held without failing) and how
 * often the library's shared budget made an install wait for a slot. Run as root after building:
 * `node dist/bench/robot-budget.js [timeScale]` (default 0.005: Robot's hour is 18 s).
 */
import * as os from "os";
import { setLogSink } from "../provider/internal/log";
import { startRobotWorld } from "./robot-world";

const TIME_SCALE = Number(process.argv[2] ?? 0.005);
const SERVERS = 20;
const DISK_BYTES = 64 * 1024 * 1024;

async function main(): Promise<void> {
  const w = await startRobotWorld(TIME_SCALE, SERVERS, DISK_BYTES);
  const paced: string[] = [];
  setLogSink((l) => void (/pacing to Robot's/.test(l) && paced.push(l)));
  try {
    const r = await w.install(Array.from({ length: SERVERS }, (_, i) => i + 1));
    const q = w.robot.requests;
    const count = (method: string, re: RegExp) => q.filter((x) => x.method === method && re.test(x.path)).length;
    const hourS = 3600 * TIME_SCALE;
    console.log(
      `Robot budgets, ${SERVERS} RobotServer installs at once (simulator, timeScale ${TIME_SCALE}: Robot's hour is ${hourS.toFixed(0)} s, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)})`,
    );
    console.log(
      `  budget: ${SERVERS} installs in ${(r.ms / 1000).toFixed(1)} s (${(r.ms / 1000 / hourS).toFixed(2)} Robot hours), resets ${count("POST", /^\/reset\//)} (limit 50/h), GET /server ${count("GET", /^\/server(\/\d+)?$/)} (limit 200/h), all requests ${q.length}, 403s: ${q.filter((x) => x.status === 403).length}, paced waits: ${paced.length}`,
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
