/**
 * Realistic Robot servers for scenarios: an AX41-NVMe as Hetzner sells it (two 512 GB NVMe disks
 * with EUI WWNs, UEFI, a /26 IPv4 with its gateway, an IPv6 /64), addressed on 127.10.0.0/16 so
 * every machine's services can bind their own loopback address.
 */
import { createHash } from "crypto";
import { RobotServerScenario } from "../../scenario";
import { DiskSpec, MachineSpec } from "../../types";

/** Fields a caller may override; `machine` is merged field by field. */
export type RobotServerOverrides = Partial<Omit<RobotServerScenario, "machine">> & { machine?: Partial<MachineSpec> };

/** Robot server numbers in scenarios are `ROBOT_NUMBER_BASE + n`, 7 digits like real ones. */
export const ROBOT_NUMBER_BASE = 2_321_000;

/** Hosts per /26 we hand out: .2–.62 (.0 network, .1 gateway, .63 broadcast). */
const HOSTS_PER_NET = 61;

/** Builds server `n` (1-based, up to 62464) of a scenario; pure and deterministic in `n`. */
export function robotServerScenario(n: number, overrides: RobotServerOverrides = {}): RobotServerScenario {
  if (!Number.isInteger(n) || n < 1 || n > HOSTS_PER_NET * 4 * 256)
    throw new RangeError(`[n] must be an integer from 1 to ${HOSTS_PER_NET * 1024}, got ${n}`);
  const number = overrides.number ?? ROBOT_NUMBER_BASE + n;
  const { machine, ...rest } = overrides;
  return {
    number,
    name: `robot-${n}`,
    product: "AX41-NVMe",
    dc: "FSN1-DC14",
    // AX boxes offer no Ctrl+Alt+Del reset (aszlig/hetzner#61); fixtures/robot/reset-get-power.json.
    resetTypes: ["power", "power_long", "hw", "man"],
    rescue: true,
    ...rest,
    machine: { ...robotMachineSpec(n, number), ...machine },
  };
}

/** The machine behind server `n`. */
function robotMachineSpec(n: number, number: number): MachineSpec {
  const { ipv4, gateway } = loopbackAddress(n);
  const hash = createHash("sha256").update(`robot-${n}`).digest("hex");
  return {
    id: `robot-${number}`,
    kind: "robot",
    ipv4,
    ipv4Prefix: 26,
    gateway,
    ipv6Net: `2a01:4f8:10a:${(0x1000 + n).toString(16)}::/64`,
    bootMode: "uefi",
    smbiosUuid: `${hash.slice(0, 8)}-${hash.slice(8, 12)}-${hash.slice(12, 16)}-${hash.slice(16, 20)}-${hash.slice(20, 32)}`,
    arch: "amd64",
    memoryBytes: 64 * 1024 ** 3,
    disks: [0, 1].map((i) => nvmeDisk(i, hash)),
    nics: [
      {
        rescueName: "eth0",
        talosName: "enp9s0",
        mac: `a8:a1:59:${hash.slice(32, 34)}:${hash.slice(34, 36)}:${hash.slice(36, 38)}`,
      },
    ],
    power: "on",
  };
}

function nvmeDisk(i: number, hash: string): DiskSpec {
  const unique = hash.slice(40 + i * 8, 48 + i * 8);
  return {
    name: `nvme${i}n1`,
    model: "SAMSUNG MZVL2512HCJQ-00B00",
    serial: `S675NX0T${unique.toUpperCase()}`,
    wwn: `eui.002538b9${unique}`,
    sizeBytes: 512_110_190_592,
    rotational: false,
    transport: "nvme",
  };
}

/** 127.10.x.y in /26 blocks: the block's .1 (relative) is the gateway, hosts start at .2. */
function loopbackAddress(n: number): { ipv4: string; gateway: string } {
  const block = Math.floor((n - 1) / HOSTS_PER_NET);
  const base = (block % 4) * 64;
  const third = Math.floor(block / 4);
  return { ipv4: `127.10.${third}.${base + 2 + ((n - 1) % HOSTS_PER_NET)}`, gateway: `127.10.${third}.${base + 1}` };
}
