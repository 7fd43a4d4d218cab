/**
 * Benchmark (not a test) of RobotServer installs in the simulator: one install alone, then six in
 * parallel, printing the wall-time ratio and Robot requests and resets per install (the pipeline's
 * memory and throughput are bench/pipeline.ts's: sampling /proc here slowed the timed installs).
 * Run as root after building: `node dist/bench/robot-server.js`.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { setLogSink } from "../provider/internal/log";
import { runtime } from "../provider/runtime/robot-server";
import { startFactorySim } from "../provider/sim/apis/factory/server";
import { startRobotSim } from "../provider/sim/apis/robot/server";
import { robotServerScenario } from "../provider/sim/apis/robot/scenario";
import { rescueUnsupportedReason } from "../provider/sim/machines/rescue/support";
import { installTalosRuntime, talosctlPath } from "../provider/sim/talos/runtime";
import { createWorld } from "../provider/sim/world";

const DISK_BYTES = 256 * 1024 * 1024;
const PASSWORD = "bench-robot-password";
const DEADLINES = { rescueSeconds: 60, installSeconds: 300, maintenanceSeconds: 60 };

function server(n: number) {
  const base = robotServerScenario(n);
  const disks = base.machine.disks.map((d) => ({ ...d, sizeBytes: DISK_BYTES }));
  return robotServerScenario(n, {
    machine: { disks, ipv4: `127.99.${process.pid % 250}.${n + 1}`, gateway: `127.99.${process.pid % 250}.1` },
  });
}

/** Installs servers `ns` at once; returns the wall time in ms. */
async function round(ns: number[]): Promise<number> {
  const start = Date.now();
  await Promise.all(
    ns.map((n) => {
      const s = server(n);
      return runtime.create!({
        serverNumber: s.number,
        name: `bench-${n}`,
        image: { version: "v1.13.9" },
        installDisk: { wwn: s.machine.disks[0].wwn! },
        deadlines: DEADLINES,
      });
    }),
  );
  return Date.now() - start;
}

async function main(): Promise<void> {
  const unsupported = rescueUnsupportedReason();
  if (unsupported) throw new Error(`cannot run simulated rescue systems here: ${unsupported}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-robot-server-"));
  const world = await createWorld({ timeScale: 0.0002, stateDir: dir });
  installTalosRuntime(world);
  const factory = await startFactorySim(world, {}, "127.0.0.1");
  const robot = await startRobotSim(
    world,
    { user: "bench", password: PASSWORD, servers: [1, 2, 3, 4, 5, 6, 7].map(server) },
    "127.0.0.1",
  );
  Object.assign(process.env, {
    HETZNER_ROBOT_URL: robot.url,
    HETZNER_ROBOT_USER: "bench",
    HETZNER_ROBOT_PASSWORD: PASSWORD,
    TALOSCTL: talosctlPath(),
    TALOS_IMAGE_FACTORY_URL: factory.url,
    TALOS_HETZNER_TIME_SCALE: String(world.timeScale),
  });
  const logs: string[] = [];
  setLogSink((l) => logs.push(l));
  try {
    await fetch(
      `${factory.url}/image/376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba/v1.13.9/metal-amd64.raw.zst`,
      { method: "HEAD" },
    ); // builds the image once
    const one = await round([1]);
    const afterOne = robot.requests.length;
    const six = await round([2, 3, 4, 5, 6, 7]);
    const perInstall = (from: number, to: number, n: number, f: (r: { method: string; path: string }) => boolean) =>
      robot.requests.slice(from, to).filter(f).length / n;
    const all = () => true;
    const resets = (r: { method: string; path: string }) => r.method === "POST" && r.path.startsWith("/reset/");
    console.log(
      `RobotServer benchmark (simulator, timeScale 0.0002, ${DISK_BYTES / 2 ** 20} MiB disks, Talos v1.13.9 metal image)`,
    );
    console.log(`  1 install:            ${(one / 1000).toFixed(1)} s`);
    console.log(
      `  6 installs parallel:  ${(six / 1000).toFixed(1)} s (ratio ${(six / one).toFixed(2)} on ${os.cpus().length} cores)`,
    );
    console.log(
      `  Robot requests/install: ${perInstall(0, afterOne, 1, all)} alone, ${perInstall(afterOne, robot.requests.length, 6, all).toFixed(1)} in parallel (403s: ${robot.requests.filter((r) => r.status === 403).length})`,
    );
    console.log(
      `  resets/install:         ${perInstall(0, afterOne, 1, resets)} alone, ${perInstall(afterOne, robot.requests.length, 6, resets).toFixed(1)} in parallel`,
    );
  } finally {
    await Promise.allSettled([robot.stop(), factory.stop()]);
    await world.close();
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
