/**
 * Lets programs run in this process (`runProgram` with a directory, as the demo does with the
 * examples) import `pulumi-talos-hetzner` without it being installed in their node_modules.
 */
import * as path from "path";
import { packageRoot } from "./runner/host-link";

const PACKAGE_NAME = "pulumi-talos-hetzner";
let installed = false;

type Resolve = (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;

/** The module a program gets for `require("pulumi-talos-hetzner")`: the package main, or the full public entry while the main lacks the resources. */
export function programEntryModule(): string {
  const main = require.resolve(packageRoot(__dirname));
  // provider/index.ts does not re-export the resources yet (reported); the full entry adds them.
  return typeof require(main).TalosCluster === "function" ? main : path.join(packageRoot(__dirname), "dist/provider/resources/talos-cluster-exports.js");
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
