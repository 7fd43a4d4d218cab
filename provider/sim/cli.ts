/**
 * `npm run sim`: starts the simulator with the demo's scenario (three dedicated servers, a Cloud
 * project, an Image Factory), prints ONE JSON line with the endpoints, credentials and the stack
 * config/environment that point a program at it, and stays up until SIGINT or SIGTERM.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { errorMessage } from "../internal/errors";
import { startSimulator, Simulator } from "./index";
import { controlPlanesConfig, hybridScenario } from "./scenarios/hybrid";
import { simulatorStackConfig } from "./demo/session";

/** The line `npm run sim` prints: everything a program or a client needs to use the simulator. */
export function simulatorInfo(
  sim: Simulator,
  servers: ReturnType<typeof controlPlanesConfig>,
): Record<string, unknown> {
  const config = Object.fromEntries(
    Object.entries(simulatorStackConfig(sim)).map(([k, v]) => [k, typeof v === "string" ? v : v.secret]),
  );
  return {
    robot: sim.robot,
    cloud: sim.cloud,
    factory: sim.factory,
    talosctl: sim.talosctl,
    stateDir: sim.stateDir,
    // Ready for the hybrid example: `pulumi config set --path controlPlanes …` or the demo's config.
    controlPlanes: servers,
    config,
    env: {
      HCLOUD_TOKEN: sim.cloud.token,
      HCLOUD_ENDPOINT: sim.cloud.endpoint,
      HETZNER_ROBOT_USER: sim.robot.user,
      HETZNER_ROBOT_PASSWORD: sim.robot.password,
      HETZNER_ROBOT_URL: sim.robot.url,
      TALOS_IMAGE_FACTORY_URL: sim.factory.url,
      TALOSCTL: sim.talosctl,
      TALOS_HETZNER_TIME_SCALE: String(sim.world.timeScale),
    },
  };
}

/** Reads `--robot-servers N` and `--time-scale X`. */
export function parseArgs(argv: string[]): { robotServers?: number; timeScale?: number } {
  const out: { robotServers?: number; timeScale?: number } = {};
  for (let i = 0; i < argv.length; i += 2) {
    const value = Number(argv[i + 1]);
    if (argv[i] === "--robot-servers" && Number.isInteger(value) && value >= 1) out.robotServers = value;
    else if (argv[i] === "--time-scale" && value > 0) out.timeScale = value;
    else
      throw new Error(
        `usage: npm run sim -- [--robot-servers N (≥ 1)] [--time-scale X (> 0)]; got ${JSON.stringify(argv.slice(i, i + 2).join(" "))}`,
      );
  }
  return out;
}

async function main(): Promise<void> {
  const scenario = hybridScenario(parseArgs(process.argv.slice(2)));
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "talos-hetzner-sim-"));
  const sim = await startSimulator({ scenario, stateDir });
  process.stdout.write(JSON.stringify(simulatorInfo(sim, controlPlanesConfig(scenario.robot!.servers))) + "\n");
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    sim.stop().then(
      () => {
        fs.rmSync(stateDir, { recursive: true, force: true });
        process.exit(0);
      },
      (e) => {
        process.stderr.write(`simulator stop failed: ${errorMessage(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`simulator failed to start: ${errorMessage(e)}\n`);
    process.exit(1);
  });
}
