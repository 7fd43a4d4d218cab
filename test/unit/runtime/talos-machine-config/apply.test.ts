/**
 * TalosMachineConfig create/update/read/delete orchestration against a scripted fake node (what
 * talosctl would return): maintenance install, adopt, dry run then apply per mode, no-reboot refusal,
 * busy retries, rejection, unreachable, drift and reset. Does not prove: talosctl's or a node's
 * real behaviour (test/engine/talos-machine-config*.test.ts run against the simulator).
 */
import * as assert from "assert";
import { FIXTURES } from "../../../helpers/fixtures";
import * as fs from "fs";
import { setLogSink } from "../../../../provider/internal/log";
import { ConfigRenderCache, configHash } from "../../../../provider/talos/config";
import { ApplyConfigOptions, TalosApiError } from "../../../../provider/talos/talosctl";
import { RuntimeDeps, TalosClient } from "../../../../provider/runtime/talos-machine-config/deps";
import { deliverMachineConfig } from "../../../../provider/runtime/talos-machine-config/apply";
import { deleteMachineConfig, readMachineConfig } from "../../../../provider/runtime/talos-machine-config/read";
import { MachineConfigInputs, MachineConfigOutputs } from "../../../../provider/runtime/talos-machine-config/types";
import { UNREACHABLE_HINT } from "../../../../provider/runtime/talos-machine-config/errors";

const GEN = FIXTURES + "/talos/gen-config";
const fixture = (role: string) => fs.readFileSync(`${GEN}/v1.13/base-${role}.yaml`, "utf8");
const secretsYaml = fs.readFileSync(`${GEN}/secrets.yaml`, "utf8");
const fail = (cmd: string, code: string, detail: string, node: string | null = "10.0.0.2") =>
  new TalosApiError(cmd, [{ node, grpcCode: code, detail }]);
const TLS =
  'connection error: desc = "transport: authentication handshake failed: tls: failed to verify certificate: x509: certificate signed by unknown authority"';
// A configured node's mutual TLS refuses a client without a certificate: grpc-go reads the alert with the server preface.
const REFUSED = 'connection error: desc = "error reading server preface: remote error: tls: certificate required"';

/** A node as talosctl sees it; `reboots` says whether the last apply needs one (what the node's dry run would say). */
class FakeNode {
  active: string | null = null;
  persistent: string | null = null;
  busy = 0;
  reachable = true;
  reboots = false;
  reject?: string;
  /** Accepts applies but keeps running what it had (a node that never confirms). */
  sticky = false;
  readonly calls: string[] = [];
  readonly client = {
    genConfig: async () => ({
      controlplane: fixture("controlplane"),
      worker: fixture("worker"),
      talosconfig: "context: base\n",
    }),
    validate: async () => [],
    getResources: async (type: string, o: { insecure?: boolean }) => this.get(type, o.insecure === true),
    applyConfig: async (o: ApplyConfigOptions) => this.apply(o),
    reset: async () => {
      this.calls.push("reset");
      this.active = this.persistent = null;
    },
    reboot: async () => {
      this.calls.push("reboot");
      this.active = this.persistent;
    },
  } as unknown as TalosClient;

  private get(type: string, insecure: boolean) {
    this.calls.push(`get ${type}${insecure ? " --insecure" : ""}`);
    if (!this.reachable)
      throw fail(
        "get",
        "Unavailable",
        'connection error: desc = "transport: Error while dialing: dial tcp 10.0.0.2:50000: connect: connection refused"',
        null,
      );
    if ((this.active === null) !== insecure) throw fail("get", "Unavailable", insecure ? REFUSED : TLS, null);
    const meta = (id: string) => ({
      id,
      namespace: "config",
      type: "MachineConfigs.config.talos.dev",
      version: 1,
      owner: null,
      phase: "running",
      created: "",
      updated: "",
    });
    if (type === "disks") return [{ node: "", metadata: { ...meta("sda"), namespace: "runtime" }, spec: {} }];
    return [
      { node: "10.0.0.2", metadata: meta("v1alpha1"), spec: this.active },
      { node: "10.0.0.2", metadata: meta("persistent"), spec: this.persistent },
    ];
  }

  private apply(o: ApplyConfigOptions) {
    this.calls.push(`apply ${o.mode}${o.insecure ? " --insecure" : ""}${o.dryRun ? " --dry-run" : ""}`);
    if (this.busy > 0 && !o.dryRun) {
      this.busy--;
      throw fail("apply-config", "FailedPrecondition", "another apply configuration is already in progress");
    }
    if (this.reject) throw fail("apply-config", "InvalidArgument", this.reject);
    const reboot = this.active !== null && (o.mode === "reboot" || (o.mode !== "staged" && this.reboots));
    if (this.reboots && (o.mode === "no-reboot" || o.mode === "try"))
      throw fail(
        "apply-config",
        "InvalidArgument",
        "this config change can't be applied in immediate mode\ndiff:\n...",
      );
    const details =
      o.mode === "staged"
        ? "Staged configuration to be applied after the next reboot"
        : reboot
          ? "Applied configuration with a reboot"
          : "Applied configuration without a reboot";
    if (!o.dryRun && !this.sticky) {
      this.persistent = o.config;
      if (o.mode !== "staged") this.active = o.config;
    }
    return {
      modeDetails: details,
      rebootNeeded: reboot || o.mode === "staged",
      diff: null,
      warnings: [],
      dryRun: o.dryRun,
    };
  }
}

const inputs = (over: Partial<MachineConfigInputs> = {}): MachineConfigInputs => ({
  secretsYaml,
  clusterName: "base",
  endpoint: "https://base:6443",
  role: "worker",
  talosVersion: "v1.13.9",
  node: "10.0.0.2",
  hostname: "w-1",
  ...over,
});

describe("TalosMachineConfig apply flow (fake node)", () => {
  let node: FakeNode;
  let deps: RuntimeDeps;
  let logs: string[];
  let restore: (s: (l: string) => void) => void;
  beforeEach(() => {
    node = new FakeNode();
    deps = {
      talosctl: () => node.client,
      cache: new ConfigRenderCache(),
      sleep: async () => undefined,
      now: () => Date.now(),
    };
    logs = [];
    const prev = setLogSink((l) => logs.push(l));
    restore = () => setLogSink(prev);
  });
  afterEach(() => restore(() => undefined));

  it("installs a node in maintenance mode over the insecure API and reads the config back", async () => {
    const out = await deliverMachineConfig(inputs(), deps);
    assert.deepStrictEqual(node.calls, [
      "get machineconfig",
      "get disks --insecure",
      "apply auto --insecure",
      "get machineconfig",
    ]);
    assert.deepStrictEqual(
      [out.appliedMode, out.rebootPending, out.liveConfigHash, out.drift],
      ["maintenance", false, out.configHash, []],
    );
    assert.strictEqual(configHash(node.active!), out.configHash);
    assert.deepStrictEqual(
      logs.filter((l) => / step /.test(l)).map((l) => l.replace(/ \(.*$/, "")),
      [
        "[w-1] step 1/5: rendering the worker config",
        "[w-1] step 2/5: probing the Talos API of 10.0.0.2",
        "[w-1] step 3/5: no dry run: the node is in maintenance mode and has no config yet",
        "[w-1] step 4/5: applying over the maintenance API",
        "[w-1] step 5/5: waiting for the node to run the config, then reading it back",
      ],
    );
  });

  it("adopts a node that already runs the same config without applying anything", async () => {
    const first = await deliverMachineConfig(inputs(), deps);
    node.calls.length = 0;
    const again = await deliverMachineConfig(inputs(), deps);
    assert.deepStrictEqual(node.calls, ["get machineconfig"]);
    assert.deepStrictEqual([again.appliedMode, again.configHash], ["unchanged", first.configHash]);
  });

  it("dry-runs first; a change the node needs a reboot for is staged, then the node is rebooted (drain off here)", async () => {
    await deliverMachineConfig(inputs({ drain: false }), deps);
    node.calls.length = 0;
    node.reboots = true;
    const out = await deliverMachineConfig(
      inputs({ drain: false, nodePatches: [{ machine: { env: { A: "1" } } }] }),
      deps,
    );
    assert.deepStrictEqual(node.calls, [
      "get machineconfig",
      "apply auto --dry-run",
      "apply staged",
      "reboot",
      "get machineconfig",
    ]);
    assert.strictEqual(out.appliedMode, "reboot");
    assert.ok(
      logs.some((l) => l.includes("dry run with applyMode auto (1 changed path(s): machine.env;")),
      logs.join("\n"),
    );
  });

  it("stages a change: the node keeps the new config, a reboot is pending", async () => {
    await deliverMachineConfig(inputs(), deps);
    const out = await deliverMachineConfig(
      inputs({ applyMode: "staged", nodePatches: ["machine: {nodeLabels: {a: b}}"] }),
      deps,
    );
    assert.deepStrictEqual(
      [out.appliedMode, out.rebootPending, out.liveConfigHash === out.configHash],
      ["staged", true, true],
    );
  });

  it("refuses a no-reboot apply of a change that needs a reboot, naming the node and the paths", async () => {
    await deliverMachineConfig(inputs(), deps);
    node.reboots = true;
    await assert.rejects(
      deliverMachineConfig(inputs({ applyMode: "no-reboot", nodePatches: [{ machine: { env: { A: "1" } } }] }), deps),
      {
        name: "RebootRequiredError",
        message:
          'node 10.0.0.2 cannot apply this config change with applyMode "no-reboot": it needs a reboot (changed: machine.env); use applyMode "auto", "reboot" or "staged"',
      },
    );
  });

  it("retries while the node is busy, and names the node when it rejects the config", async () => {
    node.busy = 2;
    const out = await deliverMachineConfig(inputs(), deps);
    assert.deepStrictEqual(
      node.calls.filter((c) => c.startsWith("apply")),
      ["apply auto --insecure", "apply auto --insecure", "apply auto --insecure"],
    );
    assert.strictEqual(out.appliedMode, "maintenance");
    assert.strictEqual(
      logs.filter((l) => l.includes("node busy (another apply configuration is already in progress); retry")).length,
      2,
    );
    node.reject = '1 error occurred:\n\t* specified install disk does not exist: "/dev/sdz"\n\n';
    await assert.rejects(deliverMachineConfig(inputs({ nodePatches: ["machine: {nodeLabels: {a: b}}"] }), deps), {
      name: "ConfigRejectedError",
      message:
        'node 10.0.0.2 rejected the machine config: 1 error occurred:\n\t* specified install disk does not exist: "/dev/sdz"',
    });
  });

  it("keeps a partial resource when the node accepts the config but never runs it", async () => {
    await deliverMachineConfig(inputs(), deps);
    node.sticky = true;
    await assert.rejects(
      deliverMachineConfig(inputs({ timeoutSeconds: 0.05, nodePatches: ["machine: {nodeLabels: {a: b}}"] }), deps),
      (e: any) => {
        assert.strictEqual(e.name, "PartialResourceError");
        assert.match(
          e.message,
          /^\[w-1\] node 10\.0\.0\.2 accepted the config but did not confirm it: timed out after 1s waiting for node 10\.0\.0\.2 to run the applied config [0-9a-f]{12} as its active config \(last seen: config [0-9a-f]{12}\)$/,
        );
        assert.deepStrictEqual(
          [e.id, e.partial.appliedMode, e.partial.liveConfigHash],
          ["base/10.0.0.2", "no-reboot", ""],
        );
        return true;
      },
    );
  });

  it("reports an unreachable node by address and endpoints", async () => {
    node.reachable = false;
    await assert.rejects(deliverMachineConfig(inputs({ endpoints: ["10.0.0.1"], timeoutSeconds: 0.05 }), deps), {
      name: "NodeUnreachableError",
      message:
        'node 10.0.0.2 is unreachable (Talos API through 10.0.0.1): Unavailable: connection error: desc = "transport: Error while dialing: dial tcp 10.0.0.2:50000: connect: connection refused"\n' +
        UNREACHABLE_HINT,
    });
  });

  it("refresh: drift as redacted per-path lines, unreachable keeps state, maintenance means no config", async () => {
    const outs = { ...inputs(), ...(await deliverMachineConfig(inputs(), deps)) } as MachineConfigOutputs;
    assert.deepStrictEqual(await readMachineConfig(outs, deps), outs);
    node.active = node.persistent = node.active!.replace(
      "machine:\n",
      'machine:\n    nodeLabels:\n        rogue: "yes"\n',
    );
    const drifted = await readMachineConfig(outs, deps);
    assert.deepStrictEqual(drifted.drift, ['+ machine.nodeLabels: {"rogue":"yes"}']);
    assert.notStrictEqual(drifted.liveConfigHash, outs.configHash);
    node.reachable = false;
    assert.deepStrictEqual(await readMachineConfig(drifted, deps), drifted);
    assert.ok(
      logs.some((l) => l.startsWith("[w-1] WARNING: refresh kept the last known state: node 10.0.0.2 is unreachable")),
      logs.join("\n"),
    );
    node.reachable = true;
    node.active = node.persistent = null;
    assert.deepStrictEqual((await readMachineConfig(outs, deps)).drift, [
      "- (the node has no config: maintenance mode)",
    ]);
  });

  it("delete leaves the node alone unless resetOnDelete, then waits for maintenance mode", async () => {
    const outs = { ...inputs(), ...(await deliverMachineConfig(inputs(), deps)) } as MachineConfigOutputs;
    await deleteMachineConfig(outs, deps);
    assert.ok(!node.calls.includes("reset"));
    await deleteMachineConfig({ ...outs, resetOnDelete: true }, deps);
    assert.deepStrictEqual(node.calls.slice(-3), ["reset", "get machineconfig", "get disks --insecure"]);
  });
});
