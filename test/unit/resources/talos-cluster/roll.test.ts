/**
 * The roll order of `TalosCluster` (issue #9): the pure slots and argument checks, then a whole cluster
 * program through the program runner (its real Deployment and monitor) with recording stub drivers in
 * place of the providers: control-plane configs strictly one after another, workers in `maxParallel`
 * lanes after them, a failed node stopping every later node (and the bootstrap) until a re-run resumes,
 * a removed Cloud worker deleted `-node` config first, then its server, then its user-data config, and a
 * refused delete stopping the deletes behind it. Does not prove anything a provider does (the stubs echo
 * their inputs) nor the real engine's parallelism; test/integration/cluster-day2.test.ts runs the roll for real.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { InputError } from "../../../../provider/internal/errors";
import { TalosCluster } from "../../../../provider/resources/talos-cluster";
import { rollOrder, checkDay2Args } from "../../../../provider/resources/talos-cluster/roll";
import type { PlannedNode } from "../../../../provider/resources/talos-cluster/plan";
import type { TalosClusterArgs } from "../../../../provider/resources/talos-cluster/types";
import { Driver, runProgram, RunOptions } from "../../../../provider/sim/pulumi";
import { rollViolations } from "../../../../provider/sim/scenarios/day2-observe";
import { diffRobotServer } from "../../../../provider/runtime/robot-server";
import { diffTalosImage } from "../../../../provider/runtime/talos-image";
import { runtime as secretsRuntime } from "../../../../provider/runtime/talos-secrets";

type Props = Record<string, any>;
const DYN = "pulumi-nodejs:dynamic/talos-hetzner:";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const nameOf = (urn: string) => urn.split("::").pop()!;
const withoutRoll = ({ rollPosition: _r, ...rest }: Props) => JSON.stringify(rest);

/** Outputs of a stub resource: its inputs plus what the component reads, deterministic in the name. */
function outputsFor(type: string, name: string, inputs: Props): Props {
  const kind = type.startsWith(DYN) ? type.slice(DYN.length) : type;
  const n = Number(name.split("-")[name.startsWith("c-pool") ? 2 : 2]);
  const extra: Record<string, Props> = {
    RobotServer: { ipv4: `10.0.0.${Number(inputs.serverNumber) - 2321000}`, installDiskPath: "/dev/nvme0n1" },
    TalosSecrets: { secretsYaml: "cluster: {}\n" },
    TalosImage: { imageId: 4242 },
    TalosMachineConfig: inputs.delivery === "user-data" ? { userData: `#user-data of ${name}` } : {},
    "hcloud:index/server:Server": { ipv4Address: `203.0.113.${10 + n}` },
    TalosBootstrap: { kubeconfig: "kubeconfig", talosconfig: "talosconfig" },
    KubeSpanMesh: { mesh: [], table: "" },
  };
  return { ...inputs, ...(extra[kind] ?? {}) };
}

/** Stub drivers for every type that record when each step started and ended, and fail where told. */
class RecordingDrivers {
  readonly failUpdate = new Set<string>();
  readonly failDelete = new Set<string>();
  private events: { op: string; name: string; edge: "start" | "end"; seq: number }[] = [];
  private inputs = new Map<string, Props>();
  private seq = 0;

  reset(): void {
    this.events = [];
    this.failUpdate.clear();
    this.failDelete.clear();
  }

  private async step<T>(op: string, urn: string, fails: boolean, body: () => T): Promise<T> {
    const name = nameOf(urn);
    this.events.push({ op, name, edge: "start", seq: this.seq++ });
    await sleep(name.endsWith("-config") || name.endsWith("-node") ? 15 : 2);
    this.events.push({ op, name, edge: "end", seq: this.seq++ });
    if (fails) throw new Error(`injected failure of ${name}`);
    return body();
  }

  driverFor = (type: string): Driver => ({
    check: async (_urn, _olds, news) => ({ inputs: news, failures: [] }),
    diff: async (_urn, old, news) => ({
      changes: withoutRoll(old.inputs) === withoutRoll(news) ? "none" : "some",
      replaces: [],
      deleteBeforeReplace: false,
    }),
    create: (urn, inputs) =>
      this.step("create", urn, false, () => {
        this.inputs.set(nameOf(urn), inputs);
        return { id: `${nameOf(urn)}-id`, outputs: outputsFor(type, nameOf(urn), inputs) };
      }),
    update: (urn, _old, inputs) =>
      this.step("update", urn, this.failUpdate.has(nameOf(urn)), () => {
        this.inputs.set(nameOf(urn), inputs);
        return { outputs: outputsFor(type, nameOf(urn), inputs) };
      }),
    delete: (urn) => this.step("delete", urn, this.failDelete.has(nameOf(urn)), () => undefined),
  });

  /** Sequence number of the first start of `name`'s step (Infinity when it never ran). */
  started(name: string): number {
    return this.events.find((e) => e.name === name && e.edge === "start")?.seq ?? Infinity;
  }

  /** Sequence number of the last end of `name`'s step. */
  ended(name: string): number {
    return this.events.filter((e) => e.name === name && e.edge === "end").at(-1)?.seq ?? Infinity;
  }

  /** Names whose `op` step started, in start order. */
  ops(op: string): string[] {
    return this.events.filter((e) => e.op === op && e.edge === "start").map((e) => e.name);
  }

  inputsOf(name: string): Props {
    return this.inputs.get(name) ?? {};
  }

  log(): string {
    return this.events.map((e) => `${e.seq} ${e.edge} ${e.op} ${e.name}`).join("\n");
  }
}

const node = (name: string, role: PlannedNode["role"] = "worker"): PlannedNode => ({
  name,
  role,
  where: "robot",
  pool: "x",
  index: 0,
});
const ARGS: TalosClusterArgs = { talosVersion: "v1.12.4", controlPlanes: [], adminCidrs: ["127.0.0.1/32"] };
const cp = (i: number) => ({ serverNumber: 2321001 + i, installDisk: { wwn: `eui.00${i}` } });

describe("TalosCluster roll: slots and day-2 argument checks", () => {
  it("chains control planes in index order and runs workers in maxParallel lanes after the last one", () => {
    const nodes = [
      node("c-cp-0", "controlplane"),
      node("c-cp-1", "controlplane"),
      node("c-worker-0"),
      node("c-pool-0"),
      node("c-pool-1"),
    ];
    assert.deepStrictEqual(
      rollOrder(nodes, 1).map((s) => [s.after, s.position]),
      [
        [[], "1 of 5"],
        [[0], "2 of 5, after c-cp-0"],
        [[1], "3 of 5, after c-cp-1"],
        [[1, 2], "4 of 5, after c-worker-0"],
        [[1, 3], "5 of 5, after c-pool-0"],
      ],
    );
    assert.deepStrictEqual(
      rollOrder(nodes, 2).map((s) => s.after),
      [[], [0], [1], [1], [1, 2]],
    );
    assert.deepStrictEqual(
      rollOrder(nodes, 5).map((s) => s.after),
      [[], [0], [1], [1], [1]],
    );
  });

  it("finds two nodes cordoned at once and an upgrade of an uncordoned node in a timeline", () => {
    assert.deepStrictEqual(
      rollViolations(["cordon a", "upgrade a v2", "uncordon a", "cordon b", "upgrade b v2", "uncordon b"]),
      [],
    );
    assert.deepStrictEqual(rollViolations(["cordon a", "cordon b", "upgrade b v2", "uncordon b", "upgrade c v2"]), [
      "b cordoned while a still was",
      "c upgraded while not cordoned",
    ]);
  });

  it("rejects each bad day-2 argument naming its field", () => {
    const cases: [Partial<TalosClusterArgs>, string][] = [
      [{ maxParallel: 0 }, "[maxParallel] must be an integer ≥ 1, got 0"],
      [{ maxParallel: 1.5 }, "[maxParallel] must be an integer ≥ 1, got 1.5"],
      [{ configVersion: "1.12" }, '[configVersion] must look like "v1.13.9", got "1.12"'],
      [{ allowQuorumLoss: "yes" as unknown as boolean }, '[allowQuorumLoss] must be true or false, got "yes"'],
      [{ resetRemovedNodes: 1 as unknown as boolean }, "[resetRemovedNodes] must be true or false, got 1"],
      [{ drainTimeoutSeconds: 0 }, "[drainTimeoutSeconds] must be a number of seconds above 0, got 0"],
      [{ upgradeTimeoutSeconds: -5 }, "[upgradeTimeoutSeconds] must be a number of seconds above 0, got -5"],
    ];
    for (const [extra, message] of cases) {
      assert.throws(
        () => checkDay2Args({ ...ARGS, ...extra }),
        (e: Error) => e instanceof InputError && e.message === message,
        message,
      );
    }
    assert.doesNotThrow(() =>
      checkDay2Args({
        ...ARGS,
        maxParallel: 3,
        configVersion: "v1.12.4",
        allowQuorumLoss: true,
        drainTimeoutSeconds: 30,
      }),
    );
  });
});

describe("TalosCluster roll: what a talosVersion bump does to the other children", () => {
  it("keeps the secrets bundle, updates the dedicated servers' image without reinstalling, replaces the snapshot", async () => {
    const bundle = { talosVersion: "v1.12.4", secretsYaml: "cluster: {}\n", adopted: false };
    assert.deepStrictEqual(await secretsRuntime.diff!("id", bundle as never, { talosVersion: "v1.13.9" } as never), {
      changes: false,
      replaces: [],
    });
    const server = { serverNumber: 2321001, image: { version: "v1.12.4" }, installDisk: { wwn: "eui.1" } };
    assert.deepStrictEqual(diffRobotServer(server, { ...server, image: { version: "v1.13.9" } }), {
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    const image = { talosVersion: "v1.12.4", arch: "x86", location: "fsn1" };
    assert.deepStrictEqual(diffTalosImage(image, { ...image, talosVersion: "v1.13.9" }), {
      changes: true,
      replaces: ["talosVersion"],
    });
  });
});

describe("TalosCluster roll through the program runner (recording stub drivers)", function () {
  this.timeout(30000);
  let dir: string;
  let drivers: RecordingDrivers;
  const run = (operation: RunOptions["operation"], args: Partial<TalosClusterArgs>) =>
    runProgram({
      operation,
      stateFile: path.join(dir, "state.json"),
      passphrase: "roll-test",
      log: () => undefined,
      drivers: drivers.driverFor,
      program: () => {
        const c = new TalosCluster("c", {
          ...ARGS,
          controlPlanes: [0, 1, 2].map(cp),
          workers: { robot: [cp(3)], cloudPools: [{ name: "pool", count: 3, serverType: "cx33", location: "fsn1" }] },
          ...args,
        });
        return { nodes: c.nodes };
      },
    });

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cluster-roll-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    drivers ??= new RecordingDrivers();
    drivers.reset();
  });

  const cps = ["c-cp-0-config", "c-cp-1-config", "c-cp-2-config"];
  const workers = ["c-worker-0-config", "c-pool-0-node", "c-pool-1-node", "c-pool-2-node"];

  it("creates the snapshot, then the control-plane configs one by one, then the workers two at a time, then bootstrap and mesh", async () => {
    await run("up", { maxParallel: 2 });
    assert.ok(
      drivers.ended("c-image") < drivers.started(cps[0]),
      `the snapshot before the first node\n${drivers.log()}`,
    );
    for (let i = 1; i < cps.length; i++)
      assert.ok(
        drivers.ended(cps[i - 1]) < drivers.started(cps[i]),
        `${cps[i - 1]} before ${cps[i]}\n${drivers.log()}`,
      );
    for (const w of workers)
      assert.ok(drivers.ended(cps[2]) < drivers.started(w), `${w} after the control planes\n${drivers.log()}`);
    assert.ok(
      drivers.ended(workers[0]) < drivers.started(workers[2]) &&
        drivers.ended(workers[1]) < drivers.started(workers[3]),
      drivers.log(),
    );
    assert.ok(
      workers.every((w) => drivers.ended(w) < drivers.started("c-bootstrap")),
      drivers.log(),
    );
    assert.strictEqual(drivers.inputsOf("c-pool-1-node").rollPosition, "6 of 7, after c-worker-0");
    assert.deepStrictEqual(
      [
        drivers.inputsOf("c-pool-1-node").delivery,
        drivers.inputsOf("c-pool-1-node").node,
        drivers.inputsOf("c-pool-1-config").delivery,
      ],
      ["apply", "203.0.113.11", "user-data"],
    );
  });

  it("upgrades in the same order, stops at a failed node and resumes from it on the next up", async () => {
    drivers.failUpdate.add("c-cp-1-config");
    await assert.rejects(run("up", { talosVersion: "v1.13.9" }), /c-cp-1-config: injected failure of c-cp-1-config/);
    assert.deepStrictEqual(
      drivers.ops("update").filter((n) => [...cps, ...workers].includes(n)),
      ["c-cp-0-config", "c-cp-1-config"],
      drivers.log(),
    );
    for (const n of [cps[2], ...workers, "c-bootstrap", "c-mesh"])
      assert.strictEqual(drivers.started(n), Infinity, `${n} untouched\n${drivers.log()}`);
    // Upgrades happen in place: the servers ignore the image change (no update, no replacement).
    assert.deepStrictEqual(
      [...drivers.ops("update"), ...drivers.ops("create")].filter((n) => /^c-(cp|worker|pool)-\d$/.test(n)),
      [],
    );
    drivers.reset();
    await run("up", { talosVersion: "v1.13.9" });
    const rolled = drivers.ops("update").filter((n) => [...cps, ...workers].includes(n));
    assert.deepStrictEqual(rolled, ["c-cp-1-config", "c-cp-2-config", ...workers], drivers.log());
    assert.ok(!drivers.ops("update").includes("c-cp-0-config"), "the finished node is not redone");
    // The contract stays the creation version (kept by the secrets bundle), KubeSpan patch included.
    const cfg = drivers.inputsOf("c-pool-2-node");
    assert.deepStrictEqual(
      [cfg.talosVersion, cfg.configVersion, drivers.inputsOf("c-secrets").talosVersion],
      ["v1.13.9", "v1.12.4", "v1.12.4"],
    );
    assert.match(JSON.stringify(cfg.clusterPatches), /kubespan/);
    assert.doesNotMatch(JSON.stringify(cfg.clusterPatches), /KubeSpanConfig/);
  });

  it("scales the pool in deleting the -node config first, then the server, then the user-data config", async () => {
    await run("up", {
      talosVersion: "v1.13.9",
      workers: { robot: [cp(3)], cloudPools: [{ name: "pool", count: 2, serverType: "cx33", location: "fsn1" }] },
    });
    assert.deepStrictEqual(drivers.ops("delete"), ["c-pool-2-node", "c-pool-2", "c-pool-2-config"]);
  });

  it("keeps a control plane's server and firewall when its config refuses the delete", async () => {
    drivers.failDelete.add("c-cp-2-config");
    const two = {
      talosVersion: "v1.13.9",
      controlPlanes: [0, 1].map(cp),
      workers: { robot: [cp(3)], cloudPools: [{ name: "pool", count: 2, serverType: "cx33", location: "fsn1" }] },
    };
    await assert.rejects(run("up", two), /c-cp-2-config: injected failure of c-cp-2-config/);
    // The engine deletes independent resources in parallel; the config depends on its node's firewall, so it waits.
    assert.deepStrictEqual(drivers.ops("delete"), ["c-cp-2-config"]);
    drivers.reset();
    await run("up", two);
    assert.deepStrictEqual(drivers.ops("delete"), ["c-cp-2-config", "c-cp-2-firewall", "c-cp-2"]);
  });
});
