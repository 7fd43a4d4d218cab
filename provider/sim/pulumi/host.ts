/**
 * Spawns the real dynamic-provider host shipped in `@pulumi/pulumi` (the process the engine starts
 * as plugin `pulumi-resource-pulumi-nodejs`) and connects a gRPC client to it (contract §4).
 */
import { ChildProcess, spawn } from "child_process";
import * as readline from "readline";
import { TalosHetznerError } from "../../internal/errors";
import { hostNodePath } from "./host-link";
import { pulumiDependency, pulumiFile } from "./pulumi-internals";

/** Options of `startHost`. */
export interface HostOptions {
  /** The program directory; the host resolves `require(...)` in provider code from here. */
  cwd: string;
  /** Project name for `Config.get` of unqualified keys. @default "project" */
  project?: string;
  /** Extra environment for the host process. */
  env?: NodeJS.ProcessEnv;
  /** Receives every line the host prints after its port (provider logs land here). */
  onOutput?: (line: string, stream: "stdout" | "stderr") => void;
  /** How long to wait for the port line, in ms. @default 30000 */
  startTimeoutMs?: number;
}

/** A running host: its gRPC client (untyped generated stub), modules and a stop function. */
export interface RunningHost {
  client: any;
  grpc: typeof import("@grpc/grpc-js");
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** The `@grpc/grpc-js` copy that `@pulumi/pulumi` itself resolves (its generated stubs need that one). */
export function pulumiGrpc(): typeof import("@grpc/grpc-js") {
  return pulumiDependency("@grpc/grpc-js");
}

/** Starts the host, waits for its port and connects. */
export async function startHost(o: HostOptions): Promise<RunningHost> {
  const project = o.project ?? "project";
  const child = spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/dynamic-provider"), "127.0.0.1:0"], {
    cwd: o.cwd,
    env: {
      ...process.env,
      ...o.env,
      PULUMI_NODEJS_PROJECT: project,
      PULUMI_PROJECT: project,
      NODE_PATH: hostNodePath(o.env?.NODE_PATH ?? process.env.NODE_PATH),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const port = await readPort(child, o);
  const grpc = pulumiGrpc();
  const services = pulumiFile("proto/provider_grpc_pb.js");
  const client = new services.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return { client, grpc, port, process: child, stop: () => stopHost(child, client) };
}

function readPort(child: ChildProcess, o: HostOptions): Promise<number> {
  const stderrTail: string[] = [];
  readline.createInterface({ input: child.stderr! }).on("line", (line) => {
    stderrTail.push(line);
    if (stderrTail.length > 20) stderrTail.shift();
    o.onOutput?.(line, "stderr");
  });
  return new Promise<number>((resolve, reject) => {
    let port: number | undefined;
    const fail = (why: string) =>
      reject(new TalosHetznerError(`dynamic-provider host ${why}; stderr: ${stderrTail.join(" | ")}`));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(`printed no port within ${o.startTimeoutMs ?? 30000} ms`);
    }, o.startTimeoutMs ?? 30000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (port === undefined) fail(`exited with code ${code} before printing its port`);
    });
    readline.createInterface({ input: child.stdout! }).on("line", (line) => {
      if (port !== undefined) return o.onOutput?.(line, "stdout");
      port = Number(line.trim());
      clearTimeout(timer);
      if (Number.isInteger(port) && port > 0) resolve(port);
      else fail(`printed "${line}" instead of a port`);
    });
  });
}

// The host never exits on its own (contract §4): close the channel, then kill the child.
async function stopHost(child: ChildProcess, client: { close(): void }): Promise<void> {
  client.close();
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
