/**
 * Whether this machine can run simulated rescue systems: root, loop devices, the util-linux tools and
 * Linux mount/UTS/PID namespaces with an overlay root. Tests skip with the reason, or fail in CI.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const TOOLS = ["unshare", "nsenter", "setpriv", "pivot_root", "losetup", "blockdev", "partx", "blkid", "mknod", "bash"];
let cached: string | null | undefined;

/** Null when rescue systems can run here, else why not (checked once per process). */
export function rescueUnsupportedReason(): string | null {
  return cached === undefined ? (cached = probe()) : cached;
}

/** For test suites: the reason to skip, or null; in CI (`CI` set) an unsupported machine is an error instead. */
export function rescueSkipReason(): string | null {
  const reason = rescueUnsupportedReason();
  if (reason && process.env.CI) throw new Error(`simulated rescue systems cannot run on this CI machine: ${reason}`);
  return reason;
}

function probe(): string | null {
  if (process.platform !== "linux") return `rescue systems need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return "rescue systems need root (loop devices, namespaces, mknod)";
  if (!fs.existsSync("/dev/loop-control")) return "no /dev/loop-control: loop devices are unavailable (modprobe loop?)";
  const missing = TOOLS.filter((t) => !onPath(t));
  if (missing.length) return `missing tools: ${missing.join(", ")} (Debian packages util-linux, mount, bash)`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rescue-probe-"));
  try {
    const script =
      'mount -t tmpfs t "$1" && mkdir "$1/u" "$1/w" "$1/r" && mount -t overlay o -o "lowerdir=/,upperdir=$1/u,workdir=$1/w" "$1/r"';
    execFileSync(
      "unshare",
      ["--mount", "--uts", "--pid", "--fork", "--propagation", "private", "sh", "-c", script, "probe", dir],
      { stdio: "pipe" },
    );
    return null;
  } catch (e) {
    return `cannot create mount/UTS/PID namespaces with an overlay root: ${String((e as { stderr?: Buffer }).stderr ?? (e as Error).message).trim()}`;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function onPath(tool: string): boolean {
  return (process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin").split(":").some((d) => fs.existsSync(`${d}/${tool}`));
}
