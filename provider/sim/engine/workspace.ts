/**
 * A stack of a repository program under the real Pulumi engine, through the Automation API: the CLI
 * (`.tools/bin/pulumi` from `npm run tools`, or one on PATH), the file backend and PULUMI_HOME in a
 * temp directory, the passphrase secrets provider, no update check and no plugin download. The program
 * runs in this process (typescript.ts); the language host `pulumi-language-nodejs` is not needed.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigMap, LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { packageRoot } from "../pulumi/host-link";
import { loadProgram } from "./typescript";

const PLUGIN = "pulumi-resource-pulumi-nodejs";

/** `.tools/bin/pulumi` of this package when built, else the first `pulumi` on PATH; undefined if neither. */
export function findPulumiCli(root = packageRoot(__dirname), envPath = process.env.PATH ?? ""): string | undefined {
  const candidates = [path.join(root, ".tools", "bin"), ...envPath.split(path.delimiter).filter(Boolean)];
  return candidates.map((d) => path.join(d, "pulumi")).find((f) => fs.existsSync(f));
}

/**
 * Where the engine finds the dynamic-provider plugin: beside the CLI when `npm run tools` linked it
 * there, else the script that ships in `@pulumi/pulumi` itself.
 */
function pluginDir(cli: string): string {
  if (fs.existsSync(path.join(path.dirname(cli), PLUGIN))) return path.dirname(cli);
  return path.dirname(require.resolve(`@pulumi/pulumi/${PLUGIN}`));
}

/** The Automation API's handle on `cli`: `<root>/bin/pulumi` is what it takes, else `pulumi` from PATH. */
function cliCommand(cli: string): Promise<PulumiCommand> {
  const bin = path.dirname(cli);
  const root = path.basename(bin) === "bin" ? path.dirname(bin) : undefined;
  return PulumiCommand.get({ ...(root ? { root } : {}), skipVersionCheck: true });
}

/** Options of `createEngineStack`. */
export interface EngineStackOptions {
  /** The program directory (Pulumi.yaml, index.ts). */
  program: string;
  stack: string;
  config: ConfigMap;
  /** The `pulumi` executable. */
  cli: string;
  passphrase: string;
  /** Runs instead of the directory's index.ts. */
  run?: () => Promise<Record<string, unknown> | void>;
}

/** A created stack; `remove` deletes its backend, home and work directory. */
export interface EngineStack {
  stack: Stack;
  /** Holds `backend/` (the file backend: checkpoints, backups, history) and `home/` (PULUMI_HOME). */
  dir: string;
  remove(): void;
}

/**
 * Creates the stack. The work dir sits under `.tools/` inside the package because the dynamic-provider
 * plugin resolves `@pulumi/pulumi` and this package from its working directory, as from a user's project.
 */
export async function createEngineStack(o: EngineStackOptions): Promise<EngineStack> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "talos-hetzner-engine-"));
  fs.mkdirSync(path.join(packageRoot(__dirname), ".tools"), { recursive: true });
  const workDir = fs.mkdtempSync(path.join(packageRoot(__dirname), ".tools", "engine-"));
  // The project file without `main`: the program runs in this process.
  const project = fs.readFileSync(path.join(o.program, "Pulumi.yaml"), "utf8");
  fs.writeFileSync(path.join(workDir, "Pulumi.yaml"), project.replace(/^main:.*\n/m, ""));
  fs.mkdirSync(path.join(dir, "backend"));
  const remove = () => [workDir, dir].forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
  process.once("exit", remove);
  const stack = await LocalWorkspace.createStack(
    {
      stackName: o.stack,
      projectName: /^name:\s*(\S+)/m.exec(project)![1],
      program: o.run ?? (async () => loadProgram(path.join(o.program, "index.ts"))),
    },
    {
      workDir,
      pulumiCommand: await cliCommand(o.cli),
      envVars: {
        PULUMI_BACKEND_URL: `file://${path.join(dir, "backend")}`,
        PULUMI_HOME: path.join(dir, "home"),
        PULUMI_CONFIG_PASSPHRASE: o.passphrase,
        PULUMI_SKIP_UPDATE_CHECK: "1",
        // Plugins come from PATH; a missing one must fail, not be downloaded.
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PATH: [path.dirname(o.cli), pluginDir(o.cli), process.env.PATH].join(path.delimiter),
      },
    },
  );
  await stack.setAllConfig(o.config);
  return { stack, dir, remove };
}
