/**
 * Lets programs run in this process (`runProgram` with a directory, as the demo does with the
 * examples) import `pulumi-talos-hetzner` without it being installed in their node_modules.
 */
import { packageRoot } from "../pulumi/host-link";

const PACKAGE_NAME = "pulumi-talos-hetzner";
let installed = false;

type Resolve = (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;

/** The module a program gets for `require("pulumi-talos-hetzner")`: this package's main entry. */
export function programEntryModule(): string {
  return require.resolve(packageRoot(__dirname));
}

/** Makes `require("pulumi-talos-hetzner")` resolve to this package for programs loaded in this process; idempotent. */
export function linkPackageForPrograms(): void {
  if (installed) return;
  installed = true;
  // Module._resolveFilename is the hook every CommonJS resolution goes through (also used by ts-node/tsconfig-paths).
  const Module = require("module") as { _resolveFilename: Resolve };
  const entry = programEntryModule();
  const original = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, isMain, options) {
    return request === PACKAGE_NAME ? entry : original.call(this, request, parent, isMain, options);
  };
}
