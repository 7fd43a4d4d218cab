/**
 * Where the real talosctl is, for tests that hold the stand-in to it or drive simulated nodes over the
 * real Talos API: the simulator's rule (provider/sim/talos/talosctl-binary.ts) — `$REAL_TALOSCTL` or
 * `$TALOSCTL` when it names an executable that is not the stand-in, else the build of `npm run tools`
 * (`.tools/bin/talosctl` in the repository). Undefined when there is none (no Go toolchain): such
 * tests skip, saying so.
 */
import { execFile } from "child_process";
import * as path from "path";
import { realTalosctl } from "../../provider/sim/talos/talosctl-binary";

export { realTalosctl };

/** Path of the real talosctl, or null when it has not been built. */
export function realTalosctlPath(): string | null {
  return realTalosctl() ?? null;
}

/** One finished run. */
export interface TalosctlRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs talosctl in `cwd` with HOME there (no user talosconfig leaks in); bounded by `timeoutMs`. */
export function runTalosctl(bin: string, args: string[], cwd: string, timeoutMs = 30000): Promise<TalosctlRun> {
  return new Promise((resolve) => {
    const env = { PATH: process.env.PATH ?? "", HOME: cwd, TALOSCONFIG: path.join(cwd, "no-talosconfig") };
    execFile(bin, args, { cwd, env, timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
