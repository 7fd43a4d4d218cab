/**
 * SSH sessions of a simulated rescue system: `exec` runs the command with the login shell (`/bin/sh
 * -c`, dash on Debian, as contracts/hetzner-robot.md §2 notes for the real rescue), `shell` runs an
 * interactive-less bash on the channel. Output is streamed, stdin piped, and the exit status or
 * signal passed back; a closed channel kills the command's process group.
 */
import { ChildProcess } from "child_process";
import { ServerChannel, Session } from "ssh2";
import { RescueNamespace } from "./namespace";

/** The environment a rescue login gets (nothing from the simulator's own environment; Debian's root PATH). */
export const RESCUE_ENV: Record<string, string> = {
  PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  HOME: "/root",
  USER: "root",
  LOGNAME: "root",
  SHELL: "/bin/bash",
  LANG: "C.UTF-8",
};

/** What sessions need from the rescue system. */
export interface SessionHooks {
  ns: RescueNamespace;
  /** Runs before every command (refreshes /dev). */
  beforeExec(): Promise<void>;
  /** Every running command, so the system can kill them when it goes down. */
  running: Set<ChildProcess>;
  /** "ip port" of the client, for SSH_CLIENT. */
  client: string;
}

/** Serves one SSH session channel request. */
export function serveSession(session: Session, h: SessionHooks): void {
  const env: Record<string, string> = { ...RESCUE_ENV, SSH_CLIENT: h.client };
  let child: ChildProcess | null = null;
  session.on("pty", (accept) => accept?.());
  session.on("env", (accept, _reject, info) => {
    if (/^(LANG|LC_[A-Z]+|TERM)$/.test(info.key)) env[info.key] = info.val;
    accept?.();
  });
  session.on("signal", (accept, _reject, info) => {
    if (child?.pid) killGroup(child, `SIG${info.name}` as NodeJS.Signals);
    accept?.();
  });
  const start = (channel: ServerChannel, argv: string[]) => {
    h.beforeExec().then(
      () => (child = run(channel, argv, env, h)),
      (e: Error) => fail(channel, `rescue simulator: ${e.message}`),
    );
  };
  session.on("exec", (accept, _reject, info) => start(accept(), ["/bin/sh", "-c", info.command]));
  session.on("shell", (accept) => start(accept(), ["/bin/bash"]));
}

function run(channel: ServerChannel, argv: string[], env: Record<string, string>, h: SessionHooks): ChildProcess {
  const child = h.ns.spawn(argv, env);
  h.running.add(child);
  child.stdin!.on("error", () => undefined); // the command may exit before reading all its input
  channel.pipe(child.stdin!);
  child.stdout!.pipe(channel, { end: false });
  child.stderr!.pipe(channel.stderr, { end: false });
  child.on("close", (code, signal) => {
    h.running.delete(child);
    if (signal) channel.exit(signal.replace(/^SIG/, ""), false, "");
    else channel.exit(code ?? 255);
    channel.end();
  });
  child.on("error", (e) => fail(channel, `rescue simulator: ${e.message}`));
  channel.on("close", () => killGroup(child, "SIGKILL"));
  return child;
}

/** Kills a command and everything it started (it runs in its own process group). */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function fail(channel: ServerChannel, message: string): void {
  channel.stderr.write(message + "\n");
  channel.exit(255);
  channel.end();
}
