/**
 * The simulated world the RobotServer benchmarks install into: `count` dedicated servers with small
 * disks on 127.99.x addresses, a Robot account, an Image Factory (image built once) and the settings
 * the runtime reads, plus `install(ns)` that creates RobotServers `ns` at once.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runtime } from "../provider/runtime/robot-server";
import { startFactorySim } from "../provider/sim/apis/factory/server";
import { RobotSim, startRobotSim } from "../provider/sim/apis/robot/server";
import { robotServerScenario } from "../provider/sim/apis/robot/scenario";
import { rescueUnsupportedReason } from "../provider/sim/machines/rescue/support";
import { installTalosRuntime, talosctlPath } from "../provider/sim/talos/runtime";
import { World, createWorld } from "../provider/sim/world";

const PASSWORD = "robot-password-of-the-bench";
const USER = "robot-user-of-the-bench";
const DEADLINES = { rescueSeconds: 120, installSeconds: 600, maintenanceSeconds: 120 };
const IMAGE = "376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba/v1.13.9/metal-amd64.raw.zst";

/** A running bench world. */
export interface RobotWorld {
  world: World;
  robot: RobotSim;
  /** Installs servers `ns` (1-based) at once; the wall ms and the part of it covered by simulated delays. */
  install(ns: number[]): Promise<{ ms: number; delayMs: number }>;
  stop(): Promise<void>;
}

function server(n: number, diskBytes: number) {
  const base = robotServerScenario(n);
  const disks = base.machine.disks.map((d) => ({ ...d, sizeBytes: diskBytes }));
  const net = `127.99.${process.pid % 250}`;
  return robotServerScenario(n, { machine: { disks, ipv4: `${net}.${n + 1}`, gateway: `${net}.1` } });
}

export async function startRobotWorld(timeScale: number, count: number, diskBytes: number): Promise<RobotWorld> {
  const unsupported = rescueUnsupportedReason();
  if (unsupported) throw new Error(`cannot run simulated rescue systems here: ${unsupported}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-robot-"));
  const world = await createWorld({ timeScale, stateDir: dir });
  installTalosRuntime(world);
  const factory = await startFactorySim(world, {}, "127.0.0.1");
  const servers = Array.from({ length: count }, (_, i) => server(i + 1, diskBytes));
  const robot = await startRobotSim(world, { user: USER, password: PASSWORD, servers }, "127.0.0.1");
  Object.assign(process.env, {
    HETZNER_ROBOT_URL: robot.url,
    HETZNER_ROBOT_USER: USER,
    HETZNER_ROBOT_PASSWORD: PASSWORD,
    TALOSCTL: talosctlPath(),
    TALOS_IMAGE_FACTORY_URL: factory.url,
    TALOS_HETZNER_TIME_SCALE: String(timeScale),
  });
  await fetch(`${factory.url}/image/${IMAGE}`, { method: "HEAD" }); // builds the image once
  const install = async (ns: number[]) => {
    const start = performance.now();
    const covered = world.delayCoveredMs!();
    await Promise.all(
      ns.map((n) =>
        runtime.create!({
          serverNumber: servers[n - 1].number,
          name: `node-${n}`,
          image: { version: "v1.13.9" },
          installDisk: { wwn: servers[n - 1].machine.disks[0].wwn! },
          deadlines: DEADLINES,
        }),
      ),
    );
    return { ms: performance.now() - start, delayMs: world.delayCoveredMs!() - covered };
  };
  const stop = async () => {
    await Promise.allSettled([robot.stop(), factory.stop()]);
    await world.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { world, robot, install, stop };
}
