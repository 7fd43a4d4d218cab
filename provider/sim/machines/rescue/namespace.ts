/**
 * One rescue boot's Linux namespaces (mount, UTS, PID — not network, so loopback services such as
 * the image factory stay reachable) and how commands enter them: `nsenter` into the namespaces and
 * root, then `setpriv` drops the capabilities that would reach host devices or the host kernel.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { DeadlineError } from "../../../internal/errors";
import { SETUP_SCRIPT } from "./setup-script";

/**
 * Capabilities no rescue process has. Without CAP_SYS_ADMIN nobody can mount a devtmpfs or remount
 * anything; without CAP_MKNOD nobody can create a node for a host disk; without CAP_SYS_PTRACE nobody
 * can borrow a privileged process; the rest would touch the host kernel, clock or network.
 */
export const DROPPED_CAPS = [
  "sys_admin",
  "mknod",
  "sys_ptrace",
  "sys_module",
  "sys_rawio",
  "sys_boot",
  "net_admin",
  "sys_time",
  "syslog",
  "mac_admin",
  "mac_override",
  "sys_pacct",
  "audit_control",
  "wake_alarm",
  "bpf",
  "perfmon",
];

/** A running namespace. */
export interface RescueNamespace {
  /** Host PID of the namespace's PID 1. */
  readonly pid: number;
  /** The namespace's root directory as seen from the host. */
  readonly root: string;
  /** Starts `argv` inside the namespace, unprivileged, in /root, with exactly `env`; its own process group. */
  spawn(argv: string[], env: Record<string, string>): ChildProcess;
  /** Kills every process of the namespace (its mounts go with them). */
  stop(): Promise<void>;
}

/** Options of `startNamespace`. */
export interface NamespaceOptions {
  /** Directory holding payload/ and ctl/; ns/ is created here. */
  bootDir: string;
  /** Size of the RAM disk the rescue's root writes go to, in bytes. */
  ramBytes: number;
  bootMode: "uefi" | "bios";
  /** How long the setup may take, in ms. @default 20000 */
  timeoutMs?: number;
}

/** Builds the namespace and waits until its setup reports ready. */
export async function startNamespace(o: NamespaceOptions): Promise<RescueNamespace> {
  fs.mkdirSync(path.join(o.bootDir, "ns"), { recursive: true });
  const script = path.join(o.bootDir, "setup.sh");
  fs.writeFileSync(script, SETUP_SCRIPT);
  const drop = DROPPED_CAPS.map((c) => `-${c}`).join(",");
  const args = [
    "--mount",
    "--uts",
    "--pid",
    "--fork",
    "--mount-proc",
    "--propagation",
    "private",
    "bash",
    script,
    o.bootDir,
    String(o.ramBytes),
    o.bootMode,
    process.execPath,
    drop,
  ];
  const unshare = spawn("unshare", args, { stdio: ["ignore", "pipe", "pipe"] });
  await waitReady(unshare, o.timeoutMs ?? 20_000);
  const pid = initPid(unshare.pid!);
  return {
    pid,
    root: `/proc/${pid}/root`,
    spawn: (argv, env) =>
      spawn(
        "nsenter",
        ["-t", String(pid), "-m", "-u", "-p", "-r", "-w", "--", "setpriv", `--bounding-set=${drop}`, "--", ...argv],
        {
          env,
          stdio: "pipe",
          detached: true,
        },
      ),
    stop: () => stopNamespace(unshare, pid),
  };
}

function waitReady(child: ChildProcess, timeoutMs: number): Promise<void> {
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new DeadlineError("the rescue namespace setup", timeoutMs));
    }, timeoutMs);
    let out = "";
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      if (out.includes("ready\n")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`rescue namespace setup failed (unshare exited with ${code ?? signal}): ${stderr.trim()}`));
    });
  });
}

// unshare --fork makes PID 1 of the new namespace its only child.
function initPid(unsharePid: number): number {
  const children = fs.readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, "utf8").trim().split(/\s+/);
  if (children.length !== 1 || !children[0])
    throw new Error(`rescue namespace: expected one child of unshare ${unsharePid}, found "${children.join(" ")}"`);
  return Number(children[0]);
}

async function stopNamespace(unshare: ChildProcess, pid: number): Promise<void> {
  if (unshare.exitCode !== null || unshare.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => unshare.once("exit", () => resolve()));
  // SIGKILL to a PID namespace's init kills every process in it.
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    unshare.kill("SIGKILL");
  }
  await exited;
}
