/** Process plumbing of the talosctl wrapper: locating the binary, private temp dirs, spawning with a deadline. */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DeadlineError } from "../../internal/errors";
import { TalosctlNotFoundError } from "./errors";

/** Output of one talosctl run. */
export interface RunOutput {
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Finds talosctl: explicit path, then $TALOSCTL, then PATH; throws TalosctlNotFoundError naming all three. */
export function locateBinary(binary: string | undefined, env: NodeJS.ProcessEnv): string {
  if (binary) {
    const found = binary.includes(path.sep) ? binary : onPath(binary, env);
    if (isExecutable(found)) return path.resolve(found);
    throw new TalosctlNotFoundError(`the given path ${JSON.stringify(binary)} is not an executable file`);
  }
  if (env.TALOSCTL) {
    if (isExecutable(env.TALOSCTL)) return path.resolve(env.TALOSCTL);
    throw new TalosctlNotFoundError(`TALOSCTL=${JSON.stringify(env.TALOSCTL)} is not an executable file`);
  }
  for (const dir of (env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, "talosctl");
    if (isExecutable(candidate)) return candidate;
  }
  throw new TalosctlNotFoundError("not on PATH and TALOSCTL is not set");
}

/** A bare command name (`talosctl-1.13`) found on PATH, else the name unchanged (then tried as a relative path). */
function onPath(name: string, env: NodeJS.ProcessEnv): string {
  for (const dir of (env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return name;
}

/** Runs `fn` with a fresh private (0700) temp dir that is always removed afterwards. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "talosctl-"));
  fs.chmodSync(dir, 0o700);
  try {
    return await fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes a private (0600) file. */
export function writePrivate(file: string, content: string): string {
  fs.writeFileSync(file, content, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return file;
}

/** Spawns the binary, feeds `input`, collects output; kills it and throws DeadlineError after `timeoutMs`. */
export function spawnTalosctl(
  binary: string,
  args: string[],
  o: { env: NodeJS.ProcessEnv; timeoutMs: number; input?: string; label: string },
): Promise<RunOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { env: o.env, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new DeadlineError(`talosctl ${o.label}`, o.timeoutMs));
    }, o.timeoutMs);
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        exitCode: code,
      });
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(o.input ?? "");
  });
}
