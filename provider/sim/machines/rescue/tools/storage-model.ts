/**
 * The storage stack the rescue's stand-in tools see (md arrays, LVM volume groups, swaps), as the
 * simulator writes it into the namespace, and the /proc/mdstat and /proc/swaps texts of it.
 */
import * as fs from "fs";

/** The state file. */
export interface StorageView {
  arrays: {
    /** "md1". */
    name: string;
    /** Set UUID as mdadm prints it ("xxxxxxxx:xxxxxxxx:xxxxxxxx:xxxxxxxx"). */
    uuid: string;
    /** The superblock's name ("rescue:1"). */
    mdName: string;
    members: { name: string; slot: number }[];
    sizeBytes: number;
    /** Volume group whose PV is this array. */
    pv: string | null;
  }[];
  vgs: { name: string; pv: string; active: boolean; lvs: { name: string; sizeBytes: number }[] }[];
  /** Swap areas in use (kernel names). */
  swaps: { device: string; sizeBytes: number }[];
}

/** Where the simulator writes the state file inside the rescue namespace. */
export const STORAGE_FILE = "/usr/lib/rescue-sim/storage.json";

/** Reads the state file (an empty stack when there is none). */
export function readStorage(): StorageView {
  try {
    return JSON.parse(fs.readFileSync(process.env.RESCUE_SIM_STORAGE ?? STORAGE_FILE, "utf8")) as StorageView;
  } catch {
    return { arrays: [], vgs: [], swaps: [] };
  }
}

/** Device-mapper names of the active logical volumes, in activation order: dm-0, dm-1... */
export function activeLvs(v: StorageView): { vg: string; lv: string; dm: string; sizeBytes: number; pv: string }[] {
  const lvs = v.vgs.filter((g) => g.active).flatMap((g) => g.lvs.map((l) => ({ vg: g.name, pv: g.pv, l })));
  return lvs.map(({ vg, pv, l }, i) => ({ vg, pv, lv: l.name, dm: `dm-${i}`, sizeBytes: l.sizeBytes }));
}

/** /proc/mdstat as md.c prints it: newest array first, members in reverse order of their slots. */
export function mdstat(v: StorageView): string {
  const rows = [...v.arrays].reverse().map((a) => {
    const members = [...a.members]
      .sort((x, y) => y.slot - x.slot)
      .map((m) => `${m.name}[${m.slot}]`)
      .join(" ");
    const n = a.members.length;
    return `${a.name} : active raid1 ${members}\n      ${a.sizeBytes / 1024} blocks super 1.2 [${n}/${n}] [${"U".repeat(n)}]\n      \n`;
  });
  return `Personalities : [raid1] [raid0] [raid10] [raid6] [raid5] [raid4] \n${rows.join("")}unused devices: <none>\n`;
}

/** /proc/swaps as swapfile.c prints it (path padded to 40, usable KiB, priorities from -2 down). */
export function procSwaps(v: StorageView): string {
  const rows = v.swaps.map(
    (s, i) => `${`/dev/${s.device}`.padEnd(40)}partition\t${s.sizeBytes / 1024}\t\t0\t\t${-2 - i}\n`,
  );
  return `Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n${rows.join("")}`;
}
