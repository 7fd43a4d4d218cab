/**
 * Shared world of the TalosImage tests: the simulator's Cloud API (OpenAPI-validated, with live fault
 * knobs, request log and violations), Image Factory, machines (real rescue systems over SSH on
 * loop-backed disks) and Talos runtime, composed from its parts, plus real dynamic-provider hosts
 * driven by the engine harness. Its own test only covers the helpers.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TalosImage } from "../../../../provider/resources/talos-image";
import { CloudClient } from "../../../../provider/hetzner/cloud";
import { CloudScenario, FactoryScenario } from "../../../../provider/sim/scenario";
import { CloudSim, startCloudSim } from "../../../../provider/sim/apis/cloud/server";
import { FactorySim, startFactorySim } from "../../../../provider/sim/apis/factory/server";
import { installTalosRuntime } from "../../../../provider/sim/talos/runtime";
import { RescueArm, SimMachine } from "../../../../provider/sim/types";
import { World, createWorld } from "../../../../provider/sim/world";
import { HostCallError } from "../../../../provider/sim/pulumi/host-errors";
import { assertNoSecrets } from "../../../helpers/secrets-scan";
import { EngineHarness, RecordedResource, capturedProvider, secret } from "../../harness";

/** The Cloud API token of every world; scanned for in state and logs. */
export const CLOUD_TOKEN = "hcloud-Sim-T0ken-0123456789abcdef";
/** Timeouts short enough for the simulator at timeScale 0.0002; heartbeats every 200 ms (stale after 1 s). */
export const FAST = {
  actionSeconds: 20,
  sshSeconds: 20,
  writeSeconds: 60,
  shutdownSeconds: 5,
  imageSeconds: 30,
  lockWaitSeconds: 60,
  heartbeatSeconds: 0.2,
};

/** The resource type's URN for a name. */
export const urnOf = (name: string) =>
  `urn:pulumi:stack::project::pulumi-nodejs:dynamic/talos-hetzner:TalosImage::${name}`;

/** Options of `TalosImageWorld.start`. */
export interface WorldOptions {
  cloud?: Partial<CloudScenario>;
  factory?: FactoryScenario;
  timeScale?: number;
}

/** A running world: simulator parts, a host, and what the tests check afterwards. */
export class TalosImageWorld {
  /** Every rescue root password the Cloud API handed out (captured from the machines), for the secrets scan. */
  readonly rescuePasswords: string[] = [];
  /** A client of the simulated project, for inspecting and changing it out of band. */
  readonly client: CloudClient;
  /** Every host started, and every log line they printed. */
  private readonly hosts: EngineHarness[] = [];

  private constructor(
    readonly world: World,
    readonly cloud: CloudSim,
    readonly factory: FactorySim,
    public h: EngineHarness,
    readonly provider: string,
    private readonly dir: string,
  ) {
    this.client = new CloudClient({ endpoint: cloud.endpoint, token: CLOUD_TOKEN, pollIntervalMs: 5 });
    this.hosts.push(h);
  }

  /** Starts the simulator parts, a host configured with the secret Cloud token, and captures the real `__provider`. */
  static async start(o: WorldOptions = {}): Promise<TalosImageWorld> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "talos-image-"));
    const world = await createWorld({ timeScale: o.timeScale ?? 0.0002, stateDir: dir });
    installTalosRuntime(world);
    const factory = await startFactorySim(world, o.factory ?? {}, "127.0.0.1");
    const cloud = await startCloudSim(world, { ...o.cloud, token: CLOUD_TOKEN }, "127.0.0.1", factory.url);
    const provider = await capturedProvider(() => new TalosImage("probe", { talosVersion: "v1.13.9" }));
    const w = new TalosImageWorld(world, cloud, factory, await TalosImageWorld.host(cloud, factory), provider, dir);
    w.captureRescuePasswords();
    return w;
  }

  private static async host(cloud: CloudSim, factory: FactorySim): Promise<EngineHarness> {
    const h = await EngineHarness.start({
      env: { HCLOUD_ENDPOINT: cloud.endpoint, TALOS_IMAGE_FACTORY_URL: factory.url, HCLOUD_TOKEN: "" },
      callTimeoutMs: 300_000,
    });
    await h.configure({ "hcloud:token": secret(CLOUD_TOKEN) });
    return h;
  }

  /** A second host (another `pulumi up`, another stack) against the same simulator. */
  async newHost(): Promise<EngineHarness> {
    const h = await TalosImageWorld.host(this.cloud, this.factory);
    this.hosts.push(h);
    return h;
  }

  private captureRescuePasswords(): void {
    const create = this.world.createMachine.bind(this.world);
    this.world.createMachine = async (spec, from) => {
      const m: SimMachine = await create(spec, from);
      const arm = m.armRescue.bind(m);
      m.armRescue = (a: RescueArm) => {
        this.rescuePasswords.push(a.password);
        arm(a);
      };
      return m;
    };
  }

  /** Check + create like `pulumi up` for a new resource, on host `h`; records the state. Rejects with HostCallError. */
  async up(name: string, args: Record<string, unknown>, h = this.h): Promise<RecordedResource> {
    const urn = urnOf(name);
    const checked = await h.check(urn, {}, { __provider: this.provider, resourceName: name, timeouts: FAST, ...args });
    assert.deepStrictEqual(checked.failures, [], "check failures");
    const created = await h.create(urn, checked.inputs);
    return h.record(urn, created.id, checked.inputs, created.properties);
  }

  /** The error `up` fails with (the test fails when it succeeds). */
  async upError(name: string, args: Record<string, unknown>, h = this.h): Promise<HostCallError> {
    return this.up(name, args, h).then(
      (r) => assert.fail(`expected ${name} to fail, got id ${r.id}`),
      (e: HostCallError) => e,
    );
  }

  /**
   * Cloud requests answered since `from` as "METHOD /path status", without action polls and heartbeats,
   * and with repeated polls of one server or image counted once (their number depends on timing).
   */
  requests(from = 0): string[] {
    const out: string[] = [];
    for (const r of this.cloud.requests.slice(from)) {
      if (r.path.startsWith("/actions?") || (r.method === "PUT" && r.path.startsWith("/ssh_keys/"))) continue;
      const line = `${r.method} ${r.path.replace(/\?.*$/, "")} ${r.status}`;
      const poll = /^GET \/(servers|images)\/\d+ /.test(line);
      if (!(poll && out[out.length - 1] === line)) out.push(line);
    }
    return out;
  }

  /** Servers and SSH keys in the project, and snapshot ids. */
  inventory(): { servers: number[]; sshKeys: number[]; snapshots: number[] } {
    const s = this.cloud.state;
    return {
      servers: [...s.servers.keys()],
      sshKeys: [...s.sshKeys.keys()],
      snapshots: [...s.images.values()].filter((i) => i.type === "snapshot").map((i) => i.id),
    };
  }

  /** Log lines of every host that mention `name` as a resource. */
  logsOf(name: string): string[] {
    return this.hosts.flatMap((h) => h.logs).filter((l) => l.startsWith(`[${name}]`));
  }

  /**
   * Runs one build that logs into a rescue system and then fails (a download cut in half), so the
   * secrets check has a rescue password, a Cloud token and an error to look through even when it
   * runs alone. Returns how many rescue passwords the build added.
   */
  async failAfterRescue(name: string, talosVersion: string): Promise<number> {
    const before = this.rescuePasswords.length;
    this.factory.faults.truncateFraction = 0.5;
    try {
      await this.upError(name, { talosVersion, location: "nbg1" });
    } finally {
      this.factory.faults.truncateFraction = 1;
    }
    return this.rescuePasswords.length - before;
  }

  /** Fails on a Cloud response that violated the OpenAPI document, or a token, rescue password or private key in state, logs or transcripts. */
  assertClean(): void {
    assert.deepStrictEqual(this.cloud.violations, [], "every Cloud response must match the OpenAPI document");
    const hay = this.hosts.flatMap((h) => [
      h.persistedState(),
      h.logs,
      h.transcript.filter((c) => c.method !== "configure"),
    ]);
    assertNoSecrets(hay, [CLOUD_TOKEN, ...this.rescuePasswords], ["state/logs/transcripts"]);
    assert.ok(!/PRIVATE KEY/.test(JSON.stringify(hay)), "a private key reached state, logs or a transcript");
  }

  /** Stops every host and simulator part and removes the disk files. */
  async stop(): Promise<void> {
    await Promise.allSettled(this.hosts.map((h) => h.stop()));
    await Promise.allSettled([this.cloud.stop(), this.factory.stop()]);
    await this.world.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
