/**
 * Stand-ins for the storage tools of the rescue system that must see the simulated kernel's stack:
 * `mdadm` (--stop, --assemble --scan, --detail --scan; everything else, such as --examine and
 * --zero-superblock, goes to the real mdadm, which reads and writes the member devices itself),
 * `swapon`/`swapoff`, and LVM's `vgchange`, `vgs`, `lvs`, `pvs` (also as `lvm <command>`). Messages
 * and exit codes follow mdadm 4.2, util-linux 2.38 and LVM 2.03 (Debian bookworm).
 */
import { spawnSync } from "child_process";
import { REAL_DIR, control, die } from "./hardware";
import { activeLvs, readStorage } from "./storage-model";
import { lvmReport } from "./storage-lvm";

const kernelName = (dev: string) => dev.replace(/^\/dev\/(md\/)?/, "").replace(/^(\d+)$/, "md$1");

async function change(op: string, arg: string): Promise<{ ok: boolean; text: string }> {
  const res = await control(`/storage?op=${op}&arg=${encodeURIComponent(arg)}`);
  return { ok: res.status === 200, text: res.body };
}

async function mdadm(argv: string[]): Promise<void> {
  const devs = argv.filter((a) => a.startsWith("/dev/"));
  if (argv.some((a) => a === "--stop" || a === "-S")) {
    for (const d of devs) {
      const r = await change("stop", kernelName(d));
      process.stderr.write(r.ok ? `mdadm: stopped ${d}\n` : `mdadm: ${r.text}\n`);
      if (!r.ok) process.exitCode = 1;
    }
    return;
  }
  if (argv.some((a) => a === "--assemble" || a === "-A") && argv.some((a) => a === "--scan" || a === "-s")) {
    const r = await change("assemble", "");
    const started = r.text.split(" ").filter(Boolean);
    if (!started.length) return die("mdadm", "No arrays found in config file or automatically", 1);
    const v = readStorage();
    for (const name of started) {
      const n = v.arrays.find((a) => a.name === name)?.members.length ?? 0;
      process.stderr.write(`mdadm: /dev/md/${name.slice(2)} has been started with ${n} drives.\n`);
    }
    return;
  }
  if (argv.some((a) => a === "--detail" || a === "-D") && argv.some((a) => a === "--scan" || a === "-s")) {
    for (const a of readStorage().arrays)
      process.stdout.write(`ARRAY /dev/md/${a.mdName.split(":").pop()} metadata=1.2 name=${a.mdName} UUID=${a.uuid}\n`);
    return;
  }
  const res = spawnSync(`${REAL_DIR}/mdadm`, argv, { stdio: "inherit" });
  if (res.error) die("mdadm", "not available in the simulated rescue system", 127);
  process.exitCode = res.status ?? 1;
}

function swapon(argv: string[]): Promise<void> | void {
  const devs = argv.filter((a) => a.startsWith("/"));
  if (!devs.length) {
    // --show / -s / no arguments: list what is in use (-a finds nothing: the rescue has no fstab entries).
    if (argv.includes("-a") || argv.includes("--all")) return;
    const swaps = readStorage().swaps;
    const table = argv.includes("-s") || argv.includes("--summary");
    const head = argv.includes("--noheadings")
      ? ""
      : table
        ? "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
        : "NAME           TYPE      SIZE USED PRIO\n";
    process.stdout.write(swaps.length ? head : "");
    swaps.forEach((s, i) => process.stdout.write(`/dev/${s.device} partition ${s.sizeBytes / 1024}K 0B ${-2 - i}\n`));
    return;
  }
  return each(devs, "swapon");
}

// util-linux 2.38 swapon/swapoff exit with -1 (255) when a device fails.
async function each(devs: string[], op: string): Promise<void> {
  for (const d of devs) {
    const r = await change(op, kernelName(d));
    if (!r.ok) {
      process.stderr.write(`${op}: ${r.text}\n`);
      process.exitCode = 255;
    }
  }
}

async function swapoff(argv: string[]): Promise<void> {
  const all = argv.includes("-a") || argv.includes("--all");
  const devs = all ? readStorage().swaps.map((s) => `/dev/${s.device}`) : argv.filter((a) => a.startsWith("/"));
  return each(devs, "swapoff");
}

async function vgchange(argv: string[]): Promise<void> {
  const joined = argv.join(" ");
  const m = /(?:^|\s)(?:-a|--activate)\s*=?\s*([yn])|(?:^|\s)-a([yn])\b/.exec(joined);
  if (!m) return die("vgchange", "  Need one or more command options.", 3);
  const on = (m[1] ?? m[2]) === "y";
  const names = argv.filter((a) => !a.startsWith("-") && !/^[yn]$/.test(a));
  const vgs = names.length ? names : readStorage().vgs.map((g) => g.name);
  for (const vg of vgs) {
    const r = await change(on ? "vg-on" : "vg-off", vg);
    if (r.ok) process.stdout.write(`  ${r.text} logical volume(s) in volume group "${vg}" now active\n`);
    else {
      process.stderr.write(`  Volume group "${vg}" not found\n  Cannot process volume group ${vg}\n`);
      process.exitCode = 5;
    }
  }
}

/** Runs the stand-in `tool` with `argv`. */
export async function main(tool: string, argv: string[]): Promise<void> {
  if (tool === "lvm") return main(argv[0] ?? "", argv.slice(1));
  if (tool === "mdadm") return mdadm(argv);
  if (tool === "swapon") return swapon(argv);
  if (tool === "swapoff") return swapoff(argv);
  if (tool === "vgchange") return vgchange(argv);
  if (tool === "vgs" || tool === "lvs" || tool === "pvs") return lvmReport(tool, argv, readStorage(), activeLvs);
  die(tool, "not available in the simulated rescue system", 127);
}

if (require.main === module) void main(process.argv[2], process.argv.slice(3));
