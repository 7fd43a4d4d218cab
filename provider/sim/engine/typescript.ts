/**
 * Loads a TypeScript Pulumi program the way the CLI's Node.js language runtime does
 * (`@pulumi/pulumi/cmd/run`): ts-node with the project's `typescript` (else the SDK's vendored one),
 * type checking on, the program directory's tsconfig.json over nodenext defaults. The language host
 * itself is not served by the module proxy (tools/README.md); the real-engine demo and the e2e suite run
 * the program in-process through the Automation API instead, and this keeps the compile step the same
 * as a user's `pulumi up`.
 */
import * as fs from "fs";
import * as path from "path";

let registered = false;

interface TsUtils {
  typeScriptRequireStrings(): { tsnodeRequire: string; typescriptRequire: string };
  loadTypeScriptCompilerOptions(file: string): Record<string, unknown>;
}

/** Registers ts-node once, with the options cmd/run derives for a program run from `dir`. */
function registerTypeScript(dir: string): void {
  if (registered) return;
  registered = true;
  const tsutils = require("@pulumi/pulumi/tsutils") as TsUtils;
  const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
  const ts = require(typescriptRequire) as { version: string };
  const [major, minor] = ts.version.split(".").map(Number);
  // cmd/run: nodenext for TypeScript >= 4.7, commonjs/node before.
  const nodeNext = major > 4 || (major === 4 && minor >= 7);
  const tsconfig = path.join(dir, "tsconfig.json");
  require(tsnodeRequire).register({
    compiler: typescriptRequire,
    transpileOnly: undefined,
    project: tsconfig,
    skipProject: !fs.existsSync(tsconfig),
    compilerOptions: {
      target: "ES2020",
      module: nodeNext ? "nodenext" : "commonjs",
      moduleResolution: nodeNext ? "nodenext" : "node",
      sourceMap: "true",
      ...tsutils.loadTypeScriptCompilerOptions(tsconfig),
    },
  });
}

/**
 * Runs the program file (an example's index.ts) once more: its module is dropped from the require
 * cache so every `preview`/`up` registers its resources again, as a fresh language host process would.
 */
export function loadProgram(file: string): Record<string, unknown> {
  registerTypeScript(path.dirname(path.resolve(file)));
  const resolved = require.resolve(path.resolve(file));
  delete require.cache[resolved];
  return require(resolved) as Record<string, unknown>;
}
