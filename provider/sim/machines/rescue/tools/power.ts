/**
 * Stand-ins for `reboot`, `poweroff`, `halt`, `shutdown` and `systemctl reboot|poweroff|halt` in the
 * simulated rescue system: they ask the simulator to reboot or power off the machine, which ends
 * every SSH session as a real reboot does.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import { REAL_DIR, control, die } from "./hardware";

/** Which power action a command line asks for; null when it asks for none (shutdown -c, systemctl status...). */
export function powerAction(tool: string, args: string[]): "reboot" | "poweroff" | null {
  const opts = args.filter((a) => a.startsWith("-"));
  switch (tool) {
    case "reboot":
      return "reboot";
    case "poweroff":
    case "halt":
      return "poweroff";
    case "shutdown":
      if (opts.some((o) => o === "-c")) return null;
      return opts.some((o) => o === "-r" || o === "--reboot" || /^-[a-zA-Z]*r/.test(o)) ? "reboot" : "poweroff";
    case "systemctl": {
      const verb = args.find((a) => !a.startsWith("-"));
      return verb === "reboot" || verb === "kexec"
        ? "reboot"
        : verb === "poweroff" || verb === "halt"
          ? "poweroff"
          : null;
    }
    default:
      return null;
  }
}

/** Runs the stand-in `tool` with `argv`. */
export async function main(tool: string, argv: string[]): Promise<void> {
  const action = powerAction(tool, argv);
  if (action === null) return passThrough(tool, argv);
  const res = await control(`/power?action=${action}`).catch((e: Error) =>
    die(tool, `failed to talk to the machine: ${e.message}`),
  );
  if (res.status !== 200) die(tool, res.body.trim() || `failed (${res.status})`);
}

function passThrough(tool: string, argv: string[]): void {
  if (tool === "shutdown") return;
  const real = `${REAL_DIR}/${tool}`;
  if (!fs.existsSync(real)) {
    // What systemctl says in a container or chroot without systemd as PID 1.
    process.stderr.write(
      "System has not been booted with systemd as init system (PID 1). Can't operate.\nFailed to connect to bus: Host is down\n",
    );
    process.exit(1);
  }
  process.exitCode = spawnSync(real, argv, { stdio: "inherit" }).status ?? 1;
}

if (require.main === module) void main(process.argv[2], process.argv.slice(3));
