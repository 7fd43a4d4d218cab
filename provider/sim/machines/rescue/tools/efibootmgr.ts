/**
 * Stand-in for `efibootmgr` 18 (Debian bookworm) in the simulated rescue system: prints the machine's
 * UEFI boot variables and deletes entries, sets BootOrder and BootNext, through the control socket
 * (the machine owns the variables; they outlive the rescue boot). Only what boot-order scripts use:
 * `-v`, `-q`, `-b XXXX -B`, `-o XXXX,…`, `-n XXXX`, `-N`.
 */
import * as fs from "fs";
import { getopt } from "./getopt";
import { control, die, readHardware } from "./hardware";

/** The variables as the machine sends them (provider/sim/machine/efi.ts EfiNvram). */
export interface EfiView {
  entries: {
    id: string;
    description: string;
    target: { kind: "pxe"; ip: 4 | 6 } | { kind: "disk"; disk: number; file: string };
  }[];
  bootOrder: string[];
  bootNext: string | null;
  bootCurrent: string | null;
}

/** efibootmgr's listing; `verbose` adds each entry's device path. */
export function formatEfi(v: EfiView, verbose: boolean, mac = "a8a1590c3d4e"): string {
  const lines = [
    ...(v.bootCurrent ? [`BootCurrent: ${v.bootCurrent}`] : []),
    ...(v.bootNext ? [`BootNext: ${v.bootNext}`] : []),
    "Timeout: 1 seconds",
    `BootOrder: ${v.bootOrder.join(",")}`,
    ...v.entries.map((e) => `Boot${e.id}* ${e.description}${verbose ? `\t${devicePath(e.target, mac)}` : ""}`),
  ];
  return lines.join("\n") + "\n";
}

function devicePath(t: EfiView["entries"][number]["target"], mac: string): string {
  const nic = `PciRoot(0x0)/Pci(0x1c,0x0)/Pci(0x0,0x0)/MAC(${mac},0)`;
  if (t.kind === "pxe")
    return t.ip === 4 ? `${nic}/IPv4(0.0.0.0,0,DHCP,0.0.0.0,0.0.0.0,0.0.0.0)` : `${nic}/IPv6([::]:<->[::]:,0,0)`;
  const guid = `${(0x1f2e3d4c + t.disk).toString(16)}-5b6a-4798-a0b1-c2d3e4f5a6b7`;
  return `HD(1,GPT,${guid},0x800,0x100000)/File(${t.file})`;
}

/** The change a command line asks for, in the order efibootmgr applies them, or null for a listing. */
export function requestedChanges(opts: Map<string, string[]>): [op: string, arg: string][] {
  const bootnum = opts.get("bootnum")?.pop();
  const changes: [string, string][] = [];
  if (opts.has("delete")) {
    if (bootnum === undefined) die("efibootmgr", "You must specify a boot entry to delete (see the -b option).");
    changes.push(["delete", bootnum]);
  }
  const order = opts.get("order")?.pop();
  if (order !== undefined) changes.push(["order", order]);
  const next = opts.get("next")?.pop();
  if (next !== undefined) changes.push(["next", next]);
  if (opts.has("deleteNext")) changes.push(["delete-next", ""]);
  return changes;
}

async function efiCall(op: string, arg = ""): Promise<EfiView> {
  const res = await control(`/efi?op=${op}&arg=${encodeURIComponent(arg)}`).catch((e: Error) =>
    die("efibootmgr", `failed to talk to the machine: ${e.message}`),
  );
  if (res.status !== 200) die("efibootmgr", res.body.trim());
  return JSON.parse(res.body) as EfiView;
}

/** Runs efibootmgr with `argv`. */
export async function main(argv: string[]): Promise<void> {
  const { opts } = getopt("efibootmgr", argv, [
    { key: "verbose", short: "v", long: "verbose" },
    { key: "quiet", short: "q", long: "quiet" },
    { key: "bootnum", short: "b", long: "bootnum", arg: true },
    { key: "delete", short: "B", long: "delete-bootnum" },
    { key: "order", short: "o", long: "bootorder", arg: true },
    { key: "next", short: "n", long: "bootnext", arg: true },
    { key: "deleteNext", short: "N", long: "delete-bootnext" },
  ]);
  // Legacy BIOS (and a rescue kernel without efivarfs) has no variables: efibootmgr exits 2 with this text.
  if (!fs.existsSync("/sys/firmware/efi")) die("efibootmgr", "EFI variables are not supported on this system.", 2);
  let view = await efiCall("get");
  if (!view) die("efibootmgr", "EFI variables are not supported on this system.", 2);
  for (const [op, arg] of requestedChanges(opts)) view = await efiCall(op, arg);
  const mac = readHardware().nics[0]?.mac.replace(/:/g, "").toLowerCase();
  if (!opts.has("quiet")) process.stdout.write(formatEfi(view, opts.has("verbose"), mac));
}

if (require.main === module) void main(process.argv.slice(2));
