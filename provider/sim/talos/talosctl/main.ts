/**
 * Entry point of the `talosctl` stand-in (provider/sim/bin/talosctl). The simulated nodes serve the
 * real Talos API, and startSimulator hands programs the real talosctl when `npm run tools` built it
 * (provider/sim/talos/talosctl-binary.ts). The stand-in remains for: a machine without a Go build
 * (the fallback, named by Simulator.talosctlKind); `get` (the COSI state service) and `upgrade-k8s`,
 * which the simulated nodes do not serve the real client yet, so every suite whose library calls read
 * nodes with `get` (the demo, `npm run sim`, e2e, the TalosCluster day-2 suite, the TalosMachineConfig
 * and cluster-world engine suites) still runs on it. Its node-facing commands go once those are served.
 */
import { clientVersion } from "../versions";
import { Io, runMain } from "./command";
import { delegated } from "./delegate";
import { rootCommand } from "./root";

/** Runs talosctl with `argv` (without node and script) and returns the exit code. */
export async function talosctlMain(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
  io?: Io,
): Promise<number> {
  const client = clientVersion(env);
  const out = io ?? {
    out: (t: string) => void process.stdout.write(t),
    err: (t: string) => void process.stderr.write(t),
  };
  const real = delegated(argv, env, cwd, out);
  if (real !== undefined) return real;
  return runMain(rootCommand(client), argv, { io: out, client, env, cwd });
}

if (require.main === module) {
  talosctlMain(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`${(e as Error).stack}\n`);
      process.exitCode = 1;
    },
  );
}
