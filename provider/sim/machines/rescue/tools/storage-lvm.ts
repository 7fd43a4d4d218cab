/**
 * The report commands of the LVM stand-in: `pvs`, `vgs`, `lvs` with `--noheadings`, `-o <fields>`
 * and device or VG/LV arguments, over the simulated storage stack. Volume groups exist while the array
 * holding their physical volume runs; `vgchange -an` only makes their logical volumes inactive.
 */
import { StorageView, activeLvs as ActiveLvs } from "./storage-model";

type Row = Record<string, string>;

const DEFAULTS: Record<string, string> = {
  pvs: "pv_name,vg_name,pv_fmt",
  vgs: "vg_name,pv_count,lv_count",
  lvs: "lv_name,vg_name,lv_attr,lv_size",
};
const HEADERS: Record<string, string> = {
  pv_name: "PV",
  vg_name: "VG",
  pv_fmt: "Fmt",
  pv_count: "#PV",
  lv_count: "#LV",
  lv_name: "LV",
  lv_attr: "Attr",
  lv_size: "LSize",
  lv_path: "Path",
  lv_dm_path: "DMPath",
  lv_active: "Active",
};

function rows(tool: string, v: StorageView, active: typeof ActiveLvs): Row[] {
  if (tool === "pvs") return v.vgs.map((g) => ({ pv_name: `/dev/${g.pv}`, vg_name: g.name, pv_fmt: "lvm2" }));
  if (tool === "vgs") return v.vgs.map((g) => ({ vg_name: g.name, pv_count: "1", lv_count: String(g.lvs.length) }));
  const on = active(v);
  return v.vgs.flatMap((g) =>
    g.lvs.map((l) => {
      const dm = on.find((x) => x.vg === g.name && x.lv === l.name);
      return {
        lv_name: l.name,
        vg_name: g.name,
        lv_attr: dm ? "-wi-a-----" : "-wi-------",
        lv_size: `${(l.sizeBytes / 2 ** 20).toFixed(2)}m`,
        lv_path: `/dev/${g.name}/${l.name}`,
        lv_dm_path: `/dev/mapper/${g.name}-${l.name}`,
        lv_active: dm ? "active" : "",
      };
    }),
  );
}

// An argument names a PV device (pvs), a VG, or an LV as vg/lv, /dev/vg/lv or /dev/mapper/vg-lv.
function matches(tool: string, r: Row, arg: string): boolean {
  if (tool === "pvs") return r.pv_name === arg;
  if (tool === "vgs") return r.vg_name === arg;
  return [r.vg_name, `${r.vg_name}/${r.lv_name}`, r.lv_path, r.lv_dm_path].includes(arg);
}

/** Prints the report like LVM does (two leading spaces, columns left-aligned). */
export function lvmReport(tool: string, argv: string[], v: StorageView, active: typeof ActiveLvs): void {
  let fields = DEFAULTS[tool].split(",");
  const args: string[] = [];
  let noHead = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--noheadings") noHead = true;
    else if (a === "-o" || a === "--options") fields = argv[++i].split(",");
    else if (a.startsWith("--options=")) fields = a.slice(10).split(",");
    else if (!a.startsWith("-")) args.push(a);
  }
  const all = rows(tool, v, active);
  const missing = args.filter((a) => !all.some((r) => matches(tool, r, a)));
  const picked = args.length ? all.filter((r) => args.some((a) => matches(tool, r, a))) : all;
  const table = [
    ...(noHead ? [] : [fields.map((f) => HEADERS[f] ?? f)]),
    ...picked.map((r) => fields.map((f) => r[f] ?? "")),
  ];
  const widths = fields.map((_f, i) => Math.max(...table.map((t) => t[i].length)));
  for (const t of table)
    process.stdout.write(
      `  ${t
        .map((c, i) => c.padEnd(widths[i]))
        .join(" ")
        .trimEnd()}\n`,
    );
  for (const a of missing) {
    const what =
      tool === "pvs"
        ? `Failed to find physical volume "${a}".`
        : tool === "vgs"
          ? `Volume group "${a}" not found`
          : `Failed to find logical volume "${a}"`;
    process.stderr.write(`  ${what}\n`);
    process.exitCode = 5;
  }
}
