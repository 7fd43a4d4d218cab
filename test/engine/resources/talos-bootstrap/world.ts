/**
 * The hybrid cluster the TalosBootstrap, KubeSpanMesh and RobotFirewall engine tests share, built
 * once per mocha run in the simulator (composed from its parts like startSimulator): 3 Robot control planes seeded with a Talos
 * v1.13.9 metal image in maintenance mode, configured with `apply-config --insecure` and the KubeSpan
 * patch, behind Robot firewalls set through the RobotFirewall resource; 2 Cloud workers created
 * through the Cloud API from a snapshot of a Talos hcloud image (written straight onto a builder
 * server's disk — what TalosImage does through rescue and dd, without the rescue round trip), their
 * config in user-data, behind a Cloud firewall of kubeSpanFirewallRules() + talosAdminFirewallRules().
 * etcd is NOT bootstrapped here: the TalosBootstrap test does that. Its own tests only cover the world.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { KubeSpanMesh } from "../../../../provider/resources/kubespan-mesh";
import { RobotFirewall } from "../../../../provider/resources/robot-firewall";
import { TalosBootstrap } from "../../../../provider/resources/talos-bootstrap";
import { CloudClient } from "../../../../provider/hetzner/cloud";
import { pollUntil } from "../../../../provider/internal/poll";
import { CloudSim, startCloudSim } from "../../../../provider/sim/apis/cloud/server";
import { RobotSim, startRobotSim } from "../../../../provider/sim/apis/robot/server";
import { robotServerScenario } from "../../../../provider/sim/apis/robot/scenario";
import { World, createWorld } from "../../../../provider/sim/world";
import { SimTalosRuntime, installTalosRuntime } from "../../../../provider/sim/talos/runtime";
import { chooseTalosctl } from "../../../../provider/sim/talos/talosctl-binary";
import { HostCallError } from "../../../../provider/sim/pulumi/host-errors";
import {
  kubeSpanFirewallRules,
  talosAdminFirewallRules,
  toCloudApiRules,
} from "../../../../provider/talos/firewall-rules";
import { Talosctl } from "../../../../provider/talos/talosctl";
import { bundleSecretValues, validateBundle } from "../../../../provider/runtime/shared/bundle";
import { talosconfigFor } from "../../../../provider/runtime/talos-secrets";
import { assertNoSecrets } from "../../../helpers/secrets-scan";
import { EngineHarness, RecordedResource, capturedProvider, secret } from "../../harness";
import {
  ADMIN,
  CLOUD_ADDRESS_OFFSET,
  CLUSTER,
  ROBOT_N,
  TALOS,
  renderNode,
  robotServer,
  talosSnapshot,
} from "./world-parts";

/** Robot webservice password of the world; scanned for in state and logs. */
export const ROBOT_PASSWORD = "Robot-ws-Cluster-Pa55!";
export { ADMIN, CLUSTER, TALOS, credentialValues } from "./world-parts";

/** One node of the world. */
export interface WorldNode {
  name: string;
  address: string;
  where: "robot" | "cloud";
  machineId: string;
  serverNumber?: number;
  serverId?: number;
}

/** The real client over the simulated nodes' Talos API when built, else the stand-in (as startSimulator chooses). */
const TALOSCTL = chooseTalosctl();

/** URN of a resource of this world. */
export const urnOf = (type: string, name: string) =>
  `urn:pulumi:stack::project::pulumi-nodejs:dynamic/talos-hetzner:${type}::${name}`;

/** The shared cluster world. */
export class ClusterWorld {
  readonly providers: Record<"bootstrap" | "mesh" | "firewall", string> = { bootstrap: "", mesh: "", firewall: "" };
  readonly nodes: WorldNode[] = [];
  secretsYaml = "";
  /** A talosconfig with every control plane as endpoint (what the tests use to look at nodes directly). */
  talosconfig = "";
  snapshotId = 0;
  readonly talosctl: Talosctl;
  readonly cloud: CloudClient;

  private constructor(
    readonly world: World,
    readonly robot: RobotSim,
    readonly cloudSim: CloudSim,
    readonly h: EngineHarness,
    private readonly dir: string,
  ) {
    this.talosctl = Talosctl.locate({ binary: TALOSCTL.path });
    this.cloud = new CloudClient({ endpoint: cloudSim.endpoint, token: cloudSim.token, pollIntervalMs: 20 });
  }

  private static shared?: Promise<ClusterWorld>;

  /** The world of this mocha run (built on first use, stopped by the root `after` hook below). */
  static get(): Promise<ClusterWorld> {
    ClusterWorld.shared ??= ClusterWorld.build();
    return ClusterWorld.shared;
  }

  /** Stops the shared world if it was built. */
  static async stopShared(): Promise<void> {
    const w = ClusterWorld.shared;
    ClusterWorld.shared = undefined;
    if (w) await (await w).stop();
  }

  // The simulator composed from its parts (as startSimulator does) to reach the Cloud state's address counter.
  private static async build(): Promise<ClusterWorld> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cluster-world-"));
    const world = await createWorld({ timeScale: 0.001, stateDir: dir });
    installTalosRuntime(world);
    const servers = ROBOT_N.map((n, i) => robotServer(n, { talos: i < 3 }));
    const robot = await startRobotSim(world, { user: "robot-ws-user", password: ROBOT_PASSWORD, servers }, "127.0.0.1");
    const cloudSim = await startCloudSim(world, { token: "cloud-token-0123456789" }, "127.0.0.1", "");
    for (let i = 0; i < CLOUD_ADDRESS_OFFSET; i++) cloudSim.state.nextId("address");
    const h = await EngineHarness.start({
      env: {
        HETZNER_ROBOT_URL: robot.url,
        TALOSCTL: TALOSCTL.path,
        TALOS_HETZNER_TIME_SCALE: String(world.timeScale),
      },
      callTimeoutMs: 300_000,
    });
    await h.configure({
      "talos-hetzner:robotUser": secret("robot-ws-user"),
      "talos-hetzner:robotPassword": secret(ROBOT_PASSWORD),
    });
    const w = new ClusterWorld(world, robot, cloudSim, h, dir);
    await w.captureProviders();
    await w.configureCluster();
    return w;
  }

  private async captureProviders(): Promise<void> {
    this.providers.bootstrap = await capturedProvider(
      () =>
        new TalosBootstrap("probe", {
          clusterName: "p",
          secretsYaml: "x",
          bootstrapNode: "10.0.0.2",
          controlPlaneNodes: ["10.0.0.2"],
        }),
    );
    this.providers.mesh = await capturedProvider(() => new KubeSpanMesh("probe", { nodes: [], talosconfig: "x" }));
    this.providers.firewall = await capturedProvider(
      () => new RobotFirewall("probe", { serverNumber: 1, adminCidrs: ADMIN, nodeAddresses: [] }),
    );
  }

  /** Robot control planes and their numbers. */
  get controlPlanes(): WorldNode[] {
    return this.nodes.filter((n) => n.where === "robot");
  }
  /** Cloud workers. */
  get workers(): WorldNode[] {
    return this.nodes.filter((n) => n.where === "cloud");
  }
  /** The Talos runtime of the simulator. */
  get talos(): SimTalosRuntime {
    return this.world.talosRuntime as SimTalosRuntime;
  }

  private async configureCluster(): Promise<void> {
    for (const [i, n] of ROBOT_N.slice(0, 3).entries()) {
      const s = robotServerScenario(n);
      this.nodes.push({
        name: `cp-${i + 1}`,
        address: s.machine.ipv4!,
        where: "robot",
        machineId: s.machine.id,
        serverNumber: s.number,
      });
    }
    this.secretsYaml = await this.talosctl.genSecrets(TALOS);
    this.snapshotId = await talosSnapshot(this.cloud, this.world);
    for (const n of [1, 2]) await this.createWorker(`worker-${n}`, true);
    await Promise.all(
      this.controlPlanes.map((cp) => this.up("RobotFirewall", `fw-${cp.name}`, this.firewallArgs(cp.serverNumber!))),
    );
    await this.createCloudFirewall();
    for (const cp of this.controlPlanes) {
      const { config } = await renderNode(
        this.talosctl,
        this.secretsYaml,
        this.nodes[0].address,
        "controlplane",
        cp.name,
        true,
      );
      await this.talosctl.applyConfig({ node: cp.address, config, mode: "auto", insecure: true, dryRun: false });
    }
    await Promise.all(this.controlPlanes.map((cp) => this.waitConfigured(cp)));
    this.talosconfig = await talosconfigFor({
      secretsYaml: this.secretsYaml,
      clusterName: CLUSTER,
      endpoints: this.controlPlanes.map((c) => c.address),
      talosctl: this.talosctl,
    });
  }

  /** RobotFirewall args of a Robot server of the cluster. */
  firewallArgs(serverNumber: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      serverNumber,
      adminCidrs: ADMIN,
      nodeAddresses: this.nodes.map((n) => n.address),
      deadlineSeconds: 30,
      ...extra,
    };
  }

  /** Creates a Cloud worker from the Talos snapshot with its config as user-data; waits until it runs configured. */
  async createWorker(name: string, kubespan: boolean, track = true): Promise<WorldNode> {
    const { config } = await renderNode(
      this.talosctl,
      this.secretsYaml,
      this.nodes[0].address,
      "worker",
      name,
      kubespan,
    );
    const r = await this.cloud.servers.create({
      name,
      serverType: "cx23",
      image: this.snapshotId,
      location: "fsn1",
      userData: config,
      labels: { cluster: CLUSTER, role: "worker" },
    });
    await this.cloud.actions.waitFor([r.action, ...r.nextActions], { timeoutMs: 30_000 });
    const node: WorldNode = {
      name,
      address: r.server.public_net.ipv4!.ip,
      where: "cloud",
      machineId: `cloud-${r.server.id}`,
      serverId: r.server.id,
    };
    if (track) this.nodes.push(node);
    await this.waitConfigured(node);
    return node;
  }

  private async createCloudFirewall(): Promise<void> {
    const rules = toCloudApiRules([
      ...kubeSpanFirewallRules(),
      ...talosAdminFirewallRules(
        ADMIN,
        this.nodes.map((n) => n.address),
      ),
    ]);
    const r = await this.cloud.firewalls.create({
      name: "workers",
      rules,
      applyTo: [{ type: "label_selector", label_selector: { selector: "role=worker" } }],
    });
    await this.cloud.actions.waitFor(r.actions, { timeoutMs: 30_000 });
  }

  /** Waits until the node's Talos runs with a config and no reboot pending. */
  async waitConfigured(n: WorldNode): Promise<void> {
    await pollUntil(
      async () => {
        const node = this.talos.node(n.machineId);
        return node && !node.stopped && !node.maintenance && !node.rebootPending ? true : undefined;
      },
      { what: `${n.name} to run configured`, timeoutMs: 30_000, initialMs: 20, maxMs: 100 },
    );
  }

  /** Check + create like `pulumi up` for a new resource; records state with secret inputs and outputs. Rejects with HostCallError. */
  async up(
    type: "TalosBootstrap" | "KubeSpanMesh" | "RobotFirewall",
    name: string,
    args: Record<string, unknown>,
    secretOutputs: string[] = [],
  ): Promise<RecordedResource> {
    const urn = urnOf(type, name);
    const provider =
      this.providers[type === "TalosBootstrap" ? "bootstrap" : type === "KubeSpanMesh" ? "mesh" : "firewall"];
    const checked = await this.h.check(urn, {}, { __provider: provider, ...args });
    assert.deepStrictEqual(checked.failures, [], "check failures");
    const created = await this.h.create(urn, checked.inputs);
    return this.h.record(urn, created.id, { __provider: provider, ...args }, created.properties, secretOutputs);
  }

  /** The error `up` fails with (the test fails when it succeeds). */
  async upError(
    type: "TalosBootstrap" | "KubeSpanMesh" | "RobotFirewall",
    name: string,
    args: Record<string, unknown>,
  ): Promise<HostCallError> {
    return this.up(type, name, args).then(
      (r) => assert.fail(`expected ${name} to fail, got id ${r.id}`),
      (e: HostCallError) => e,
    );
  }

  /** Fails when a secret of the cluster (bundle values, talosconfig/kubeconfig keys, Robot password) shows in state or logs. */
  assertNoSecretsLeaked(extra: string[] = []): void {
    const bundle = bundleSecretValues(validateBundle(this.secretsYaml));
    assertNoSecrets([this.h.persistedState(), this.h.logs], [ROBOT_PASSWORD, ...bundle, ...extra], ["state", "logs"]);
  }

  /** Stops the harness and the simulator. */
  async stop(): Promise<void> {
    await this.h.stop();
    await Promise.allSettled([this.robot.stop(), this.cloudSim.stop()]);
    await this.world.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

// Root hook: the shared world is built by whichever test file needs it first and stopped at the end of the run.
after(async () => ClusterWorld.stopShared());
