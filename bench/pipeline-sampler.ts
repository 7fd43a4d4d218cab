/**
 * Samples /proc every 20 ms for the RSS of image pipelines (curl, the decompressor, tee, the hash and
 * dd) whose curl downloads from a host, grouped by process group: one group is one pipeline.
 */
import * as fs from "fs";

const PIPELINE = new Set(["curl", "zstd", "xz", "tee", "sha256sum", "openssl", "dd"]);

/** Every 20 ms, the RSS of the install pipelines whose curl downloads from `host`, grouped by process group (one pipeline each). */
export class PipelineSampler {
  samples = 0;
  private peakGroup = 0;
  private peakAll = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly host: string) {}

  start(): void {
    this.timer = setInterval(() => this.sample(), 20);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  peakPipelineMiB(): number {
    return this.peakGroup / 1024;
  }

  peakTotalMiB(): number {
    return this.peakAll / 1024;
  }

  private sample(): void {
    const procs = fs
      .readdirSync("/proc")
      .filter((d) => /^\d+$/.test(d))
      .map(readProc)
      .filter((p): p is Proc => p !== null && PIPELINE.has(p.comm));
    const ours = new Set(procs.filter((p) => p.comm === "curl" && p.cmdline.includes(this.host)).map((p) => p.pgrp));
    const byGroup = new Map<number, number>();
    for (const p of procs) if (ours.has(p.pgrp)) byGroup.set(p.pgrp, (byGroup.get(p.pgrp) ?? 0) + p.rssKiB);
    if (byGroup.size === 0) return;
    this.samples++;
    this.peakGroup = Math.max(this.peakGroup, ...byGroup.values());
    this.peakAll = Math.max(
      this.peakAll,
      [...byGroup.values()].reduce((a, b) => a + b, 0),
    );
  }
}

interface Proc {
  comm: string;
  pgrp: number;
  rssKiB: number;
  cmdline: string;
}

/** One process from /proc, or null when it exited while being read. */
function readProc(pid: string): Proc | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const pgrp = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
    const rss = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return {
      comm,
      pgrp,
      rssKiB: rss ? Number(rss[1]) : 0,
      cmdline: fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " "),
    };
  } catch {
    return null;
  }
}
