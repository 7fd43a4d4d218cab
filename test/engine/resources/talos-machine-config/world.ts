/**
 * Shared setup of the TalosMachineConfig engine tests: a simulator with Robot machines whose disks
 * already hold a Talos image in maintenance mode (no RobotServer install), the real
 * dynamic-provider host with the talosctl stand-in, and `up`/`preview` helpers that play the
 * engine (check → diff → create/update, state recorded with the secret keys the resource class
 * marks). It holds no tests of its own (its name only matches the engine-test file pattern);
 * every suite importing it proves the setup by installing the seeded nodes.
 * Does not prove: anything about a real Talos node or the Pulumi CLI.
 */
import * as assert from "assert";
import { Simulator, startSimulator } from "../../../../provider/sim";
import { robotServerScenario } from "../../../../provider/sim/apis/robot/scenario";
import { SimTalosRuntime } from "../../../../provider/sim/talos/runtime";
import type { TalosNode } from "../../../../provider/sim/talos/node/node";
import { changedInputKeys } from "../../../../provider/sim/pulumi/display";
import { markSecrets } from "../../../../provider/sim/pulumi/values";
import { pollUntil } from "../../../../provider/internal/poll";
import { TalosMachineConfig } from "../../../../provider/resources/talos-machine-config";
import { SECRET_INPUT_KEYS, SECRET_OUTPUT_KEYS } from "../../../../provider/runtime/talos-machine-config/types";
import { Talosctl } from "../../../../provider/talos/talosctl";
import { EngineHarness, capturedProvider } from "../../harness";

type Props = Record<string, unknown>;

/** One seeded machine. */
export interface SimNode {
  ip: string;
  machineId: string;
  installDisk: string;
  version: string;
}

/** A running simulator + host for machine-config tests. */
export interface NodeWorld {
  sim: Simulator;
  talosctl: Talosctl;
  h: EngineHarness;
  provider: string;
  secretsYaml: string;
  nodes: SimNode[];
  /** The simulator's node object behind a machine (fault knobs such as `busy`). */
  simNode(machineId: string): TalosNode;
  stop(): Promise<void>;
}

/**
 * Starts the simulator with one maintenance-mode machine per version and waits until each answers;
 * `foreign` more machines (v1.13.9) boot configured by another cluster (the previous owner's config).
 */
export async function startNodeWorld(versions: string[], foreign = 0): Promise<NodeWorld> {
  // Other suites' simulators may run at the same time on this host: pick addresses far from theirs.
  const first = 20000 + Math.floor(Math.random() * 40000);
  const all = [
    ...versions.map((v) => [v, false] as const),
    ...Array.from({ length: foreign }, () => ["v1.13.9", true] as const),
  ];
  const servers = all.map(([version, configured], i) => {
    const s = robotServerScenario(first + i);
    s.machine.disks[0].seed = { talos: { version, arch: "amd64", platform: "metal", configured } };
    return s;
  });
  const sim = await startSimulator({ scenario: { robot: { user: "robot", password: "robot-pass", servers } } });
  const talosctl = Talosctl.locate({ binary: sim.talosctl });
  const nodes = servers.map((s, i) => ({
    ip: s.machine.ipv4!,
    machineId: s.machine.id,
    installDisk: `/dev/${s.machine.disks[0].name}`,
    version: all[i][0],
  }));
  await Promise.all(nodes.slice(0, versions.length).map((n) => waitForMaintenance(talosctl, n.ip)));
  const provider = await capturedProvider(
    () =>
      new TalosMachineConfig("probe", {
        secretsYaml: "x",
        clusterName: "c",
        endpoint: "https://c:6443",
        role: "worker",
        talosVersion: "v1.13.9",
        node: "10.0.0.1",
      }),
  );
  const h = await EngineHarness.start({ env: { TALOSCTL: sim.talosctl } });
  await h.configure({}); // the engine always configures first; without it the host's Config is empty

  const secretsYaml = await talosctl.genSecrets("v1.13.9");
  const runtime = sim.world.talosRuntime as SimTalosRuntime;
  await pollUntil(async () => (nodes.every((n) => runtime.node(n.machineId)) ? true : undefined), {
    what: "every seeded node to boot",
    timeoutMs: 30000,
    initialMs: 100,
    maxMs: 500,
  });
  return {
    sim,
    talosctl,
    h,
    provider,
    secretsYaml,
    nodes,
    simNode: (id) => runtime.node(id) ?? assert.fail(`no running Talos node on ${id}`),
    async stop() {
      await h.stop();
      await sim.stop();
    },
  };
}

/** Waits until `ip` answers the insecure maintenance API (or any API at all once `configured`). */
export async function waitForMaintenance(talosctl: Talosctl, ip: string, timeoutMs = 30000): Promise<void> {
  await pollUntil(
    async () => ((await talosctl.getResources("disks", { node: ip, insecure: true })).length > 0 ? true : undefined),
    {
      what: `Talos maintenance mode on ${ip}`,
      timeoutMs,
      initialMs: 100,
      maxMs: 500,
      transient: () => true,
    },
  );
}

/** The inputs a program would give for node `n` (patch lists and bundle are secret in the resource class). */
export function nodeInputs(w: NodeWorld, n: SimNode, over: Props = {}): Props {
  return {
    __provider: w.provider,
    secretsYaml: w.secretsYaml,
    clusterName: "sim",
    endpoint: `https://${w.nodes[0].ip}:6443`,
    role: "controlplane",
    talosVersion: n.version,
    installDisk: n.installDisk,
    node: n.ip,
    hostname: `cp-${n.ip.split(".").pop()}`,
    ...over,
  };
}

/** What one `pulumi up` step did for a resource. */
export interface UpResult {
  op: "create" | "update" | "replace" | "same";
  diffKeys: string[];
  outputs: Props;
  checked: Props;
}

/** Plays `pulumi up` for one resource: check → diff → create/update/same, then records state like the engine. */
export async function up(w: NodeWorld, urn: string, news: Props): Promise<UpResult> {
  const old = w.h.state.get(urn);
  const checked = await w.h.check(urn, old?.inputs ?? {}, news);
  if (checked.failures.length) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
  let op: UpResult["op"] = "create";
  let diffKeys: string[] = [];
  let id = old?.id ?? "";
  let outputs = old?.outputs ?? {};
  if (!old) ({ id, properties: outputs } = await w.h.create(urn, checked.inputs));
  else {
    const diff = await w.h.diff(old.id, urn, old.outputs, checked.inputs);
    diffKeys = changedInputKeys(old.inputs, checked.inputs);
    // DIFF_UNKNOWN: the engine's own input diff decides (contract pulumi-dynamic §3).
    op = diff.replaces.length
      ? "replace"
      : diff.changes === "some" || (diff.changes === "unknown" && diffKeys.length)
        ? "update"
        : "same";
    if (op === "update") outputs = (await w.h.update(old.id, urn, old.outputs, checked.inputs)).properties;
    if (op === "replace") ({ id, properties: outputs } = await w.h.create(urn, checked.inputs));
  }
  // The engine re-marks checked inputs secret by key (annotateSecrets); the class marks these keys secret.
  w.h.record(urn, id, markSecrets(checked.inputs, SECRET_INPUT_KEYS), outputs, [...SECRET_OUTPUT_KEYS]);
  return { op, diffKeys, outputs, checked: checked.inputs };
}
