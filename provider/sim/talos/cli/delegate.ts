/**
 * Node-less commands answered by the real talosctl when one is given ($TALOSCTL_SIM_REAL, a path):
 * `gen`, `validate` and `machineconfig` then run the real client with the same argv, so the simulator
 * never re-implements what the real binary can say (issue 14). Without it the stand-in answers itself,
 * held to the real client by test/integration/talosctl-conformance.test.ts.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
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
