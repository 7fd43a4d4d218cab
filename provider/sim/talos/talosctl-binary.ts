/**
 * Which talosctl the simulator hands to programs: the real client built by `npm run tools` drives the
 * simulated nodes over the Talos API; the stand-in (provider/sim/talos/talosctl) is the fallback on a
 * machine without the build, and for suites that need commands the simulated nodes cannot serve yet.
 * The rule matches test/helpers/real-talosctl.ts (which takes it from here): `$REAL_TALOSCTL`, then
 * `$TALOSCTL` when it names an executable that is not the stand-in, then `.tools/bin/talosctl`.
 */
import * as fs from "fs";
import * as path from "path";
import { descriptorSetPath } from "./grpc/descriptors";
import { talosctlPath } from "./runtime";

/** The client a simulator uses: the real binary or the stand-in. */
export type TalosctlKind = "real" | "stand-in";

/** What a caller asks for: the real client when built ("auto"), always the stand-in, or the real one or an error. */
export type TalosctlChoice = "auto" | TalosctlKind;

const ROOT = path.resolve(__dirname, "..", "..", "..", "..");

function executable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** True for the stand-in's launcher (a Node.js script), which must never pass for the real client. */
function isStandIn(p: string): boolean {
  return fs.readFileSync(p).subarray(0, 64).toString("utf8").startsWith("#!/usr/bin/env node");
}

/** The real talosctl binary, or undefined when none is built or named. */
export function realTalosctl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [env.REAL_TALOSCTL, env.TALOSCTL, path.join(ROOT, ".tools", "bin", "talosctl")];
  return candidates.find(
    (c): c is string => typeof c === "string" && path.isAbsolute(c) && executable(c) && !isStandIn(c),
  );
}

/**
 * The talosctl for a choice; "real" without a build is an error saying how to get one. The real
 * client also needs the nodes' gRPC API (the descriptor set `npm run tools` writes): without it the
 * nodes answer only the stand-in, and the real client would fail every call with a TLS error.
 */
export function chooseTalosctl(
  choice: TalosctlChoice = "auto",
  apiBuilt = (): boolean => fs.existsSync(descriptorSetPath()),
): { path: string; kind: TalosctlKind } {
  const real = choice === "stand-in" ? undefined : realTalosctl();
  if (real && apiBuilt()) return { path: real, kind: "real" };
  if (choice === "real" && real)
    throw new Error(
      `the simulated nodes cannot serve the real talosctl: the Talos API descriptor set ${descriptorSetPath()} is not built (run \`npm run tools\`)`,
    );
  if (choice === "real")
    throw new Error("the real talosctl is not built: run `npm run tools` (needs Go) or set REAL_TALOSCTL");
  return { path: talosctlPath(), kind: "stand-in" };
}
