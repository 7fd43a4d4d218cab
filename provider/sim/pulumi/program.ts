/** Loads a Pulumi program (a function, or a directory/file as `pulumi up` would run it) and resolves its stack outputs. */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { TalosHetznerError } from "../../internal/errors";
import { RunOptions } from "./types";
import { UNKNOWN } from "./values";

/** The entry file of a program directory: Pulumi.yaml `main`, package.json `main`, else index.ts/index.js. */
export function programEntry(target: string): string {
  const abs = path.resolve(target);
  if (fs.statSync(abs).isFile()) return abs;
  const yaml = path.join(abs, "Pulumi.yaml");
  const yamlMain = fs.existsSync(yaml) ? /^main:\s*(\S+)/m.exec(fs.readFileSync(yaml, "utf8"))?.[1] : undefined;
  const pkg = path.join(abs, "package.json");
  const pkgMain = fs.existsSync(pkg)
    ? (JSON.parse(fs.readFileSync(pkg, "utf8")).main as string | undefined)
    : undefined;
  for (const c of [yamlMain, pkgMain, "index.ts", "index.js"]) {
    if (c && fs.existsSync(path.join(abs, c))) return require.resolve(path.join(abs, c));
  }
  throw new TalosHetznerError(
    `no Pulumi program found in ${abs} (looked for Pulumi.yaml main, package.json main, index.ts, index.js)`,
  );
}

// Programs are often TypeScript and no ts-node is installed: transpile on require with the
// project's `typescript` (the same compiler Pulumi's closure serializer uses).
function ensureTypeScriptHook(): void {
  if (require.extensions[".ts"]) return;
  const ts = require("typescript");
  require.extensions[".ts"] = (m: NodeJS.Module, filename: string) => {
    const out = ts.transpileModule(fs.readFileSync(filename, "utf8"), {
      fileName: filename,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2020,
        esModuleInterop: true,
        sourceMap: false,
      },
    });
    (m as unknown as { _compile(code: string, file: string): void })._compile(out.outputText, filename);
  };
}

/** Runs the program once and returns what it exports (a default-exported function is called). */
export async function runProgramOnce(program: RunOptions["program"]): Promise<Record<string, unknown>> {
  if (typeof program === "function") return (await program()) ?? {};
  const entry = programEntry(program);
  if (entry.endsWith(".ts")) ensureTypeScriptHook();
  const root = path.dirname(entry);
  // A fresh evaluation per run: resources register at module load.
  for (const k of Object.keys(require.cache))
    if (k.startsWith(root + path.sep) && !k.includes(`${path.sep}node_modules${path.sep}`)) delete require.cache[k];
  const mod = require(entry);
  const main = typeof mod?.default === "function" ? mod.default : undefined;
  return main ? ((await main()) ?? {}) : { ...mod };
}

/** One resolved stack output: its value (UNKNOWN in a preview when not known yet) and whether it is secret. */
export async function resolveOutput(value: unknown): Promise<{ value: unknown; secret: boolean }> {
  const o = pulumi.output(value) as unknown as {
    promise(withUnknowns?: boolean): Promise<unknown>;
    isKnown: Promise<boolean>;
    isSecret: Promise<boolean>;
  };
  const [v, known, secret] = await Promise.all([o.promise(true), o.isKnown, o.isSecret]);
  return { value: known ? v : UNKNOWN, secret };
}
