/** Helpers for tests that drive simulated machines (also handy when scripting the simulator). */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { errorMessage } from "../../internal/errors";
import { pollUntil } from "../../internal/poll";
import { DiskSeed, MachineSpec, MachineStatus, SimMachine, TalosBoot, TalosNodeHandle, TalosRuntime } from "../types";
import { attachLoop, detachLoop } from "../machines/machine/loop";

/** A TalosRuntime that records every boot and starts nothing. */
export class RecordingTalosRuntime implements TalosRuntime {
  readonly boots: { machine: string; boot: TalosBoot }[] = [];
  async boot(machine: SimMachine, boot: TalosBoot): Promise<TalosNodeHandle> {
    this.boots.push({ machine: machine.id, boot });
    return { async stop() {} };
  }
  /** The most recent boot (throws when there was none). */
  last(): TalosBoot {
    const b = this.boots[this.boots.length - 1];
    if (!b) throw new Error("no Talos boot was recorded");
    return b.boot;
  }
}

/** Waits until the machine reports `status` (polling every few ms), or throws DeadlineError. */
export async function waitForStatus(m: SimMachine, status: MachineStatus, timeoutMs = 5000): Promise<void> {
  await pollUntil(async () => (m.status() === status ? true : undefined), {
    what: `machine ${m.id} to reach status ${status} (now ${m.status()})`,
    timeoutMs,
    initialMs: 5,
    maxMs: 20,
    jitter: 0,
  });
}

/** Null when loop devices can be attached here, else why not (not root, no losetup, no /dev/loop-control...). */
export async function loopDevicesUnavailable(): Promise<string | null> {
  if (process.getuid?.() !== 0) return "loop devices need root";
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "loop-probe-"));
  const file = path.join(dir, "probe.img");
  try {
    fs.writeFileSync(file, Buffer.alloc(1024 * 1024));
    await detachLoop(await attachLoop(file));
    return null;
  } catch (e) {
    return `losetup cannot attach a file: ${errorMessage(e)}`;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Null when `tool` is on PATH, else a reason naming the Debian package that provides it. */
export function toolMissing(tool: string, debianPackage: string): string | null {
  const found = (process.env.PATH ?? "").split(":").some((d) => d && fs.existsSync(path.join(d, tool)));
  return found ? null : `${tool} is not installed (Debian package ${debianPackage})`;
}

/** For a test that cannot run here: fails when CI is set (CI must provide it), else prints the reason and skips. */
export function skipOrFail(ctx: { skip(): void }, reason: string): void {
  if (process.env.CI) throw new Error(`${reason} — CI must provide this`);
  console.log(`      skipped: ${reason}`);
  ctx.skip();
}

/** A small machine spec for tests: one disk per seed (`sda`, `sdb`...), 128 MiB each unless given. */
export function testMachineSpec(
  id: string,
  seeds: DiskSeed[],
  o: Partial<MachineSpec> & { diskBytes?: number } = {},
): MachineSpec {
  const n = Number(/(\d+)$/.exec(id)?.[1] ?? 1) % 250;
  const { diskBytes, ...rest } = o;
  return {
    id,
    kind: "robot",
    ipv4: `127.31.0.${n + 1}`,
    ipv4Prefix: 26,
    gateway: "127.31.0.1",
    ipv6Net: `2a01:4f8:10a:${n.toString(16)}::/64`,
    bootMode: "uefi",
    smbiosUuid: "4c4c4544-0042-3510-8051-b4c04f4e4b32",
    arch: "amd64",
    memoryBytes: 64 * 1024 ** 3,
    disks: seeds.map((seed, i) => ({
      name: `sd${String.fromCharCode(97 + i)}`,
      model: "SAMSUNG MZ7LH480HAHQ",
      serial: `S45PNA0M${id}${i}`,
      wwn: `0x5002538e4054a0${(16 + i).toString(16)}`,
      sizeBytes: diskBytes ?? 128 * 1024 * 1024,
      rotational: false,
      transport: "sata" as const,
      seed,
    })),
    nics: [{ rescueName: "eth0", talosName: "enp0s31f6", mac: `a8:a1:59:00:00:${n.toString(16).padStart(2, "0")}` }],
    ...rest,
  };
}
