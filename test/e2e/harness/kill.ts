/**
 * Kills a running `pulumi` CLI the hard way (SIGKILL, as when a laptop sleeps for good or a CI runner
 * is cancelled): the CLI and every process below it — the dynamic-provider plugin's shell shim, the
 * `node` host it starts (the shim does not `exec`) and whatever the host runs — at once, so nothing
 * gets to clean up or finish an operation.
 */
import * as fs from "fs";

/** pid → parent pid of every process visible in /proc. */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // stat is `pid (comm) state ppid …`; comm may hold spaces or parentheses, so split after the last ")".
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      map.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // The process ended between readdir and read.
    }
  }
  return map;
}

/** `root` and all its descendants. */
function tree(root: number, ppids: Map<number, number>): number[] {
  const out = [root];
  for (let i = 0; i < out.length; i++)
    for (const [pid, ppid] of ppids) if (ppid === out[i] && !out.includes(pid)) out.push(pid);
  return out;
}

/** Children of this process that run the binary `exe` (an absolute path). */
export function childrenRunning(exe: string): number[] {
  const mine = [...parents()].filter(([, ppid]) => ppid === process.pid).map(([pid]) => pid);
  return mine.filter((pid) => {
    try {
      return fs.readlinkSync(`/proc/${pid}/exe`) === exe;
    } catch {
      return false;
    }
  });
}

/**
 * SIGKILLs each child of this process running `exe` together with its descendants; returns the
 * command names killed (e.g. `pulumi`, `sh`, `node`), sorted. Throws when no such child runs.
 */
export function killTree(exe: string): string[] {
  const roots = childrenRunning(exe);
  if (roots.length === 0) throw new Error(`no child process runs ${exe}`);
  const ppids = parents();
  const pids = roots.flatMap((r) => tree(r, ppids));
  const names = pids.map((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim();
    } catch {
      return "?";
    }
  });
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  return names.sort();
}
