/**
 * Stand-in for util-linux 2.38 `lsblk` in the simulated rescue system: the machine's disks (model,
 * serial, WWN, size... from the hardware file) and the partitions the kernel currently knows.
 */
import * as path from "path";
import { getopt, OptSpec } from "./getopt";
import { die, readHardware } from "./hardware";
import { COLUMNS, Column } from "./lsblk-columns";
import { BlockDev, devNumbers, listDevices } from "./lsblk-devices";
import { OutputOptions, render } from "./lsblk-output";

const flag = (key: string, short: string, long: string): OptSpec => ({ key, short, long });
const withArg = (key: string, short: string, long: string): OptSpec => ({ key, short, long, arg: true });
const SPECS: OptSpec[] = [
  flag("all", "a", "all"),
  flag("bytes", "b", "bytes"),
  flag("nodeps", "d", "nodeps"),
  flag("discard", "D", "discard"),
  withArg("exclude", "e", "exclude"),
  flag("fs", "f", "fs"),
  flag("ascii", "i", "ascii"),
  withArg("include", "I", "include"),
  flag("json", "J", "json"),
  flag("list", "l", "list"),
  flag("perms", "m", "perms"),
  flag("noheadings", "n", "noheadings"),
  withArg("output", "o", "output"),
  flag("outputall", "O", "output-all"),
  flag("paths", "p", "paths"),
  flag("pairs", "P", "pairs"),
  flag("raw", "r", "raw"),
  flag("scsi", "S", "scsi"),
  flag("topology", "t", "topology"),
  withArg("sort", "x", "sort"),
  flag("tree", "T", "tree"),
  withArg("width", "w", "width"),
  flag("merge", "M", "merge"),
  flag("noempty", "A", "noempty"),
  flag("help", "h", "help"),
  flag("version", "V", "version"),
];

const PRESETS: Record<string, string> = {
  default: "NAME,MAJ:MIN,RM,SIZE,RO,TYPE,MOUNTPOINTS",
  fs: "NAME,FSTYPE,FSVER,LABEL,UUID,FSAVAIL,FSUSE%,MOUNTPOINTS",
  perms: "NAME,SIZE,OWNER,GROUP,MODE",
  discard: "NAME,DISC-ALN,DISC-GRAN,DISC-MAX,DISC-ZERO",
  topology: "NAME,ALIGNMENT,MIN-IO,OPT-IO,PHY-SEC,LOG-SEC,ROTA,SCHED,RQ-SIZE,RA,WSAME",
  scsi: "NAME,HCTL,TYPE,VENDOR,MODEL,REV,SERIAL,TRAN",
};

/** Runs lsblk with `argv`; writes to stdout and exits like the real tool (32/64 for missing devices). */
export function main(argv: string[]): void {
  const { opts, args } = getopt("lsblk", argv, SPECS);
  const has = (k: string) => opts.has(k);
  if (has("version")) return void process.stdout.write("lsblk from util-linux 2.38.1\n");
  if (has("help")) return void process.stdout.write("Usage:\n lsblk [options] [<device> ...]\n");
  const cols = pickColumns(opts.get("output") ?? [], has("outputall") ? "all" : presetName(has));
  let devs = listDevices(readHardware());
  if (has("scsi")) devs = devs.filter((d) => d.disk.hctl !== null);
  const { selected, missing } = args.length ? select(devs, args) : { selected: devs, missing: 0 };
  if (has("nodeps") || has("scsi")) selected.forEach((d) => (d.children = []));
  const sortKey = opts.get("sort")?.pop();
  const flat = has("list") || has("pairs") || has("raw");
  const o = outputOptions(has, !!sortKey || flat);
  const tops = sortKey
    ? sortDevs(flatten(selected), column(sortKey), o)
    : flat && o.mode === "json"
      ? flatten(selected)
      : selected;
  process.stdout.write(render(tops, cols, o));
  if (missing) process.exitCode = missing === args.length ? 32 : 64;
}

function presetName(has: (k: string) => boolean): string {
  return ["fs", "perms", "discard", "topology", "scsi"].find(has) ?? "default";
}

function pickColumns(outputs: string[], preset: string): Column[] {
  const names = preset === "all" ? COLUMNS.map((c) => c.name) : PRESETS[preset].split(",");
  const chosen = outputs.length && !outputs[0].startsWith("+") ? [] : names;
  const extra = outputs.flatMap((s) => s.replace(/^\+/, "").split(",")).filter((s) => s !== "");
  return [...chosen, ...extra].map(column);
}

function column(name: string): Column {
  const up = name.toUpperCase();
  return (
    COLUMNS.find((c) => c.name === up || c.name.replace(/[:\-%]/g, "_") === up) ??
    die("lsblk", `unknown column: ${name}`)
  );
}

function outputOptions(has: (k: string) => boolean, list: boolean): OutputOptions {
  const mode = has("json") ? "json" : has("pairs") ? "pairs" : has("raw") ? "raw" : list ? "list" : "tree";
  const utf8 = /utf-?8/i.test(process.env.LC_ALL || process.env.LC_CTYPE || process.env.LANG || "");
  const parsable = mode === "json" || mode === "pairs" || mode === "raw";
  return {
    mode,
    headings: !has("noheadings"),
    ascii: has("ascii") || !utf8,
    bytes: has("bytes"),
    paths: has("paths"),
    parsable,
    termWidth: Number(process.env.COLUMNS) || 80,
  };
}

// Devices named on the command line (through symlinks like /dev/disk/by-id/...) are matched by number.
function select(devs: BlockDev[], args: string[]): { selected: BlockDev[]; missing: number } {
  const all = [...devs, ...devs.flatMap((d) => d.children)];
  const selected: BlockDev[] = [];
  let missing = 0;
  for (const a of args) {
    const n = devNumbers(a);
    const d = n && all.find((x) => x.major === n.major && x.minor === n.minor);
    if (d) selected.push(d);
    else {
      process.stderr.write(`lsblk: ${path.normalize(a)}: not a block device\n`);
      missing++;
    }
  }
  return { selected, missing };
}

function flatten(devs: BlockDev[]): BlockDev[] {
  return devs.flatMap((d) => [{ ...d, children: [] }, ...flatten(d.children)]);
}

function sortDevs(devs: BlockDev[], c: Column, o: OutputOptions): BlockDev[] {
  const key = (d: BlockDev) => (c.kind === "size" ? d.sizeBytes : String(c.value(d, o) ?? ""));
  return [...devs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

if (require.main === module) main(process.argv.slice(2));
