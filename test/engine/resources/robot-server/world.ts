/**
 * Shared world of the RobotServer tests: the simulator's Robot webservice, Image Factory, machines
 * (real rescue systems over SSH) and Talos nodes, composed from its parts so the tests reach the live
 * fault knobs and request logs, plus the real dynamic-provider host driven by the engine harness.
 * Its own tests only cover the helpers (disk hashing, scenario sizes).
 */
import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { RobotServer, RobotServerArgs } from "../../../../provider/resources/robot-server";
import { RobotServerScenario } from "../../../../provider/sim/scenario";
import { FactorySim, startFactorySim } from "../../../../provider/sim/apis/factory/server";
import { RobotSim, startRobotSim } from "../../../../provider/sim/apis/robot/server";
import { robotServerScenario } from "../../../../provider/sim/apis/robot/scenario";
import { installTalosRuntime } from "../../../../provider/sim/talos/runtime";
import { chooseTalosctl } from "../../../../provider/sim/talos/talosctl-binary";
import {
  DiskSeed,
  MachineFaults,
  MachineSpec,
  MachineStatus,
  RescueArm,
  SimMachine,
} from "../../../../provider/sim/types";
import { pollUntil } from "../../../../provider/internal/poll";
import { World, createWorld } from "../../../../provider/sim/world";
import { HostCallError } from "../../../../provider/sim/pulumi/host-errors";
import { assertNoSecrets } from "../../../helpers/secrets-scan";
import { EngineHarness, RecordedResource, capturedProvider, secret } from "../../harness";

/** Robot webservice password of every RobotServer world; scanned for in state and logs. */
export const ROBOT_PASSWORD = "Robot-ws-Pa55word!";
/** Size of each simulated disk: the 30 MiB synthetic image fits, and a wipe zeroes it in milliseconds. */
export const DISK_BYTES = 64 * 1024 * 1024;
/**
 * Deadlines for runs that should succeed: at timeScale 0.0002 a 4 min rescue boot is 48 ms of simulated
 * time, but setting up the rescue namespace takes real seconds on a busy machine. A run that succeeds
 * never waits for a deadline, so they are generous; fault tests that must time out pass shorter ones.
 */
export const FAST = { rescueSeconds: 15, installSeconds: 60, maintenanceSeconds: 10 };

let worlds = 0;
let net = "";

/**
 * A fresh /24 of loopback addresses per world: robotServerScenario's 127.10.x.y are shared by every
 * test run on the machine, and two worlds at once (or one closing while the next starts) would answer
 * each other's SSH and Talos probes.
 */
function freshNet(): string {
  worlds++;
  return `127.${81 + (worlds % 40)}.${(process.pid % 250) + 1}`;
}

/** Server `n` of a world with small disks, optional seeds per disk and machine faults (call inside `RobotServerWorld.start`'s builder). */
export function smallServer(
  n: number,
  o: {
    seeds?: DiskSeed[];
    faults?: MachineFaults;
    smbiosUuid?: string;
    rescue?: boolean;
    name?: string;
    efi?: MachineSpec["efi"];
    bootMode?: MachineSpec["bootMode"];
  } = {},
): RobotServerScenario {
  const base = robotServerScenario(n);
  const disks = base.machine.disks.map((d, i) => ({ ...d, sizeBytes: DISK_BYTES, seed: o.seeds?.[i] ?? "empty" }));
  return robotServerScenario(n, {
    ...(o.rescue === false ? { rescue: false } : {}),
    ...(o.name ? { name: o.name } : {}),
    machine: {
      disks,
      ipv4: `${net}.${n + 1}`,
      gateway: `${net}.1`,
      ...(o.faults ? { faults: o.faults } : {}),
      ...(o.smbiosUuid ? { smbiosUuid: o.smbiosUuid } : {}),
      ...(o.efi ? { efi: o.efi } : {}),
      ...(o.bootMode ? { bootMode: o.bootMode } : {}),
    },
  });
}

/** sha256 of every disk file of a machine, by disk name. */
export function diskHashes(m: SimMachine): Record<string, string> {
  const out: Record<string, string> = {};
  m.spec.disks.forEach((d, i) => {
    const h = crypto.createHash("sha256");
    const fd = fs.openSync(m.diskFile(i), "r");
    const buf = Buffer.alloc(4 * 1024 * 1024);
    try {
      for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0;) h.update(buf.subarray(0, n));
    } finally {
      fs.closeSync(fd);
    }
    out[d.name] = h.digest("hex");
  });
  return out;
}

/** A disk as the install's error messages describe it (provider/rescue/select.ts describeDisk) for a 64 MiB simulated NVMe disk. */
export function diskLine(d: { name: string; model: string; serial: string; wwn: string | null }): string {
  return `  - ${d.name}: ${DISK_BYTES} bytes (64.0 MiB), nvme, model "${d.model}", serial "${d.serial}", wwn ${d.wwn}, by-id nvme-${d.model.replace(/ /g, "_")}_${d.serial}, nvme-${d.wwn}`;
}

/** The resource type's URN for a name. */
export const urnOf = (name: string) =>
  `urn:pulumi:stack::project::pulumi-nodejs:dynamic/talos-hetzner:RobotServer::${name}`;

/** A running world: simulator parts, the host, and what the tests check afterwards. */
export class RobotServerWorld {
  /** Every rescue root password Robot handed out (captured from the machines), for the secrets scan. */
  readonly rescuePasswords: string[] = [];
  /** Every rescue activation the machines were armed with (keys, host key, the logins tried), in order. */
  readonly rescueArms: RescueArm[] = [];

  private constructor(
    readonly world: World,
    readonly robot: RobotSim,
    readonly factory: FactorySim,
    readonly h: EngineHarness,
    readonly provider: string,
    private readonly dir: string,
    readonly net: string,
  ) {}

  /** Starts the simulator parts with the servers `build` returns, the host, and configures it with secret Robot credentials. */
  static async start(build: () => RobotServerScenario[], o: { timeScale?: number } = {}): Promise<RobotServerWorld> {
    net = freshNet();
    const servers = build();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "robot-server-"));
    const world = await createWorld({ timeScale: o.timeScale ?? 0.0002, stateDir: dir });
    installTalosRuntime(world);
    const factory = await startFactorySim(world, {}, "127.0.0.1");
    const robot = await startRobotSim(world, { user: "robot-ws-user", password: ROBOT_PASSWORD, servers }, "127.0.0.1");
    const provider = await capturedProvider(
      () => new RobotServer("probe", { serverNumber: 1, image: { version: "v1.13.9" }, installDisk: { type: "nvme" } }),
    );
    const h = await EngineHarness.start({
      env: {
        HETZNER_ROBOT_URL: robot.url,
        // The real client over the nodes' Talos API when built, else the stand-in (as startSimulator chooses).
        TALOSCTL: chooseTalosctl().path,
        TALOS_IMAGE_FACTORY_URL: factory.url,
        TALOS_HETZNER_TIME_SCALE: String(world.timeScale),
      },
      callTimeoutMs: 300_000,
    });
    await h.configure({
      "talos-hetzner:robotUser": secret("robot-ws-user"),
      "talos-hetzner:robotPassword": secret(ROBOT_PASSWORD),
    });
    const w = new RobotServerWorld(world, robot, factory, h, provider, dir, net);
    for (const m of world.machines.values()) w.captureRescuePasswords(m);
    return w;
  }

  private captureRescuePasswords(m: SimMachine): void {
    const arm = m.armRescue.bind(m);
    m.armRescue = (a: RescueArm) => {
      this.rescuePasswords.push(a.password);
      this.rescueArms.push(a);
      arm(a);
    };
  }

  /** The machine of server `n` (scenario index, 1-based). */
  machine(n: number): SimMachine {
    return this.world.machines.get(`robot-${robotServerScenario(n).number}`)!;
  }

  /** Check + create of `name` like `pulumi up` does for a new resource; records the state. Rejects with HostCallError. */
  async up(name: string, args: Record<string, unknown>): Promise<RecordedResource> {
    const urn = urnOf(name);
    const checked = await this.h.check(urn, {}, { __provider: this.provider, ...args });
    assert.deepStrictEqual(checked.failures, [], "check failures");
    const created = await this.h.create(urn, checked.inputs);
    return this.h.record(urn, created.id, checked.inputs, created.properties);
  }

  /** The error `up` fails with (the test fails when it succeeds). */
  async upError(name: string, args: Record<string, unknown>): Promise<HostCallError> {
    return this.up(name, args).then(
      (r) => assert.fail(`expected ${name} to fail, got id ${r.id}`),
      (e: HostCallError) => e,
    );
  }

  /** Two runs of a failing create (the second must stop at the same error); returns both messages. */
  async failTwice(name: string, args: Record<string, unknown>): Promise<[string, string]> {
    const first = await this.upError(name, args);
    const second = await this.upError(name, args);
    return [first.details, second.details];
  }

  /** Waits until server `n`'s machine reports `status` (Talos answers a moment before the machine reports it). */
  async settled(n: number, status: MachineStatus): Promise<MachineStatus> {
    const m = this.machine(n);
    return pollUntil(async () => (m.status() === status ? status : undefined), {
      what: `${m.id} to be ${status} (is ${m.status()})`,
      timeoutMs: 10_000,
      initialMs: 20,
      maxMs: 100,
    });
  }

  /** Robot requests answered so far (method and path). */
  requests(from = 0): string[] {
    return this.robot.requests
      .slice(from)
      .map((r) => `${r.method} ${r.path.replace(/\/key\/[0-9a-f:]+$/, "/key/<fp>")}`);
  }

  /** Fails when the Robot password, a rescue password or a private key shows in state, logs or the transcript. */
  assertNoSecretsLeaked(): void {
    const transcript = this.h.transcript.filter((c) => c.method !== "configure");
    const hay = [this.h.persistedState(), this.h.logs, transcript];
    assertNoSecrets(hay, [ROBOT_PASSWORD, ...this.rescuePasswords], ["state", "logs", "transcript"]);
    assert.ok(!/PRIVATE KEY/.test(JSON.stringify(hay)), "a private key reached state, logs or the transcript");
  }

  /** Stops everything and removes the disk files. */
  async stop(): Promise<void> {
    await this.h.stop();
    await Promise.allSettled([this.robot.stop(), this.factory.stop()]);
    await this.world.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The args a test passes for server `n`: install to its first disk by WWN, with fast deadlines. */
export function argsFor(
  w: RobotServerWorld,
  n: number,
  extra: Partial<Record<keyof RobotServerArgs, unknown>> = {},
): Record<string, unknown> {
  return {
    serverNumber: robotServerScenario(n).number,
    name: `node-${n}`,
    image: { version: "v1.13.9" },
    installDisk: { wwn: w.machine(n).spec.disks[0].wwn },
    deadlines: FAST,
    ...extra,
  };
}
