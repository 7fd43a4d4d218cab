/**
 * `runProgram`: plays the Pulumi engine for a program without the Pulumi CLI. Dynamic resources run
 * through the real dynamic-provider host, `@pulumi/hcloud` resources against the (simulated) Cloud
 * API, components are recorded; state persists between runs with secrets encrypted.
 */
import * as fs from "fs";
import * as path from "path";
import { InputError, TalosHetznerError, errorMessage } from "../../internal/errors";
import { maskSecrets, registerSecret } from "../../internal/log";
import { Deployment } from "./deployment";
import { summaryLine } from "./display";
import { Driver } from "./driver";
import { dynamicDriver } from "./driver-dynamic";
import { getImage, hcloudDriver, isHcloudType } from "./hcloud-driver";
import { Hcloud, hcloudFor } from "./hcloud-types";
import { startHost, RunningHost } from "./host";
import { HostClient } from "./host-client";
import { installConfig, installMonitor, programSettled } from "./monitor";
import { resolveOutput, runProgramOnce } from "./program";
import { StackConfig, configOrEnv, configureArgs, stackConfig } from "./run-config";
import { StateStore } from "./state";
import { RunOptions, RunResult, StepOp } from "./types";
import { Props, unwrapDeep } from "./values";

/** A run finished with failed resources; the state of everything else was saved. */
export class RunFailedError extends TalosHetznerError {
  constructor(readonly failures: { urn: string; message: string }[]) {
    super(`${failures.length} resource(s) failed:\n${failures.map((f) => `  ${f.urn}: ${f.message}`).join("\n")}`);
    this.name = "RunFailedError";
  }
}

/** Lazily started services of one run, stopped at its end. */
class Services {
  private host?: Promise<{ running: RunningHost; client: HostClient }>;
  private api?: Hcloud;
  constructor(
    private readonly o: RunOptions,
    private readonly config: StackConfig,
    private readonly log: (l: string) => void,
  ) {}

  client = async (): Promise<HostClient> => {
    this.host ??= (async () => {
      const cwd = this.o.cwd ?? (typeof this.o.program === "string" ? programDir(this.o.program) : process.cwd());
      const running = await startHost({
        cwd,
        env: this.o.env,
        project: this.o.project ?? "project",
        onOutput: (l) => this.log(`    ${l}`),
      });
      const client = new HostClient(running);
      await client.configure(configureArgs(this.config));
      return { running, client };
    })();
    return (await this.host).client;
  };

  hcloud = (): Hcloud => {
    const token = configOrEnv(this.config, "hcloud:token", "HCLOUD_TOKEN");
    if (!token)
      throw new InputError(
        "hcloud:token",
        "is not set: run `pulumi config set --secret hcloud:token ...` or export HCLOUD_TOKEN",
      );
    registerSecret(token);
    this.api ??= hcloudFor(
      configOrEnv(this.config, "hcloud:endpoint", "HCLOUD_ENDPOINT", "https://api.hetzner.cloud/v1")!,
      token,
      this.o.pollIntervalMs,
    );
    return this.api;
  };

  driverFor = (type: string): Driver => {
    const custom = this.o.drivers?.(type);
    if (custom) return custom;
    if (type.startsWith("pulumi-nodejs:dynamic")) return dynamicDriver(this.client);
    if (isHcloudType(type)) return hcloudDriver(type, this.hcloud);
    throw new Error(`the program runner does not support resource type ${type}`);
  };

  async stop(): Promise<void> {
    if (this.host) await (await this.host.catch(() => undefined))?.running.stop();
  }
}

function programDir(program: string): string {
  const abs = path.resolve(program);
  return fs.statSync(abs).isDirectory() ? abs : path.dirname(abs);
}

/** Runs `preview`, `up` or `destroy` for a program and returns its outputs, plan and counts. */
export async function runProgram(o: RunOptions): Promise<RunResult> {
  const project = o.project ?? "project";
  const config = stackConfig(project, o.config);
  const log = (l: string) => (o.log ?? console.log)(maskSecrets(l));
  const preview = o.operation === "preview";
  const store = new StateStore(o.stateFile, o.passphrase ?? process.env.PULUMI_CONFIG_PASSPHRASE);
  const prev = store.load();
  const services = new Services(o, config, log);
  const deployment = new Deployment(prev, preview, services.driverFor, log);
  log(
    `${o.operation === "destroy" ? "Destroying" : preview ? "Previewing update" : "Updating"} (${o.stack ?? "dev"}):`,
  );
  try {
    const outputs =
      o.operation === "destroy"
        ? await destroy(deployment)
        : await execute(o, project, config, preview, deployment, services);
    const counts = countOps(deployment.plan.map((p) => p.op));
    log(summaryLine(counts, preview));
    // Saved even when something failed: what was created must stay known so it can be deleted later.
    if (!preview)
      store.save({ resources: deployment.next, outputs: outputs.values, outputSecretKeys: outputs.secretKeys });
    if (deployment.failures.length > 0) throw new RunFailedError(deployment.failures);
    if (outputs.programError !== undefined)
      throw new TalosHetznerError(`the program failed: ${errorMessage(outputs.programError)}`, {
        cause: outputs.programError,
      });
    return { outputs: outputs.values, plan: deployment.plan, counts };
  } finally {
    await services.stop();
  }
}

/** Stack outputs of a run, and the program's own error if it threw. */
interface ProgramOutcome {
  values: Props;
  secretKeys: string[];
  programError?: unknown;
}

async function destroy(d: Deployment): Promise<ProgramOutcome> {
  await d.deleteUnregistered(true);
  return { values: {}, secretKeys: [] };
}

async function execute(
  o: RunOptions,
  project: string,
  config: StackConfig,
  preview: boolean,
  d: Deployment,
  s: Services,
): Promise<ProgramOutcome> {
  installConfig(config.values, config.secretKeys);
  installMonitor({
    project,
    stack: o.stack ?? "dev",
    preview,
    onRegister: d.onRegister,
    onInvoke: (token, args) => invoke(s, token, args),
  });
  const rejections: unknown[] = [];
  const trap = (e: unknown) => rejections.push(e);
  process.on("unhandledRejection", trap);
  try {
    const exported = await runProgramOnce(o.program).catch((e) => {
      rejections.push(e);
      return {};
    });
    const values: Props = {};
    const secretKeys: string[] = [];
    for (const [k, v] of Object.entries(exported)) {
      const r = await resolveOutput(v).catch((e) => {
        rejections.push(e);
        return undefined;
      });
      if (!r) continue;
      values[k] = r.value;
      if (r.secret) secretKeys.push(k);
    }
    // A dependent registers only when its dependencies returned: the runner's own queue can be empty
    // for a moment while the SDK is about to send the next registration of a dependsOn chain.
    await programSettled();
    await d.drain();
    // Node reports unhandled rejections after the microtask queue drained: let it, while the trap is on,
    // so a failed registration's late rejection belongs to this run and not to the next one.
    await new Promise((r) => setImmediate(r));
    // Like the engine: only a program that ran to the end without errors may delete what it no
    // longer declares; otherwise resources it did not reach are kept.
    if (d.failures.length === 0 && rejections.length === 0) await d.deleteUnregistered();
    else d.keepUnregistered();
    return { values, secretKeys, ...(rejections.length > 0 ? { programError: rejections[0] } : {}) };
  } finally {
    process.off("unhandledRejection", trap);
    installConfig({}, []);
  }
}

async function invoke(s: Services, token: string, args: Props): Promise<Props> {
  if (token === "hcloud:index/getImage:getImage") return getImage(s.hcloud(), unwrapDeep(args) as Props);
  throw new Error(`the program runner does not support invoke ${token}`);
}

function countOps(ops: StepOp[]): Record<StepOp, number> {
  const counts: Record<StepOp, number> = { create: 0, update: 0, replace: 0, delete: 0, same: 0 };
  for (const op of ops) counts[op]++;
  return counts;
}
