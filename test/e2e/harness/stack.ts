/**
 * One stack of a repository program under the real Pulumi engine (`.tools/bin/pulumi`, built by
 * `npm run tools`): file backend and PULUMI_HOME in a temp directory, the passphrase secrets provider,
 * no update check, no plugin download. Every line the CLI prints is kept for the secret scan.
 */
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ConfigMap, LocalWorkspace, OutputMap, Stack } from "@pulumi/pulumi/automation";
import { createEngineStack } from "../../../provider/sim/engine/workspace";

/** The repository root (this file is dist/test/e2e/harness/stack.js once built). */
export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..", "..");
export const TOOLS_BIN = path.join(REPO_ROOT, ".tools", "bin");
/** A CLI command that reads state only (export, output) is done in seconds; a minute means it hangs. */
const CLI_TIMEOUT_MS = 60_000;

/** The CLI `npm run tools` built; a missing one fails the suite with what to run. */
export function realPulumi(): string {
  const bin = path.join(TOOLS_BIN, "pulumi");
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run tools\` first (needs Go 1.26)`);
  return bin;
}

/** A stack of one example, its backend and every line of CLI output so far. */
export class E2eStack {
  readonly output: string[] = [];
  private constructor(
    readonly stack: Stack,
    readonly dir: string,
    readonly passphrase: string,
    private readonly remove: () => void,
  ) {}

  /**
   * Creates the stack `e2e` of `example` (a directory with Pulumi.yaml and index.ts) with
   * provider/sim/engine (the demo's way too); `program`, when given, runs instead of its index.ts.
   */
  static async create(
    example: string,
    config: ConfigMap,
    program?: () => Promise<Record<string, unknown> | void>,
  ): Promise<E2eStack> {
    const passphrase = crypto.randomBytes(18).toString("base64");
    const cli = realPulumi();
    const s = await createEngineStack({ program: example, stack: "e2e", config, cli, passphrase, run: program });
    return new E2eStack(s.stack, s.dir, passphrase, s.remove);
  }

  /** Collects CLI output for the secret scan; returns it for the caller's assertions. */
  private record(text: string): string {
    this.output.push(text);
    return text;
  }

  async preview(o: { diff?: boolean; expectNoChanges?: boolean } = {}): Promise<string> {
    const r = await this.stack.preview({ ...o, color: "never" });
    return this.record(r.stdout + r.stderr);
  }

  async up(): Promise<{ stdout: string; outputs: OutputMap }> {
    const r = await this.stack.up({ color: "never" });
    return { stdout: this.record(r.stdout + r.stderr), outputs: r.outputs };
  }

  /** An `up` that must fail (a resource error, or the CLI killed): everything the CLI printed, then the error. */
  async upError(): Promise<string> {
    let printed = "";
    const collect = (text: string) => (printed += text);
    try {
      await this.stack.up({ color: "never", onOutput: collect, onError: collect });
    } catch (e) {
      return this.record(`${printed}\n${(e as Error).message}`);
    }
    throw new Error(`up succeeded where it should fail:\n${printed}`);
  }

  async refresh(o: { expectNoChanges?: boolean; clearPendingCreates?: boolean } = {}): Promise<string> {
    const r = await this.stack.refresh({ ...o, color: "never" });
    return this.record(r.stdout + r.stderr);
  }

  async destroy(): Promise<string> {
    const r = await this.stack.destroy({ color: "never" });
    return this.record(r.stdout + r.stderr);
  }

  /**
   * Runs `pulumi <args> --stack e2e` as a user would in the project directory; returns stdout. Output the
   * user asked to see in plaintext (`--show-secrets`) is left out of the scanned output.
   */
  cli(args: string[]): string {
    const ws = this.stack.workspace as LocalWorkspace;
    const r = spawnSync(path.join(TOOLS_BIN, "pulumi"), [...args, "--stack", "e2e", "--non-interactive"], {
      cwd: ws.workDir,
      env: { ...process.env, ...ws.envVars },
      encoding: "utf8",
      timeout: CLI_TIMEOUT_MS,
    });
    if (!args.includes("--show-secrets")) this.record(r.stdout + r.stderr);
    if (r.status !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${r.status ?? r.signal}: ${r.stderr}`);
    return r.stdout;
  }

  /** Every file of the file backend (checkpoints, backups, history), as text. */
  rawState(): string[] {
    const files: string[] = [];
    const walk = (d: string) =>
      fs
        .readdirSync(d, { withFileTypes: true })
        .forEach((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : files.push(path.join(d, e.name))));
    walk(path.join(this.dir, "backend"));
    return files.map((f) => fs.readFileSync(f, "utf8"));
  }

  removeWorkDir(): void {
    this.remove();
  }
}
