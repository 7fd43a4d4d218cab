/**
 * drainNode and waitNodeReady over a scripted fake API with a fake clock: which pods are skipped, evicted or only
 * waited for, the exact progress lines, refused evictions retried until the deadline and the exact DrainTimeoutError,
 * a cordon that rides out an unreachable API, and Ready waits that do the same (404 evictions: kube-client.test.ts).
 * Does not prove: the HTTP requests themselves (kube-client.test.ts) or a served API (integration kube-sim tests).
 */
import * as assert from "assert";
import { isError } from "../../../provider/internal/errors";
import {
  DrainApi,
  DrainTimeoutError,
  EvictResult,
  KubeApiError,
  KubeNode,
  KubePod,
  KubeUnreachableError,
  drainNode,
  waitNodeReady,
} from "../../../provider/kube";

const PDB = "Cannot evict pod as it would violate the pod's disruption budget.";

function p(namespace: string, name: string, extra: Partial<KubePod> = {}): KubePod {
  return {
    namespace,
    name,
    nodeName: "w-0",
    ownerKind: "ReplicaSet",
    mirror: false,
    emptyDir: false,
    phase: "Running",
    deleting: false,
    ...extra,
  };
}

/** A fake cluster: pods on the node, scripted eviction answers per pod, a clock that sleeping advances. */
class FakeApi implements DrainApi {
  clock = 1_000_000;
  calls: string[] = [];
  constructor(
    public pods: KubePod[],
    private readonly answers: Record<string, EvictResult[]> = {},
    private readonly sticky = new Set<string>(),
  ) {}
  readonly sleep = async (ms: number) => {
    this.clock += ms;
  };
  readonly now = () => this.clock;
  async cordon(name: string) {
    this.calls.push(`cordon ${name}`);
  }
  async podsOnNode(name: string) {
    this.calls.push(`pods ${name}`);
    return this.pods.map((x) => ({ ...x }));
  }
  async evict(pod: KubePod): Promise<EvictResult> {
    const ref = `${pod.namespace}/${pod.name}`;
    this.calls.push(`evict ${ref}`);
    const r = this.answers[ref]?.shift() ?? { evicted: true };
    if (r.evicted && !this.sticky.has(ref)) this.pods = this.pods.filter((x) => `${x.namespace}/${x.name}` !== ref);
    return r;
  }
}

const nodePods = () => [
  p("kube-system", "kube-proxy-abcde", { ownerKind: "DaemonSet" }),
  p("kube-system", "kube-flannel-ds-fghij", { ownerKind: "DaemonSet" }),
  p("kube-system", "kube-apiserver-w-0", { ownerKind: "Node", mirror: true }),
  p("default", "web-7d9c-abcde", { emptyDir: true }),
  p("default", "bare", { ownerKind: undefined }),
  p("default", "old-1", { deleting: true }),
];

describe("kube: drainNode", () => {
  it("cordons, skips DaemonSet and mirror pods, evicts the rest (bare with a warning) and waits for the terminating one", async () => {
    const api = new FakeApi(nodePods());
    let listings = 0; // the terminating pod old-1 leaves after the second listing
    const list = api.podsOnNode.bind(api);
    api.podsOnNode = async (n) => {
      const r = await list(n);
      if (++listings === 2) api.pods = api.pods.filter((x) => x.name !== "old-1");
      return r;
    };
    const lines: string[] = [];
    const r = await drainNode(api, "w-0", {
      timeoutMs: 300_000,
      sleep: api.sleep,
      now: api.now,
      log: (l) => lines.push(l),
    });
    assert.deepStrictEqual(r, {
      evicted: ["default/web-7d9c-abcde", "default/bare"],
      skipped: ["kube-system/kube-proxy-abcde", "kube-system/kube-flannel-ds-fghij", "kube-system/kube-apiserver-w-0"],
    });
    assert.deepStrictEqual(lines, [
      "drain 1/3: cordoning node w-0",
      "drain 2/3: evicting 2 pod(s) from w-0 (skipped 2 DaemonSet pod(s), 1 mirror pod(s)), waiting for 1 terminating pod(s)",
      "WARNING: deleting Pods that declare no controller: default/bare",
      "drain 3/3: waiting for 3 pod(s) to terminate on w-0",
    ]);
    assert.deepStrictEqual(api.calls, [
      "cordon w-0",
      "pods w-0",
      "evict default/web-7d9c-abcde",
      "evict default/bare",
      "pods w-0",
      "pods w-0",
    ]);
  });

  it("cordons through a moment of unreachable API; a missing node fails with the API's error", async () => {
    const api = new FakeApi([]);
    let refusals = 1;
    const cordon = api.cordon.bind(api);
    api.cordon = async (n) => {
      if (refusals-- > 0) throw new KubeUnreachableError("https://10.0.0.1:6443", "connect ECONNREFUSED 10.0.0.1:6443");
      return cordon(n);
    };
    assert.deepStrictEqual(await drainNode(api, "w-0", { timeoutMs: 60_000, sleep: api.sleep, now: api.now }), {
      evicted: [],
      skipped: [],
    });
    api.cordon = async () => {
      throw new KubeApiError("PATCH", "/api/v1/nodes/w-9", 404, "NotFound", 'nodes "w-9" not found');
    };
    const err = await drainNode(api, "w-9", { timeoutMs: 60_000, sleep: api.sleep, now: api.now }).catch((e) => e);
    assert.strictEqual(
      err.message,
      'Kubernetes API PATCH /api/v1/nodes/w-9 failed: nodes "w-9" not found (404 NotFound)',
    );
  });

  it("retries a refused eviction until it passes, logging the refusal once", async () => {
    const api = new FakeApi([p("default", "web-1"), p("default", "web-2")], {
      "default/web-2": [
        { evicted: false, reason: PDB },
        { evicted: false, reason: PDB },
      ],
    });
    const lines: string[] = [];
    const r = await drainNode(api, "w-0", {
      timeoutMs: 60_000,
      sleep: api.sleep,
      now: api.now,
      log: (l) => lines.push(l),
    });
    assert.deepStrictEqual(r.evicted, ["default/web-1", "default/web-2"]);
    assert.deepStrictEqual(
      api.calls.filter((c) => c.startsWith("evict")),
      ["evict default/web-1", "evict default/web-2", "evict default/web-2", "evict default/web-2"],
    );
    assert.strictEqual(lines.filter((l) => l.startsWith("eviction of")).length, 1, "a refusal is logged once per pod");
    assert.strictEqual(lines[2], `eviction of default/web-2 refused, retrying until the deadline: ${PDB}`);
  });

  it("fails with DrainTimeoutError naming the node, each refused pod and the API's reason once the deadline passes", async () => {
    const api = new FakeApi([p("default", "web-7d9c-abcde"), p("default", "ok")], {
      "default/web-7d9c-abcde": Array(100).fill({ evicted: false, reason: PDB }),
    });
    const start = api.clock;
    const err = await drainNode(api, "hybrid-w-0", { timeoutMs: 300_000, sleep: api.sleep, now: api.now }).catch(
      (e) => e,
    );
    assert.ok(isError(err, "DrainTimeoutError"), String(err));
    assert.strictEqual(
      err.message,
      `drain of node hybrid-w-0 did not finish within 300s: 1 pod(s) remain: default/web-7d9c-abcde (${PDB})`,
    );
    assert.deepStrictEqual(
      [(err as DrainTimeoutError).node, (err as DrainTimeoutError).remaining],
      ["hybrid-w-0", ["default/web-7d9c-abcde"]],
    );
    assert.strictEqual(api.clock - start, 300_000, "it waits exactly until the deadline");
  });

  it("fails naming the pods still terminating when they do not leave before the deadline", async () => {
    const api = new FakeApi([p("default", "slow")], {}, new Set(["default/slow"]));
    const err = await drainNode(api, "w-0", { timeoutMs: 10_000, sleep: api.sleep, now: api.now }).catch((e) => e);
    assert.strictEqual(
      err.message,
      "drain of node w-0 did not finish within 10s: 1 pod(s) remain: default/slow (still terminating)",
    );
  });
});

describe("kube: waitNodeReady", () => {
  it("waits through an unreachable API and a NotReady node", async () => {
    const node: KubeNode = {
      name: "w-0",
      addresses: ["10.0.0.5"],
      ready: false,
      unschedulable: true,
      kubeletVersion: "v1.36.3",
      osImage: "Talos (v1.13.9)",
    };
    const answers: (KubeNode | Error | undefined)[] = [
      new KubeUnreachableError("https://10.0.0.1:6443", "connect ECONNREFUSED 10.0.0.1:6443"),
      undefined,
      node,
      { ...node, ready: true },
    ];
    let clock = 0;
    const k = {
      getNode: async () => {
        const a = answers.shift();
        if (a instanceof Error) throw a;
        return a;
      },
    };
    const r = await waitNodeReady(k, "w-0", {
      timeoutMs: 60_000,
      sleep: async (ms) => {
        clock += ms;
      },
      now: () => clock,
    });
    assert.deepStrictEqual(r, { ...node, ready: true });
    assert.strictEqual(answers.length, 0);
  });

  it("times out naming the node and the last error", async () => {
    let clock = 0;
    const k = {
      getNode: async (): Promise<KubeNode | undefined> => {
        throw new KubeUnreachableError("https://10.0.0.1:6443", "connect ECONNREFUSED 10.0.0.1:6443");
      },
    };
    const err = await waitNodeReady(k, "w-0", {
      timeoutMs: 30_000,
      sleep: async (ms) => {
        clock += ms;
      },
      now: () => clock,
    }).catch((e) => e);
    assert.strictEqual(
      err.message,
      "timed out after 30s waiting for node w-0 to be Ready (last error: Kubernetes API https://10.0.0.1:6443 is unreachable: connect ECONNREFUSED 10.0.0.1:6443)",
    );
  });
});
