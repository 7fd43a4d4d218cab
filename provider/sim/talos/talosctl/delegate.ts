/**
 * Node-less commands answered by the real talosctl when one is given ($TALOSCTL_SIM_REAL, a path):
 * `gen`, `validate` and `machineconfig` then run the real client with the same argv, so the simulator
 * never re-implements what the real binary can say (issue 14). Without it the stand-in answers itself,
 * held to the real client by test/integration/talosctl-conformance.test.ts.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Io } from "./command";

const NODELESS = new Set(["gen", "validate", "machineconfig", "mc"]);

/** The real talosctl to delegate to, if $TALOSCTL_SIM_REAL names an executable file. */
export function realClient(env: NodeJS.ProcessEnv): string | undefined {
  const p = env.TALOSCTL_SIM_REAL;
  if (!p) return undefined;
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return p;
  } catch {
    return undefined;
  }
}

/** Runs `argv` on the real client when it is node-less and one is configured; undefined otherwise. */
export function delegated(argv: string[], env: NodeJS.ProcessEnv, cwd: string, io: Io): number | undefined {
  const real = realClient(env);
  const command = argv.find((a) => !a.startsWith("-"));
  if (!real || !command || !NODELESS.has(command)) return undefined;
  const r = spawnSync(real, argv, { cwd, env: { ...env, TALOSCTL_SIM_REAL: "" }, encoding: "utf8", timeout: 120000 });
  if (r.error) throw new Error(`delegating to the real talosctl ${real}: ${r.error.message}`);
  io.out(r.stdout);
  io.err(r.stderr);
  return r.status ?? 1;
}

/**
 * `configpatcher.Apply` by the real client (`machineconfig patch` to stdout) when one is configured, so
 * `--config-patch` of the stand-in's node commands never uses the library's patch engine; undefined
 * without a real client. Throws the real client's error text.
 */
export function realPatch(config: string, patches: string[], env: NodeJS.ProcessEnv = process.env): string | undefined {
  const real = realClient(env);
  if (!real) return undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "talosctl-sim-patch-"));
  try {
    fs.writeFileSync(path.join(dir, "config.yaml"), config, { mode: 0o600 });
    const args = patches.flatMap((p, i) => {
      fs.writeFileSync(path.join(dir, `patch-${i}.yaml`), p, { mode: 0o600 });
      return ["--patch", `@${path.join(dir, `patch-${i}.yaml`)}`];
    });
    const r = spawnSync(real, ["machineconfig", "patch", path.join(dir, "config.yaml"), ...args], {
      encoding: "utf8",
      timeout: 60000,
    });
    if (r.error) throw new Error(`delegating to the real talosctl ${real}: ${r.error.message}`);
    if (r.status !== 0) throw new Error(r.stderr.split("\n").find((l) => l.trim() !== "") ?? `exit ${r.status}`);
    return r.stdout;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
