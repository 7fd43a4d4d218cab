/**
 * Stand-ins for the commands that make the kernel re-read a partition table — `partprobe`,
 * `blockdev --rereadpt`, `partx -a|-u|-d` — and for `udevadm settle`. The rescue shell has no
 * CAP_SYS_ADMIN (so it cannot reach host disks), so the simulator re-reads the loop device for it
 * and refreshes the partition nodes in the rescue's /dev.
 */
import { spawnSync } from "child_process";
import { REAL_DIR, control, die } from "./hardware";
import { devNumbers } from "./lsblk-devices";

/** Asks the simulator to re-read one disk's partition table (all disks when `dev` is null); returns an error text or null. */
export async function rereadpt(dev: string | null): Promise<string | null> {
  let query = "";
  if (dev !== null) {
    const n = devNumbers(dev);
    if (!n) return `${dev}: No such file or directory`;
    query = `?devno=${n.major}:${n.minor}`;
  }
  const res = await control(`/rereadpt${query}`);
  return res.status === 200 ? null : res.body.trim();
}

/** Runs the stand-in `tool` with `argv`. */
export async function main(tool: string, argv: string[]): Promise<void> {
  const devices = argv.filter((a) => a.startsWith("/"));
  if (tool === "partprobe")
    return rereadAll(devices, (d, err) => `Error: Partition(s) on ${d} could not be re-read: ${err}`);
  if (tool === "udevadm")
    return passThroughUnless(tool, argv, ["settle", "trigger", "control"].includes(argv[0] ?? ""));
  if (tool === "partx") {
    if (!argv.some((a) => /^(-[a-z]*[aud][a-z]*|--add|--update|--delete)$/.test(a)))
      return passThroughUnless(tool, argv, false);
    return rereadAll(devices.slice(0, 1), (d, err) => `partx: ${d}: ${err}`);
  }
  // blockdev: --rereadpt here, every other request by the real blockdev.
  const others = argv.filter((a) => a !== "--rereadpt");
  if (others.length !== argv.length)
    await rereadAll(devices, (_d, err) => `blockdev: ioctl error on BLKRRPART: ${err}`);
  if (process.exitCode || others.every((a) => a.startsWith("/"))) return;
  passThroughUnless(tool, others, false);
}

async function rereadAll(devices: string[], message: (dev: string, err: string) => string): Promise<void> {
  for (const d of devices.length ? devices : [null]) {
    const err = await rereadpt(d).catch((e: Error) => e.message);
    if (err !== null) {
      process.stderr.write(message(d ?? "all disks", err) + "\n");
      process.exitCode = 1;
    }
  }
}

function passThroughUnless(tool: string, argv: string[], handled: boolean): void {
  if (handled) return;
  const res = spawnSync(`${REAL_DIR}/${tool}`, argv, { stdio: "inherit" });
  if (res.error) die(tool, `not available in the simulated rescue system`, 127);
  process.exitCode = res.status ?? 1;
}

if (require.main === module) void main(process.argv[2], process.argv.slice(3));
