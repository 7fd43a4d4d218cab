/** Entry point of the `talosctl` stand-in (provider/sim/bin/talosctl). */
import { clientVersion } from "../versions";
import { Io, runMain } from "./command";
import { delegated } from "./delegate";
import { rootCommand } from "./root";

/** Runs talosctl with `argv` (without node and script) and returns the exit code. */
export async function talosctlMain(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
  io?: Io,
): Promise<number> {
  const client = clientVersion(env);
  const out = io ?? {
    out: (t: string) => void process.stdout.write(t),
    err: (t: string) => void process.stderr.write(t),
  };
  const real = delegated(argv, env, cwd, out);
  if (real !== undefined) return real;
  return runMain(rootCommand(client), argv, { io: out, client, env, cwd });
}

if (require.main === module) {
  talosctlMain(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`${(e as Error).stack}\n`);
      process.exitCode = 1;
    },
  );
}
