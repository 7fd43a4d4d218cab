/**
 * The TalosMachineConfig roll against a scripted fake node and a fake Kubernetes API: exact step
 * order and talosctl calls of a control-plane upgrade, resume on an already upgraded node, a drain
 * timeout leaving the node cordoned, a node that never comes back, the graceful reboot, and node
 * removal behind the quorum guard. Does not prove: talosctl's or Kubernetes' real behaviour (the
 * engine tests run against the simulator).
 */
import * as assert from "assert";
import * as fs from "fs";
import { FIXTURES } from "../../../../helpers/fixtures";
import { TalosHetznerError } from "../../../../../provider/internal/errors";
import { setLogSink } from "../../../../../provider/internal/log";
import { ConfigRenderCache } from "../../../../../provider/talos/config";
import { ApplyConfigOptions, EtcdMember, TalosApiError } from "../../../../../provider/talos/talosctl";
import { KubeAccess, RuntimeDeps, TalosClient } from "../../../../../provider/runtime/talos-machine-config/deps";
import { deliverMachineConfig } from "../../../../../provider/runtime/talos-machine-config/apply";
import { deleteMachineConfig } from "../../../../../provider/runtime/talos-machine-config/read";
import { MachineConfigInputs, MachineConfigOutputs } from "../../../../../provider/runtime/talos-machine-config/types";

const GEN = FIXTURES + "/talos/gen-config";
/** gen config's output for an installer image (the fixture has none). */
const fixture = (role: string, image = "ghcr.io/siderolabs/installer:v1.12.5") =>
  fs
    .readFileSync(`${GEN}/v1.13/base-${role}.yaml`, "utf8")
    .replace("    install:\n", `    install:\n        image: ${image}\n`);
const secretsYaml = fs.readFileSync(`${GEN}/secrets.yaml`, "utf8");
const down = (node: string) =>
  new TalosApiError("version", [
    {
      node,
      grpcCode: "Unavailable",
      detail: `connection error: desc = "transport: Error while dialing: dial tcp ${node}:50000: connect: connection refused"`,
    },
  ]);
const member = (id: string, host: string, ip: string): EtcdMember => ({
  node: ip,
  id,
  hostname: host,
  peerUrls: [`https://${ip}:2380`],
  clientUrls: [`https://${ip}:2379`],
  learner: false,
});

/** A small cluster as talosctl and the Kubernetes API see it; every call is recorded. */
class FakeCluster {
  readonly calls: string[] = [];
  tag = "v1.12.5";
  active = fixture("controlplane");
  hangAfterUpgrade = false;
  downNodes = new Set<string>();
  drainBlocked = false;
  unknownImage = false;
  /** What the node answers to etcd APIs instead of the member list (a worker, etcd not running). */
  etcdAnswer?: { grpcCode: string; detail: string };
  members = [member("0a", "cp-1", "10.0.0.1"), member("0b", "cp-2", "10.0.0.2"), member("0c", "cp-3", "10.0.0.3")];
  reachable = (node: string) =>
    !this.downNodes.has(node) && !(this.hangAfterUpgrade && this.tag === "v1.13.9" && node === "10.0.0.2");

  readonly client = {
    genConfig: async (o: { installImage: string }) => ({
      controlplane: fixture("controlplane", o.installImage),
      worker: fixture("worker", o.installImage),
      talosconfig: "context: base\n",
    }),
    validate: async () => [],
    getResources: async (type: string, o: { node: string }) => {
      this.calls.push(`get ${type} -n ${o.node}`);
      if (!this.reachable(o.node)) throw down(o.node);
      const meta = (id: string) => ({
        id,
        namespace: "config",
        type: "t",
        version: 1,
        owner: null,
        phase: "running",
        created: "",
        updated: "",
      });
      return [{ node: o.node, metadata: meta("v1alpha1"), spec: this.active }];
    },
    applyConfig: async (o: ApplyConfigOptions) => {
      this.calls.push(`apply ${o.mode}${o.dryRun ? " --dry-run" : ""}`);
      const reboot = /HTTP_PROXY/.test(o.config) && !/HTTP_PROXY/.test(this.active);
      if (!o.dryRun && o.mode !== "staged") this.active = o.config;
      if (o.mode === "staged" && !o.dryRun) this.staged = o.config;
      return {
        modeDetails: reboot ? "Applied configuration with a reboot" : "Applied configuration without a reboot",
        rebootNeeded: reboot,
        diff: null,
        warnings: [],
        dryRun: o.dryRun,
      };
    },
    version: async (o: { node: string }) => {
      this.calls.push(`version -n ${o.node}`);
      if (!this.reachable(o.node)) throw down(o.node);
      return { node: o.node, tag: this.tag, sha: "", goVersion: "", osArch: "" };
    },
    kubeconfig: async (o: { node: string }) => {
      this.calls.push(`kubeconfig -n ${o.node}`);
      return "kubeconfig";
    },
    etcdMembers: async (o: { node: string }) => {
      this.calls.push(`etcd members -n ${o.node}`);
      if (!this.reachable(o.node)) throw down(o.node);
      if (this.etcdAnswer) throw new TalosApiError("etcd members", [{ node: o.node, ...this.etcdAnswer }]);
      return this.members;
    },
    etcdForfeitLeadership: async (o: { node: string }) => {
      this.calls.push(`etcd forfeit-leadership -n ${o.node}`);
      // Talos's etcd.Client.ForfeitLeadership (internal/pkg/etcd/etcd.go), a plain error → gRPC Unknown.
      if (this.members.length === 1)
        throw new TalosApiError("etcd forfeit-leadership", [
          {
            node: o.node,
            grpcCode: "Unknown",
            detail: "failed to forfeit leadership: cannot forfeit leadership, only one member",
          },
        ]);
    },
    etcdRemoveMember: async (o: { node: string; memberId: string }) => {
      this.calls.push(`etcd remove-member ${o.memberId} -n ${o.node}`);
    },
    upgrade: async (o: { node: string; image: string; drain?: boolean; preserve?: boolean; timeoutMs?: number }) => {
      this.calls.push(
        `upgrade -n ${o.node} --image ${o.image} --drain=${o.drain}${o.preserve ? " --preserve" : ""} --timeout ${o.timeoutMs}`,
      );
      if (this.unknownImage)
        throw new TalosApiError("upgrade", [
          {
            node: o.node,
            grpcCode: "NotFound",
            detail: `failed to resolve reference "${o.image}": ${o.image}: not found`,
          },
        ]);
      this.tag = /:(v[\d.]+)$/.exec(o.image)![1];
    },
    reboot: async (o: { node: string }) => {
      this.calls.push(`reboot -n ${o.node}`);
      if (this.staged) this.active = this.staged;
    },
    reset: async () => {
      this.calls.push("reset");
    },
  } as unknown as TalosClient;
  staged?: string;

  readonly kube: KubeAccess = {
    listNodes: async () => [{ name: "cp-2", addresses: ["10.0.0.2"], ready: true, unschedulable: false }],
    nodeByAddress: async (ip) =>
      ip === "10.0.0.2" ? { name: "cp-2", addresses: [ip], ready: true, unschedulable: false } : undefined,
    cordon: async (n) => {
      this.calls.push(`kube cordon ${n}`);
    },
    uncordon: async (n) => {
      this.calls.push(`kube uncordon ${n}`);
    },
    deleteNode: async (n) => {
      this.calls.push(`kube delete node ${n}`);
    },
    drain: async (n) => {
      this.calls.push(`kube drain ${n}`); // drainNode cordons first
      if (this.drainBlocked)
        throw Object.assign(
          new TalosHetznerError(
            `drain of node ${n} timed out after 300s: default/web-1 (Cannot evict pod as it would violate the pod's disruption budget.)`,
          ),
          { name: "DrainTimeoutError" },
        );
      return { evicted: ["default/web-1"], skipped: ["kube-system/kube-proxy-x"] };
    },
    waitReady: async (n) => {
      this.calls.push(`kube wait ready ${n}`);
      return { name: n, addresses: [], ready: true, unschedulable: false };
    },
  };
}

const base = (over: Partial<MachineConfigInputs> = {}): MachineConfigInputs => ({
  secretsYaml,
  clusterName: "base",
  endpoint: "https://10.0.0.1:6443",
  role: "controlplane",
  talosVersion: "v1.13.9",
  configVersion: "v1.13.9",
  node: "10.0.0.2",
  hostname: "cp-2",
  ...over,
});
const olds = (over: Partial<MachineConfigInputs> = {}) =>
  ({ ...base({ talosVersion: "v1.12.5", ...over }), redactedConfig: "x", configHash: "h" }) as unknown as Record<
    string,
    unknown
  >;

describe("TalosMachineConfig roll (fake node and Kubernetes API)", () => {
  let c: FakeCluster;
  let deps: RuntimeDeps;
  let logs: string[];
  let restore: () => void;
  beforeEach(() => {
    c = new FakeCluster();
    let t = 0;
    deps = {
      talosctl: () => c.client,
      kube: () => c.kube,
      cache: new ConfigRenderCache(),
      sleep: async (ms) => {
        t += ms;
      },
      now: () => t,
    };
    logs = [];
    const prev = setLogSink((l) => logs.push(l));
    restore = () => setLogSink(prev);
  });
  afterEach(() => restore());
  const steps = () => logs.filter((l) => / step \d+\//.test(l));

  it("upgrades a control plane: forfeit, cordon + drain, upgrade, version, config, uncordon + Ready, health — in this order", async () => {
    const out = await deliverMachineConfig(base({ upgradeTimeoutSeconds: 600 }), deps, olds());
    assert.deepStrictEqual(c.calls, [
      "get machineconfig -n 10.0.0.2",
      "version -n 10.0.0.2",
      "kubeconfig -n 10.0.0.2",
      "etcd members -n 10.0.0.2",
      "etcd forfeit-leadership -n 10.0.0.2",
      "kube drain cp-2",
      "etcd members -n 10.0.0.2",
      "upgrade -n 10.0.0.2 --image ghcr.io/siderolabs/installer:v1.13.9 --drain=false --timeout 600000",
      "version -n 10.0.0.2",
      "get machineconfig -n 10.0.0.2",
      "apply auto --dry-run",
      "apply auto",
      "get machineconfig -n 10.0.0.2",
      "kube uncordon cp-2",
      "kube wait ready cp-2",
      "etcd members -n 10.0.0.2",
    ]);
    assert.deepStrictEqual([out.appliedMode, out.liveConfigHash], ["no-reboot", out.configHash]);
    assert.deepStrictEqual(
      steps().map((l) => l.replace(/ \(.*$/, "")),
      [
        "[cp-2] step 1/12: rendering the controlplane config",
        "[cp-2] step 2/12: probing the Talos API of 10.0.0.2",
        "[cp-2] step 3/12: checking the Talos version of 10.0.0.2",
        "[cp-2] step 4/12: forfeiting etcd leadership",
        "[cp-2] step 5/12: cordoning and draining Kubernetes node cp-2",
        "[cp-2] step 6/12: upgrading 10.0.0.2 to ghcr.io/siderolabs/installer:v1.13.9",
        "[cp-2] step 7/12: waiting for 10.0.0.2 to report v1.13.9",
        "[cp-2] step 8/12: dry run with applyMode auto",
        "[cp-2] step 9/12: applying with applyMode auto",
        "[cp-2] step 10/12: reading the config back",
        "[cp-2] step 11/12: uncordoning cp-2 and waiting until it is Ready",
        "[cp-2] step 12/12: health: etcd membership and every Kubernetes node Ready",
      ],
    );
  });

  it("upgrades the only member of an etcd without forfeiting (Talos refuses: only one member) and with --preserve", async () => {
    c.members = c.members.slice(1, 2);
    await deliverMachineConfig(base({ drain: false }), deps, olds());
    assert.deepStrictEqual(
      c.calls.filter((l) => l.startsWith("upgrade") || l.startsWith("etcd")),
      [
        "etcd members -n 10.0.0.2",
        "etcd members -n 10.0.0.2",
        "upgrade -n 10.0.0.2 --image ghcr.io/siderolabs/installer:v1.13.9 --drain=false --preserve --timeout 900000",
        "etcd members -n 10.0.0.2",
      ],
    );
    assert.ok(
      logs.some((l) =>
        l.includes("10.0.0.2 is the only etcd member: no leadership to hand over (Talos refuses to forfeit it)"),
      ),
      logs.join("\n"),
    );
  });

  it("upgrades without forfeiting when the node answers as no control plane or its etcd does not run yet (Talos's real answers)", async () => {
    const answers = [
      { grpcCode: "Unimplemented", detail: "member list is only available on control plane nodes" },
      {
        grpcCode: "Unavailable",
        detail:
          'connection error: desc = "transport: Error while dialing: dial tcp 10.0.0.2:2379: connect: connection refused"',
      },
    ];
    for (const answer of answers) {
      c = new FakeCluster();
      c.etcdAnswer = answer;
      await deliverMachineConfig(base({ drain: false }), deps, olds());
      assert.deepStrictEqual(
        c.calls.filter((l) => l.startsWith("etcd") || l.startsWith("upgrade")).map((l) => l.split(" --")[0]),
        ["etcd members -n 10.0.0.2", "etcd members -n 10.0.0.2", "upgrade -n 10.0.0.2"],
      );
    }
    assert.ok(
      logs.some((l) =>
        l.includes(
          "10.0.0.2 answers as no control plane (talosctl etcd members failed on node 10.0.0.2: Unimplemented: member list is only available on control plane nodes): nothing to forfeit",
        ),
      ),
      logs.join("\n"),
    );
    assert.ok(
      logs.some((l) =>
        l.includes(
          "etcd is not running on the control planes of 10.0.0.2 (cluster not bootstrapped yet?): nothing to forfeit",
        ),
      ),
      logs.join("\n"),
    );
  });

  it("stops before draining when etcd members fails otherwise (the old invented FailedPrecondition text is no skip)", async () => {
    c.etcdAnswer = { grpcCode: "FailedPrecondition", detail: "etcd is not running on this node" };
    await assert.rejects(deliverMachineConfig(base(), deps, olds()), {
      message:
        "[cp-2] etcd members: talosctl etcd members failed on node 10.0.0.2: FailedPrecondition: etcd is not running on this node",
    });
    assert.ok(!c.calls.some((l) => l.startsWith("kube drain") || l.startsWith("upgrade")), c.calls.join("\n"));
  });

  it("passes --preserve to a node older than v1.8", async () => {
    c.tag = "v1.7.6";
    await deliverMachineConfig(
      base({ role: "worker", drain: false }),
      deps,
      olds({ role: "worker", talosVersion: "v1.7.6" }),
    );
    assert.deepStrictEqual(
      c.calls.filter((l) => l.startsWith("upgrade")),
      ["upgrade -n 10.0.0.2 --image ghcr.io/siderolabs/installer:v1.13.9 --drain=false --preserve --timeout 900000"],
    );
    assert.ok(!c.calls.some((l) => l.startsWith("kube") || l.startsWith("etcd")), c.calls.join("\n"));
  });

  it("refuses to upgrade undrained when etcd runs but the Kubernetes API does not answer", async () => {
    const unreachable = Object.assign(
      new TalosHetznerError("the Kubernetes API https://10.0.0.1:6443 is unreachable: connect ECONNREFUSED"),
      { name: "KubeUnreachableError" },
    );
    c.kube.nodeByAddress = async () => {
      throw unreachable;
    };
    await assert.rejects(deliverMachineConfig(base(), deps, olds()), (e: Error) => {
      assert.match(
        e.message,
        /cannot drain node 10\.0\.0\.2: etcd runs on control plane 10\.0\.0\.2 but the Kubernetes API does not answer \(the Kubernetes API https:\/\/10\.0\.0\.1:6443 is unreachable: connect ECONNREFUSED\); fix the API endpoint, or set drain: false to proceed without draining/,
      );
      return true;
    });
    assert.ok(!c.calls.some((l) => l.startsWith("upgrade")), c.calls.join("\n"));
  });

  it("resumes on a node already upgraded (interrupted before its config): no forfeit, drain or upgrade; config, uncordon, health", async () => {
    c.tag = "v1.13.9";
    c.active = fixture("controlplane", "ghcr.io/siderolabs/installer:v1.13.9");
    const out = await deliverMachineConfig(base(), deps, olds());
    assert.deepStrictEqual(c.calls, [
      "get machineconfig -n 10.0.0.2",
      "version -n 10.0.0.2",
      "kubeconfig -n 10.0.0.2",
      "etcd members -n 10.0.0.2",
      "apply auto --dry-run",
      "apply auto",
      "get machineconfig -n 10.0.0.2",
      "kube uncordon cp-2",
      "kube wait ready cp-2",
      "etcd members -n 10.0.0.2",
    ]);
    assert.strictEqual(out.appliedMode, "no-reboot");
  });

  it("uncordons the node again when it refuses the upgrade (installer image not found) and stops the roll", async () => {
    c.unknownImage = true;
    await assert.rejects(deliverMachineConfig(base(), deps, olds()), (e: Error) => {
      assert.match(e.message, /^\[cp-2\] upgrade to v1\.13\.9/);
      assert.ok(e.message.includes('failed to resolve reference "ghcr.io/siderolabs/installer:v1.13.9"'), e.message);
      return true;
    });
    assert.deepStrictEqual(
      c.calls.filter((l) => l.startsWith("kube ") || l.startsWith("upgrade")).map((l) => l.split(" --")[0]),
      ["kube drain cp-2", "upgrade -n 10.0.0.2", "kube uncordon cp-2", "kube wait ready cp-2"],
    );
    assert.ok(
      logs.some((l) => l.includes("the node refused the upgrade and was not rebooted: cp-2 is uncordoned again")),
      logs.join("\n"),
    );
  });

  it("stops on a drain timeout with the node left cordoned, before touching Talos", async () => {
    c.drainBlocked = true;
    await assert.rejects(deliverMachineConfig(base(), deps, olds()), {
      message:
        "[cp-2] drain: drain of node cp-2 timed out after 300s: default/web-1 (Cannot evict pod as it would violate the pod's disruption budget.); the node stays cordoned (uncordon was not done); resolve the blocking pods, then re-run to resume",
    });
    assert.deepStrictEqual(c.calls.slice(-3), [
      "etcd members -n 10.0.0.2",
      "etcd forfeit-leadership -n 10.0.0.2",
      "kube drain cp-2",
    ]);
    assert.ok(!c.calls.some((l) => l.startsWith("upgrade") || l.includes("uncordon")));
  });

  it("stops the roll when the node does not come back on the new version", async () => {
    c.hangAfterUpgrade = true;
    await assert.rejects(deliverMachineConfig(base({ upgradeTimeoutSeconds: 30 }), deps, olds()), {
      message: `[cp-2] upgrade to v1.13.9: node 10.0.0.2 did not come back within 30s: no answer (talosctl version failed on node 10.0.0.2: Unavailable: connection error: desc = "transport: Error while dialing: dial tcp 10.0.0.2:50000: connect: connection refused")`,
    });
    assert.ok(!c.calls.includes("kube uncordon cp-2"));
  });

  it("applies a change that needs a reboot gracefully: drain, staged, reboot, read back, uncordon", async () => {
    c.tag = "v1.13.9";
    const patch = { rolePatches: [{ machine: { env: { HTTP_PROXY: "http://proxy:3128" } } }] };
    const out = await deliverMachineConfig(base(patch), deps, olds({ talosVersion: "v1.13.9" }));
    assert.deepStrictEqual(c.calls, [
      "get machineconfig -n 10.0.0.2",
      "apply auto --dry-run",
      "kubeconfig -n 10.0.0.2",
      "kube drain cp-2",
      "apply staged",
      "reboot -n 10.0.0.2",
      "get machineconfig -n 10.0.0.2",
      "kube uncordon cp-2",
      "kube wait ready cp-2",
    ]);
    assert.strictEqual(out.appliedMode, "reboot");
    assert.strictEqual(steps().length, 7);
  });
});

describe("TalosMachineConfig node removal (fake node and Kubernetes API)", () => {
  let c: FakeCluster;
  let deps: RuntimeDeps;
  let restore: () => void;
  beforeEach(() => {
    c = new FakeCluster();
    c.tag = "v1.13.9";
    deps = {
      talosctl: () => c.client,
      kube: () => c.kube,
      cache: new ConfigRenderCache(),
      sleep: async () => undefined,
      now: () => 0,
    };
    const prev = setLogSink(() => undefined);
    restore = () => setLogSink(prev);
  });
  afterEach(() => restore());
  const props = (over: Partial<MachineConfigInputs> = {}) =>
    ({ ...base(over), config: "", appliedMode: "no-reboot", rebootPending: false, drift: [] }) as MachineConfigOutputs;

  it("checks quorum, drains, removes the etcd member through another member, deletes the Kubernetes node", async () => {
    await deleteMachineConfig(props(), deps);
    assert.deepStrictEqual(c.calls, [
      "get machineconfig -n 10.0.0.2",
      "etcd members -n 10.0.0.2",
      "version -n 10.0.0.1",
      "version -n 10.0.0.3",
      "kubeconfig -n 10.0.0.2",
      "kube drain cp-2",
      "etcd remove-member 0b -n 10.0.0.1",
      "kube delete node cp-2",
    ]);
  });

  it("refuses to go below quorum before touching the node, unless allowQuorumLoss", async () => {
    c.downNodes.add("10.0.0.1");
    c.downNodes.add("10.0.0.3");
    await assert.rejects(deleteMachineConfig(props(), deps), {
      message:
        "[cp-2] refusing to remove control plane 10.0.0.2 from etcd: 0 of the 2 remaining members would be healthy, below the quorum of 2; set allowQuorumLoss to remove it anyway",
    });
    assert.ok(!c.calls.some((l) => l.startsWith("kube")), `refused before any cordon or drain:\n${c.calls.join("\n")}`);
    c.downNodes.delete("10.0.0.3");
    await assert.rejects(deleteMachineConfig(props({ drain: false }), deps), {
      message:
        "[cp-2] refusing to remove control plane 10.0.0.2 from etcd: 1 of the 2 remaining members would be healthy, below the quorum of 2; set allowQuorumLoss to remove it anyway",
    });
    c.calls.length = 0;
    await deleteMachineConfig(props({ drain: false, allowQuorumLoss: true }), deps);
    assert.deepStrictEqual(
      c.calls.filter((l) => l.startsWith("etcd remove")),
      ["etcd remove-member 0b -n 10.0.0.3"],
    );
  });

  it("removes the last member without a guard; a node already gone is not drained but its Kubernetes Node is deleted", async () => {
    c.members = [member("0b", "cp-2", "10.0.0.2")];
    await deleteMachineConfig(props({ drain: false }), deps);
    assert.ok(!c.calls.some((l) => l.startsWith("etcd remove")));
    c.calls.length = 0;
    c.downNodes.add("10.0.0.2");
    await deleteMachineConfig(props({ endpoints: ["10.0.0.2"] }), deps);
    // Nothing to drain on a dead node, but its Kubernetes Node is deleted through a control plane that answers.
    assert.deepStrictEqual(c.calls, [
      "get machineconfig -n 10.0.0.2",
      "etcd members -n 10.0.0.1",
      "kubeconfig -n 10.0.0.1",
      "kube delete node cp-2",
    ]);
  });
});
