/**
 * Where the real talosctl is, for tests that hold the stand-in to it: `$TALOSCTL` when it names an
 * executable that is not the stand-in, else the build of `npm run tools` (`.tools/bin/talosctl` in the
 * repository). Undefined when there is none (no Go toolchain): such tests skip.
 */
import * as fs from "fs";
import * as path from "path";

function executable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function isStandIn(p: string): boolean {
  return fs.readFileSync(p).subarray(0, 64).toString("utf8").startsWith("#!/usr/bin/env node");
}

/** The real talosctl binary, or undefined. */
export function realTalosctl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const root = path.resolve(__dirname, "..", "..", "..");
  const candidates = [env.TALOSCTL, path.join(root, ".tools", "bin", "talosctl")];
  return candidates.find((c): c is string => typeof c === "string" && path.isAbsolute(c) && executable(c) && !isStandIn(c));
}
