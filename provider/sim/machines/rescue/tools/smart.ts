/**
 * Stand-ins for `smartctl` (smartmontools 7.3) and `nvme` (nvme-cli 2.4) in the simulated rescue: they
 * answer for the machine's disks from the hardware file, as the real tools cannot on loop devices.
 * smartctl: `--scan`, `-i`, `-H`, `-a` (information and health); nvme: `list` (table or `-o json`).
 * Every simulated disk is healthy; firmware revisions are not modelled (left empty).
 */
import { HwDisk, die, readHardware } from "./hardware";

const BANNER =
  "smartctl 7.3 2022-02-28 r5338 [x86_64-linux-6.1.0] (local build)\nCopyright (C) 2002-22, Bruce Allen, Christian Franke, www.smartmontools.org\n\n";

const thousands = (n: number) => n.toLocaleString("en-US");
const decimalSize = (n: number) => {
  const units = ["B", "kB", "MB", "GB", "TB", "PB"];
  let i = 0;
  let v = n;
  for (; v >= 1000 && i < units.length - 1; i++) v /= 1000;
  return `${v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)} ${units[i]}`;
};

function info(d: HwDisk): string {
  const cap = `${thousands(d.sizeBytes)} bytes [${decimalSize(d.sizeBytes)}]`;
  if (d.transport === "nvme")
    return `=== START OF INFORMATION SECTION ===\nModel Number:                       ${d.model}\nSerial Number:                      ${d.serial}\nTotal NVM Capacity:                 ${cap}\nNamespace 1 Size/Capacity:          ${cap}\n\n`;
  const wwn = d.wwn?.replace(/^0x/, "");
  const rows = [
    ["Device Model:", d.model],
    ["Serial Number:", d.serial],
    ...(wwn ? [["LU WWN Device Id:", `${wwn[0]} ${wwn.slice(1, 7)} ${wwn.slice(7)}`]] : []),
    ["User Capacity:", cap],
    ["Rotation Rate:", d.rotational ? "7200 rpm" : "Solid State Device"],
    ["SMART support is:", "Available - device has SMART capability."],
    ["SMART support is:", "Enabled"],
  ];
  return `=== START OF INFORMATION SECTION ===\n${rows.map(([k, v]) => `${k.padEnd(18)}${v}\n`).join("")}\n`;
}

const HEALTH = "=== START OF SMART DATA SECTION ===\nSMART overall-health self-assessment test result: PASSED\n\n";

function smartctl(argv: string[]): void {
  const hw = readHardware();
  if (argv.includes("--scan") || argv.includes("--scan-open")) {
    for (const d of hw.disks) {
      const nvme = d.transport === "nvme";
      const dev = nvme ? `/dev/${d.name.replace(/n\d+$/, "")}` : `/dev/${d.name}`;
      process.stdout.write(`${dev} -d ${nvme ? "nvme" : "scsi"} # ${dev}, ${nvme ? "NVMe" : "SCSI"} device\n`);
    }
    return;
  }
  const devArg = argv.find((a) => a.startsWith("/dev/"));
  if (!devArg) die("smartctl", "ERROR: smartctl requires a device name as the final command-line argument.", 1);
  const name = devArg.replace(/^\/dev\//, "");
  const d = hw.disks.find((x) => x.name === name || x.name === `${name}n1`);
  if (!d) {
    process.stdout.write(`${BANNER}Smartctl open device: ${devArg} failed: No such device\n`);
    process.exitCode = 2;
    return;
  }
  const all = argv.some((a) => a === "-a" || a === "--all" || a === "-x" || a === "--xall");
  const want = (s: string, l: string) => all || argv.some((a) => a === s || a === l);
  process.stdout.write(BANNER + (want("-i", "--info") ? info(d) : "") + (want("-H", "--health") ? HEALTH : ""));
}

function nvmeList(argv: string[]): void {
  const disks = readHardware().disks.filter((d) => d.transport === "nvme");
  const json = argv.join(" ").match(/(?:-o|--output-format)[= ]json/);
  if (json) {
    const Devices = disks.map((d) => ({
      NameSpace: 1,
      DevicePath: `/dev/${d.name}`,
      GenericPath: `/dev/${d.name.replace(/^nvme/, "ng")}`,
      Firmware: "",
      ModelNumber: d.model,
      SerialNumber: d.serial,
      UsedBytes: d.sizeBytes,
      MaximumLBA: d.sizeBytes / 512,
      PhysicalSize: d.sizeBytes,
      SectorSize: 512,
    }));
    return void process.stdout.write(JSON.stringify({ Devices }, null, 2) + "\n");
  }
  const cols: [string, number][] = [
    ["Node", 21],
    ["Generic", 21],
    ["SN", 20],
    ["Model", 40],
    ["Namespace", 9],
    ["Usage", 26],
    ["Format", 16],
    ["FW Rev", 8],
  ];
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(cols[i][1])).join(" ") + "\n";
  const size = (n: number) => `${decimalSize(n).replace(" ", "  ")} / ${decimalSize(n).replace(" ", "  ")}`;
  process.stdout.write(line(cols.map(([h]) => h)) + line(cols.map(([, w]) => "-".repeat(w))));
  for (const d of disks)
    process.stdout.write(
      line([
        `/dev/${d.name}`,
        `/dev/${d.name.replace(/^nvme/, "ng")}`,
        d.serial,
        d.model,
        "1",
        size(d.sizeBytes),
        "512   B +  0 B",
        "",
      ]),
    );
}

/** Runs the stand-in `tool` with `argv`. */
export function main(tool: string, argv: string[]): void {
  if (tool === "smartctl") return smartctl(argv);
  if (argv[0] === "list") return nvmeList(argv.slice(1));
  die("nvme", `${argv[0] ?? "(none)"}: not modelled by the simulated rescue system (only "nvme list")`, 1);
}

if (require.main === module) main(process.argv[2], process.argv.slice(3));
