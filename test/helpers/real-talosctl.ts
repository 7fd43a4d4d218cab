/**
 * The real talosctl (built by `npm run tools`) for tests that drive simulated nodes over the real
 * Talos API: `$REAL_TALOSCTL`, else `<package root>/.tools/bin/talosctl`.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";

/** One finished run. */
export interface TalosctlRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Path of the real talosctl, or null when it has not been built. */
export function realTalosctlPath(): string | null {
  const p = process.env.REAL_TALOSCTL || path.resolve(__dirname, "..", "..", "..", ".tools", "bin", "talosctl");
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return p;
  } catch {
    return null;
  }
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
