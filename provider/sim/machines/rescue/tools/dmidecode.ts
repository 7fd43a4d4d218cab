/**
 * Stand-in for `dmidecode` 3.4 in the simulated rescue system: the SMBIOS system strings
 * (`-s system-uuid` is what talos-manager reads) and a minimal `-t system` table.
 */
import { getopt } from "./getopt";
import { RescueHardware, die, readHardware } from "./hardware";

/** The SMBIOS strings of a simulated machine, keyed by dmidecode's `-s` keywords. */
export function systemStrings(hw: RescueHardware): Record<string, string> {
  const cloud = hw.kind === "cloud";
  return {
    "bios-vendor": cloud ? "Hetzner" : "American Megatrends International, LLC.",
    "bios-version": cloud ? "20171111" : "1.9",
    "system-manufacturer": cloud ? "Hetzner" : "Hetzner Online GmbH",
    "system-product-name": cloud ? "vServer" : "Dedicated Server",
    "system-version": cloud ? "20171111" : "1.0",
    "system-serial-number": hw.machineId.replace(/^[a-z]+-/, ""),
    "system-uuid": hw.smbiosUuid.toLowerCase(),
    "system-family": cloud ? "Hetzner_vServer" : "Server",
    "baseboard-manufacturer": cloud ? "" : "Hetzner Online GmbH",
    "chassis-type": cloud ? "Other" : "Rack Mount Chassis",
    "processor-family": hw.arch === "arm64" ? "ARMv8" : "Xeon",
  };
}

/** Runs dmidecode with `argv`. */
export function main(argv: string[]): void {
  const { opts } = getopt("dmidecode", argv, [
    { key: "string", short: "s", long: "string", arg: true },
    { key: "type", short: "t", long: "type", arg: true },
    { key: "quiet", short: "q", long: "quiet" },
    { key: "version", short: "V", long: "version" },
  ]);
  if (opts.has("version")) return void process.stdout.write("3.4\n");
  const strings = systemStrings(readHardware());
  const keyword = opts.get("string")?.pop();
  if (keyword !== undefined) {
    if (!(keyword in strings))
      die(
        "dmidecode",
        `Invalid string keyword: ${keyword}\nValid string keywords are:\n  ${Object.keys(strings).join("\n  ")}`,
      );
    return void process.stdout.write(strings[keyword] + "\n");
  }
  const type = opts.get("type")?.pop();
  if (type !== undefined && type !== "system" && type !== "1") die("dmidecode", `Invalid type keyword: ${type}`);
  process.stdout.write(systemTable(strings, opts.has("quiet")));
}

function systemTable(s: Record<string, string>, quiet: boolean): string {
  const head = quiet ? "" : "# dmidecode 3.4\nGetting SMBIOS data from sysfs.\nSMBIOS 3.2.0 present.\n\n";
  const handle = quiet ? "" : "Handle 0x0001, DMI type 1, 27 bytes\n";
  return (
    head +
    handle +
    "System Information\n" +
    `\tManufacturer: ${s["system-manufacturer"]}\n\tProduct Name: ${s["system-product-name"]}\n\tVersion: ${s["system-version"]}\n` +
    `\tSerial Number: ${s["system-serial-number"]}\n\tUUID: ${s["system-uuid"]}\n\tWake-up Type: Power Switch\n` +
    `\tSKU Number: Not Specified\n\tFamily: ${s["system-family"]}\n\n`
  );
}

if (require.main === module) main(process.argv.slice(2));
