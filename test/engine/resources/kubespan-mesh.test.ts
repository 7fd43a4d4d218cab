/**
 * KubeSpanMesh through the REAL dynamic-provider host against the simulated hybrid cluster
 * (test/engine/talos-bootstrap-world.test.ts): check errors, the mesh all up with its table, a Cloud
 * firewall without UDP 51820 (create fails naming the node and the port; refresh shows drift), a node
 * whose config does not enable KubeSpan (fails at once naming it), an unreachable node during a
 * refresh (its row kept, drift shown), and no private key or talosconfig credential in state or logs.
 * Does not prove: real WireGuard behaviour (the simulator decides `up` from configs and firewalls),
 * nor anything the Pulumi CLI adds beyond contracts/pulumi-dynamic.md.
 */
import * as assert from "assert";
import { KubeSpanMesh } from "../../../provider/resources/kubespan-mesh";
import { meshTable } from "../../../provider/runtime/kubespan-mesh/format";
import { talosAdminFirewallRules, toCloudApiRules } from "../../../provider/talos/firewall-rules";
import { ADMIN, ClusterWorld, WorldNode, credentialValues, urnOf } from "./talos-bootstrap/world";
import { secret } from "../harness";
import { isThinShim, registeredInputs } from "../harness-provider";

const meshNodes = (ns: WorldNode[]) => ns.map((n) => ({ name: n.name, address: n.address, where: n.where }));

describe("engine: KubeSpanMesh on the hybrid cluster", function () {
  this.timeout(180_000);
  let w: ClusterWorld;
  let args: Record<string, unknown>;
  const privateKeys: string[] = [];

  before(async () => {
    w = await ClusterWorld.get();
    args = { nodes: meshNodes(w.nodes), talosconfig: secret(w.talosconfig), deadlineSeconds: 2 };
  });

  it("registers a small shim with the talosconfig secret", async () => {
    assert.ok(isThinShim(w.providers.mesh));
    const { urn, inputs } = await registeredInputs(
      () => new KubeSpanMesh("m", { nodes: [], talosconfig: "talosconfig-text" }),
    );
    assert.strictEqual(urn, urnOf("KubeSpanMesh", "m"));
    assert.deepStrictEqual(inputs.talosconfig, {
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      value: "talosconfig-text",
    });
  });

  it("rejects at check too few nodes, bad addresses and places, duplicates and a missing talosconfig", async () => {
    const one = await w.h.preview(urnOf("KubeSpanMesh", "bad"), {
      __provider: w.providers.mesh,
      nodes: [{ name: "a", address: "10.0.0.2", where: "robot" }],
      talosconfig: "",
    });
    assert.deepStrictEqual(one.failures, [
      { property: "nodes", reason: "[nodes] must list at least two nodes (name, address, where): a mesh needs peers" },
      { property: "talosconfig", reason: "[talosconfig] is required: pass TalosBootstrap.talosconfig" },
    ]);
    const bad = await w.h.preview(urnOf("KubeSpanMesh", "bad"), {
      __provider: w.providers.mesh,
      talosconfig: "t",
      expectedPeers: 0,
      nodes: [
        { name: "a", address: "cp-1", where: "robot" },
        { name: "a", address: "10.0.0.3", where: "aws" },
      ],
    });
    assert.deepStrictEqual(bad.failures, [
      { property: "nodes", reason: '[nodes[0].address] must be the IP of the node\'s Talos API, got "cp-1"' },
      { property: "nodes", reason: '[nodes[1].where] must be "robot" or "cloud", got "aws"' },
      { property: "nodes", reason: '[nodes[1].name] "a" is already used by nodes[0]' },
      { property: "expectedPeers", reason: "[expectedPeers] must be a whole number of peers, at least 1, got 0" },
    ]);
  });

  it("creates when every node sees every other node up with traffic, and outputs the mesh table", async () => {
    const rec = await w.up("KubeSpanMesh", "mesh", args);
    const rows = rec.outputs.mesh as {
      node: string;
      where: string;
      kubespanAddress: string;
      publicKey: string;
      peersUp: number;
      peersTotal: number;
      peers: { peer: string; endpoint: string; state: string }[];
    }[];
    assert.deepStrictEqual([rec.outputs.healthy, rec.outputs.downLinks, rec.outputs.drift], [true, [], []]);
    assert.deepStrictEqual(
      rows.map((r) => [r.node, r.where, r.peersUp, r.peersTotal]),
      w.nodes.map((n) => [n.name, n.where, 4, 4]),
    );
    for (const n of w.nodes) {
      const [id] = await w.talosctl.getResources("kubespanidentities", {
        node: n.address,
        endpoints: [w.nodes[0].address],
        talosconfig: w.talosconfig,
      });
      const spec = id.spec as { address: string; publicKey: string; privateKey: string };
      privateKeys.push(spec.privateKey);
      const row = rows.find((r) => r.node === n.name)!;
      assert.deepStrictEqual(
        [row.publicKey, row.kubespanAddress],
        [spec.publicKey, spec.address.replace(/\/128$/, "")],
      );
      assert.deepStrictEqual(
        row.peers.map((p) => [p.peer, p.endpoint, p.state]).sort(),
        w.nodes
          .filter((o) => o !== n)
          .map((o) => [o.name, `${o.address}:51820`, "up"])
          .sort(),
      );
    }
    assert.strictEqual(rec.outputs.table, meshTable(rows as never));
    assert.ok(
      (rec.outputs.table as string).startsWith("NODE       WHERE   KUBESPAN ADDRESS"),
      rec.outputs.table as string,
    );
    assert.ok(w.h.logs.some((l) => l.endsWith("step 2/2: mesh up: 5 nodes, each with 4 peers up")));
  });

  it("fails naming the Cloud node and UDP 51820 when its firewall lacks the KubeSpan rule, and a refresh shows the drift", async () => {
    const w2 = w.workers[1];
    await w.cloud.servers.update(w2.serverId!, { labels: { cluster: "hybrid", role: "isolated" } });
    const fw = await w.cloud.firewalls.create({
      name: "isolated",
      rules: toCloudApiRules(
        talosAdminFirewallRules(
          ADMIN,
          w.nodes.map((n) => n.address),
        ),
      ),
      applyTo: [{ type: "label_selector", label_selector: { selector: "role=isolated" } }],
    });
    await w.cloud.actions.waitFor(fw.actions, { timeoutMs: 30_000 });
    try {
      const e = await w.upError("KubeSpanMesh", "mesh-blocked", args);
      const lines = e.details.split("\n");
      assert.deepStrictEqual(lines.slice(0, 2), [
        "KubeSpan mesh is not fully up: 8 of 20 node-to-peer links are down",
        "worker-2 (cloud): UDP 51820 appears blocked: every link to and from it is down while it is a known peer; its Hetzner Cloud firewall must allow inbound UDP 51820 from 0.0.0.0/0 and ::/0 (kubeSpanFirewallRules())",
      ]);
      assert.match(lines[2], /^NODE\s+PEER\s+STATE\s+ENDPOINT\s+LIKELY CAUSE$/);
      assert.match(
        lines[3],
        new RegExp(
          `^cp-1\\s+worker-2\\s+down\\s+${w2.address.replace(/\./g, "\\.")}:51820\\s+UDP 51820 blocked: worker-2 is a known peer with endpoint ${w2.address.replace(/\./g, "\\.")}:51820, but no WireGuard handshake gets through$`,
        ),
      );
      assert.strictEqual(lines[lines.length - 1], "(still not up after 2s)");
      assert.strictEqual(lines.filter((l) => l.includes("worker-2")).length, 9);
      const r = await w.h.refresh(urnOf("KubeSpanMesh", "mesh"));
      assert.deepStrictEqual(
        [r.gone, r.diff?.changes, r.outputs?.healthy, (r.outputs?.drift as string[]).slice(0, 2)],
        [false, "some", false, lines.slice(0, 2)],
      );
      const others = ["cp-1", "cp-2", "cp-3", "worker-1"];
      assert.deepStrictEqual(
        (r.outputs?.downLinks as { node: string; peer: string }[]).map((d) => [d.node, d.peer]),
        [...others.map((n) => [n, "worker-2"]), ...others.map((n) => ["worker-2", n])],
      );
    } finally {
      await w.cloud.servers.update(w2.serverId!, { labels: { cluster: "hybrid", role: "worker" } });
    }
    const healed = await w.h.refresh(urnOf("KubeSpanMesh", "mesh"));
    assert.deepStrictEqual([healed.outputs?.healthy, healed.outputs?.drift, healed.diff?.changes], [true, [], "none"]);
  });

  it("fails at once naming a node whose config does not enable KubeSpan", async () => {
    const plain = await w.createWorker("worker-plain", false, false);
    try {
      const started = Date.now();
      const e = await w.upError("KubeSpanMesh", "mesh-plain", {
        ...args,
        deadlineSeconds: 60,
        nodes: meshNodes([w.nodes[0], w.nodes[1], plain]),
      });
      const lines = e.details.split("\n");
      assert.strictEqual(lines[0], "KubeSpan mesh is not fully up: 4 of 6 node-to-peer links are down");
      const cause =
        "KubeSpan is not enabled in worker-plain's machine config (a KubeSpanConfig document or machine.network.kubespan.enabled: true; check its machineconfig)";
      assert.deepStrictEqual(
        lines.slice(2).map((l) => l.split(/\s{3,}/)),
        [
          ["cp-1", "worker-plain", "none", "-", cause],
          ["cp-2", "worker-plain", "none", "-", cause],
          ["worker-plain", "cp-1", "none", "-", cause],
          ["worker-plain", "cp-2", "none", "-", cause],
        ],
      );
      assert.ok(Date.now() - started < 20_000, "a config cause does not wait for the 60 s deadline");
    } finally {
      await w.cloud.actions.waitFor([await w.cloud.servers.delete(plain.serverId!)], { timeoutMs: 30_000 });
    }
  });

  it("keeps an unreachable node's row and shows drift on refresh, then heals", async () => {
    const urn = urnOf("KubeSpanMesh", "mesh");
    const before = w.h.state.get(urn)!;
    const w1 = w.workers[0];
    const m = w.world.machines.get(w1.machineId)!;
    m.powerOff();
    try {
      const r = await w.h.refresh(urn);
      const drift = r.outputs?.drift as string[];
      assert.deepStrictEqual(
        [r.gone, r.diff?.changes, r.outputs?.healthy, drift[0]],
        [false, "some", false, "KubeSpan mesh is not fully up: 8 of 20 node-to-peer links are down"],
        drift.join("\n"),
      );
      const row = (r.outputs?.mesh as { node: string }[]).find((x) => x.node === "worker-1");
      assert.deepStrictEqual(
        row,
        (before.outputs.mesh as { node: string }[]).find((x) => x.node === "worker-1"),
        "the unreachable node's row is kept",
      );
      const down = r.outputs?.downLinks as { node: string; peer: string; state: string; cause: string }[];
      assert.deepStrictEqual(
        down.filter((d) => d.node === "worker-1").map((d) => [d.peer, d.state]),
        [
          ["cp-1", "unreachable"],
          ["cp-2", "unreachable"],
          ["cp-3", "unreachable"],
          ["worker-2", "unreachable"],
        ],
      );
      assert.match(down[0].cause, /^worker-1 is unreachable: /);
    } finally {
      m.powerOn();
      await w.waitConfigured(w1);
    }
    const healed = await w.h.refresh(urn);
    assert.deepStrictEqual([healed.outputs?.healthy, healed.outputs?.drift], [true, []]);
  });

  it("never records or logs a KubeSpan private key or a talosconfig credential", () => {
    assert.strictEqual(privateKeys.length, 5);
    w.assertNoSecretsLeaked([...privateKeys, ...credentialValues(w.talosconfig)]);
  });
});
