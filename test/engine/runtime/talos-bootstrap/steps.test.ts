/**
 * TalosBootstrap's steps with a scripted talosctl and a fake clock (no host, no simulator): waiting
 * for bootstrap (FailedPrecondition / Unavailable retried, refusals at once with advice, deadline),
 * health output parsing and its error text, kubeconfig facts and the renewal window, talosconfig
 * endpoints, and diff.
 * Does not prove: that talosctl prints these texts (contracts/talosctl.md §8, §10; the engine tests
 * run the stand-in), nor anything about the engine.
 */
import * as assert from "assert";
import { issue, newCA, b64 } from "../../../../provider/sim/talos/pki/cert";
import { TalosApiError, RunOutput } from "../../../../provider/talos/talosctl";
import { ClusterClient, ClusterDeps } from "../../../../provider/runtime/shared/cluster-deps";
import { bootstrapEtcd } from "../../../../provider/runtime/talos-bootstrap/etcd";
import { healthError, runHealth } from "../../../../provider/runtime/talos-bootstrap/health";
import { parseHealthOutput } from "../../../../provider/talos/talosctl/health";
import {
  expiresWithin,
  kubeconfigFacts,
  withEndpoints,
} from "../../../../provider/runtime/talos-bootstrap/credentials";
import { diffBootstrap } from "../../../../provider/runtime/talos-bootstrap";

const NODE = "10.0.0.2";
const grpc = (code: string, detail: string) => new TalosApiError("bootstrap", [{ node: NODE, grpcCode: code, detail }]);

/** A client whose `bootstrap` answers from a script and whose `run` returns a canned health run. */
function scripted(
  answers: (Error | { alreadyBootstrapped: boolean })[],
  run?: RunOutput,
): { client: ClusterClient; calls: string[] } {
  const calls: string[] = [];
  const client: ClusterClient = {
    async bootstrap(o) {
      calls.push(`bootstrap ${o.node}`);
      const a = answers.shift() ?? answers[answers.length - 1];
      if (a instanceof Error) throw a;
      return a;
    },
    async run(args) {
      calls.push(args.join(" "));
      return run!;
    },
    async kubeconfig() {
      throw new Error("unused");
    },
    async etcdMembers() {
      throw new Error("unused");
    },
  };
  return { client, calls };
}

function fakeDeps(client: ClusterClient): ClusterDeps & { slept: number[] } {
  let clock = 1_000_000;
  const slept: number[] = [];
  return {
    talosctl: () => client,
    sleep: async (ms) => {
      slept.push(ms);
      clock += ms;
    },
    now: () => clock,
    slept,
  };
}

describe("TalosBootstrap steps", () => {
  it("waits while the node answers FailedPrecondition or is unreachable, then bootstraps", async () => {
    const { client, calls } = scripted([
      grpc("FailedPrecondition", "bootstrap is not available yet"),
      grpc("FailedPrecondition", "time is not in sync yet"),
      grpc(
        "Unavailable",
        'connection error: desc = "transport: Error while dialing: dial tcp 10.0.0.2:50000: connect: connection refused"',
      ),
      { alreadyBootstrapped: false },
    ]);
    const deps = fakeDeps(client);
    const waits: string[] = [];
    assert.deepStrictEqual(await bootstrapEtcd({ node: NODE }, 60_000, deps, (w) => waits.push(w)), {
      alreadyBootstrapped: false,
    });
    assert.deepStrictEqual([calls.length, deps.slept.length], [4, 3]);
    assert.deepStrictEqual(waits.slice(0, 2), [
      "talosctl bootstrap failed on node 10.0.0.2: FailedPrecondition: bootstrap is not available yet",
      "talosctl bootstrap failed on node 10.0.0.2: FailedPrecondition: time is not in sync yet",
    ]);
  });

  it("takes an already bootstrapped etcd as success", async () => {
    const { client } = scripted([{ alreadyBootstrapped: true }]);
    assert.deepStrictEqual(await bootstrapEtcd({ node: NODE }, 1000, fakeDeps(client)), { alreadyBootstrapped: true });
  });

  it("fails at once, with advice, when etcd is not configured or the node is a worker", async () => {
    for (const [code, detail, advice] of [
      [
        "InvalidArgument",
        "etcd is not configured",
        "its machine config has no etcd section; apply a control-plane config (machine.type controlplane, cluster.etcd) to it, or bootstrap another control-plane node",
      ],
      [
        "Unimplemented",
        "bootstrap is only available on control plane nodes",
        "it runs a worker config; bootstrap etcd on a control-plane node, one of controlPlaneNodes whose machine config has machine.type controlplane",
      ],
      [
        "FailedPrecondition",
        "bootstrap can only be performed on a control plane node",
        "it runs a worker config; bootstrap etcd on a control-plane node, one of controlPlaneNodes whose machine config has machine.type controlplane",
      ],
      [
        "Unimplemented",
        "machine type is not set, cannot use bootstrap API",
        "it has no machine config yet; apply its control-plane config first (make TalosBootstrap depend on the node's TalosMachineConfig)",
      ],
    ]) {
      const { client, calls } = scripted([grpc(code, detail)]);
      const deps = fakeDeps(client);
      await assert.rejects(bootstrapEtcd({ node: NODE }, 60_000, deps), {
        name: "BootstrapRefusedError",
        message: `[bootstrapNode] node ${NODE} refused bootstrap (${code}: ${detail}): ${advice}`,
      });
      assert.deepStrictEqual([calls.length, deps.slept], [1, []], detail);
    }
  });

  it("gives up at the deadline with the last answer", async () => {
    const { client } = scripted([grpc("FailedPrecondition", "bootstrap is not available yet")]);
    await assert.rejects(bootstrapEtcd({ node: NODE }, 5000, fakeDeps(client)), {
      name: "DeadlineError",
      message:
        "timed out after 5s waiting for node 10.0.0.2 to accept bootstrap (last error: talosctl bootstrap failed on node 10.0.0.2: FailedPrecondition: bootstrap is not available yet)",
    });
  });

  it("parses health progress (multi-line errors too) and names the check that kept failing", async () => {
    const stderr = [
      'discovered nodes: ["10.0.0.2" "10.0.0.5"]',
      "waiting for etcd to be healthy: ...",
      "waiting for etcd to be healthy: OK",
      "waiting for apid to be ready: ...",
      "waiting for apid to be ready: 1 error occurred:",
      "\t* 10.0.0.5: rpc error: code = Unavailable desc = connection refused",
      "",
      "healthcheck error: rpc error: code = DeadlineExceeded desc = context deadline exceeded",
      "",
    ].join("\n");
    assert.deepStrictEqual(parseHealthOutput(stderr), {
      checks: [
        { name: "etcd to be healthy", ok: true, lastError: null },
        {
          name: "apid to be ready",
          ok: false,
          lastError: "10.0.0.5: rpc error: code = Unavailable desc = connection refused",
        },
      ],
      error: "rpc error: code = DeadlineExceeded desc = context deadline exceeded",
    });
    const { client, calls } = scripted([], { exitCode: 1, stdout: "", stderr });
    const s = await runHealth(client, {
      node: NODE,
      endpoints: [NODE],
      controlPlaneNodes: [NODE],
      workerNodes: ["10.0.0.5"],
      waitMs: 30_000,
    });
    assert.deepStrictEqual(calls, [
      "health -n 10.0.0.2 -e 10.0.0.2 --wait-timeout 30s --control-plane-nodes 10.0.0.2 --worker-nodes 10.0.0.5",
    ]);
    assert.deepStrictEqual(s, {
      controlPlaneNodes: [NODE],
      workerNodes: ["10.0.0.5"],
      passed: ["etcd to be healthy"],
      healthy: false,
      failing: "apid to be ready",
      detail: "10.0.0.5: rpc error: code = Unavailable desc = connection refused",
    });
    assert.strictEqual(
      healthError("c", s, 30_000).message,
      '[c] cluster health not reached within 30s: check "apid to be ready" did not pass (last error: 10.0.0.5: rpc error: code = Unavailable desc = connection refused); passed: etcd to be healthy',
    );
    const failed = scripted([], {
      exitCode: 1,
      stdout: "",
      stderr: 'healthcheck error: rpc error: code = Unavailable desc = connection error: desc = "x"\n',
    });
    await assert.rejects(
      runHealth(failed.client, { node: NODE, controlPlaneNodes: [NODE], workerNodes: [], waitMs: 1000 }),
      { name: "TalosApiError", grpcCode: "Unavailable" },
    );
  });

  it("reads the API URL and client certificate expiry of a kubeconfig, and the renewal window", () => {
    const ca = newCA("ecdsa", { O: ["kubernetes"] });
    const admin = issue(ca, "ecdsa", {
      subject: { O: ["system:masters"], CN: "admin" },
      validityMs: 10 * 86_400_000,
      clientAuth: true,
      serverAuth: false,
    });
    const kc = `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://10.0.0.2:6443\n    certificate-authority-data: ${b64(ca.crt)}\nusers:\n- name: admin@c\n  user:\n    client-certificate-data: ${b64(admin.crt)}\n    client-key-data: ${b64(admin.key)}\n`;
    const f = kubeconfigFacts(kc);
    assert.strictEqual(f.server, "https://10.0.0.2:6443");
    assert.ok(Math.abs(Date.parse(f.expiry) - (Date.now() + 10 * 86_400_000)) < 120_000, f.expiry);
    assert.deepStrictEqual(
      [expiresWithin(f.expiry, 30, Date.now()), expiresWithin(f.expiry, 5, Date.now())],
      [true, false],
    );
    assert.throws(() => kubeconfigFacts("apiVersion: v1\nkind: Config\n"), {
      message: "talosctl kubeconfig returned a kubeconfig without a cluster server or a client certificate",
    });
  });

  it("fills a talosconfig's endpoints in talosctl's key order", () => {
    const base =
      "context: c\ncontexts:\n    c:\n        endpoints: []\n        ca: Q0E=\n        crt: Q1JU\n        key: S0VZ\n";
    assert.strictEqual(
      withEndpoints("baseTalosconfig", base, ["10.0.0.2", "10.0.0.3"]),
      "context: c\ncontexts:\n    c:\n        endpoints:\n            - 10.0.0.2\n            - 10.0.0.3\n        ca: Q0E=\n        crt: Q1JU\n        key: S0VZ\n",
    );
    assert.throws(() => withEndpoints("baseTalosconfig", "context: x\ncontexts: {}\n", []), {
      message: '[baseTalosconfig] is not a talosconfig: its current context "x" is not defined',
    });
  });

  it("diffs inputs, replaces on a new cluster name, and re-runs after drift or a partial create", () => {
    const olds = { clusterName: "c", bootstrapNode: NODE, controlPlaneNodes: [NODE], kubeconfig: "k", drift: [] };
    const news = { clusterName: "c", bootstrapNode: NODE, controlPlaneNodes: [NODE] };
    assert.deepStrictEqual(diffBootstrap(olds, news), { changes: false, replaces: [] });
    assert.deepStrictEqual(diffBootstrap(olds, { ...news, clusterName: "d" }), {
      changes: true,
      replaces: ["clusterName"],
    });
    assert.deepStrictEqual(diffBootstrap({ ...olds, drift: ["health: x"] }, news), { changes: true, replaces: [] });
    assert.deepStrictEqual(diffBootstrap({ ...olds, kubeconfig: undefined }, news), { changes: true, replaces: [] });
  });

  it("leaves health alone while nodes are only being removed (they are deleted after every update), and re-checks an added node", () => {
    const olds = {
      clusterName: "c",
      bootstrapNode: NODE,
      controlPlaneNodes: [NODE, "10.0.0.3", "10.0.0.4"],
      workerNodes: ["10.0.0.9"],
      endpoints: [NODE, "10.0.0.3", "10.0.0.4"],
      kubeconfig: "k",
      drift: [],
    };
    const shrunk = { ...olds, controlPlaneNodes: [NODE, "10.0.0.3"], workerNodes: [], endpoints: [NODE, "10.0.0.3"] };
    assert.deepStrictEqual(diffBootstrap(olds, shrunk), { changes: false, replaces: [] });
    assert.deepStrictEqual(diffBootstrap(olds, { ...shrunk, workerNodes: ["10.0.0.10"] }), {
      changes: true,
      replaces: [],
    });
    assert.deepStrictEqual(diffBootstrap(olds, { ...shrunk, kubeconfigRenewBeforeDays: 10 }), {
      changes: true,
      replaces: [],
    });
  });
});
