/**
 * The KubeSpan mesh analysis as a pure function over hand-written observations: all up, up without
 * traffic, a blocked node, endpoint unknown, KubeSpan or discovery disabled, an unreachable node, too
 * few peers; the machine-config switches; and the table texts.
 * Does not prove: that talosctl's real output parses into these observations (the engine tests do
 * that against the stand-in).
 */
import * as assert from "assert";
import { analyzeMesh } from "../../../../provider/runtime/kubespan-mesh/analyze";
import { columns, meshProblem, reportText } from "../../../../provider/runtime/kubespan-mesh/format";
import { NodeObservation, ObservedPeerStatus, meshSwitches } from "../../../../provider/runtime/kubespan-mesh/observe";

const NODES = [
  { name: "cp-1", address: "10.0.0.1", where: "robot" as const },
  { name: "cp-2", address: "10.0.0.2", where: "robot" as const },
  { name: "wk-1", address: "10.0.1.1", where: "cloud" as const },
];
const key = (name: string) => `${name}-pub=`;

function status(peer: string, o: Partial<ObservedPeerStatus> = {}): ObservedPeerStatus {
  const n = NODES.find((x) => x.name === peer)!;
  return {
    publicKey: key(peer),
    label: peer,
    endpoint: `${n.address}:51820`,
    state: "up",
    receiveBytes: 100,
    transmitBytes: 80,
    ...o,
  };
}

/** Observations where every node sees every other up, with per-link overrides `node>peer`. */
function world(
  over: Record<string, Partial<ObservedPeerStatus> | null> = {},
  nodeOver: Record<string, Partial<NodeObservation>> = {},
): NodeObservation[] {
  return NODES.map((n) => {
    const peers = NODES.filter((p) => p !== n).filter((p) => over[`${n.name}>${p.name}`] !== null);
    return {
      ...n,
      identity: { address: `fd00::${n.address.split(".")[3]}`, publicKey: key(n.name) },
      specs: peers.map((p) => ({ publicKey: key(p.name), label: p.name, endpoints: [`${p.address}:51820`] })),
      statuses: peers.map((p) => status(p.name, over[`${n.name}>${p.name}`] ?? {})),
      ...nodeOver[n.name],
    };
  });
}

describe("KubeSpan mesh analysis", () => {
  it("is healthy when every node sees every other up with traffic, and tabulates the mesh", () => {
    const r = analyzeMesh(world(), 2);
    assert.deepStrictEqual([r.healthy, r.downLinks, r.blockedNodes], [true, [], []]);
    assert.deepStrictEqual(r.rows[2], {
      node: "wk-1",
      where: "cloud",
      kubespanAddress: "fd00::1",
      publicKey: "wk-1-pub=",
      peersUp: 2,
      peersTotal: 2,
      peers: [
        { peer: "cp-1", endpoint: "10.0.0.1:51820", state: "up" },
        { peer: "cp-2", endpoint: "10.0.0.2:51820", state: "up" },
      ],
    });
    assert.strictEqual(
      reportText(r),
      [
        "NODE   WHERE   KUBESPAN ADDRESS   PUBLIC KEY   PEERS UP",
        "cp-1   robot   fd00::1            cp-1-pub=    2/2",
        "cp-2   robot   fd00::2            cp-2-pub=    2/2",
        "wk-1   cloud   fd00::1            wk-1-pub=    2/2",
      ].join("\n"),
    );
  });

  it("names a node whose every link is down as blocked on UDP 51820, with the firewall to fix", () => {
    const down = { state: "down", receiveBytes: 0, transmitBytes: 0 };
    const r = analyzeMesh(world({ "cp-1>wk-1": down, "cp-2>wk-1": down, "wk-1>cp-1": down, "wk-1>cp-2": down }), 2);
    assert.deepStrictEqual([r.healthy, r.permanent, r.blockedNodes], [false, false, ["wk-1"]]);
    assert.strictEqual(
      meshProblem(r),
      [
        "KubeSpan mesh is not fully up: 4 of 6 node-to-peer links are down",
        "wk-1 (cloud): UDP 51820 appears blocked: every link to and from it is down while it is a known peer; its Hetzner Cloud firewall must allow inbound UDP 51820 from 0.0.0.0/0 and ::/0 (kubeSpanFirewallRules())",
        "NODE   PEER   STATE   ENDPOINT         LIKELY CAUSE",
        "cp-1   wk-1   down    10.0.1.1:51820   UDP 51820 blocked: wk-1 is a known peer with endpoint 10.0.1.1:51820, but no WireGuard handshake gets through",
        "cp-2   wk-1   down    10.0.1.1:51820   UDP 51820 blocked: wk-1 is a known peer with endpoint 10.0.1.1:51820, but no WireGuard handshake gets through",
        "wk-1   cp-1   down    10.0.0.1:51820   UDP 51820 blocked: cp-1 is a known peer with endpoint 10.0.0.1:51820, but no WireGuard handshake gets through",
        "wk-1   cp-2   down    10.0.0.2:51820   UDP 51820 blocked: cp-2 is a known peer with endpoint 10.0.0.2:51820, but no WireGuard handshake gets through",
      ].join("\n"),
    );
    const robot = analyzeMesh(world({ "cp-1>cp-2": down, "cp-1>wk-1": down, "cp-2>cp-1": down, "wk-1>cp-1": down }), 2);
    assert.match(
      meshProblem(robot).split("\n")[1],
      /^cp-1 \(robot\): .* its Robot firewall must allow inbound UDP 51820 \(RobotFirewall\)$/,
    );
  });

  it("explains up-without-traffic, unknown endpoints, pending handshakes and undiscovered peers", () => {
    const r = analyzeMesh(
      world({
        "cp-1>cp-2": { receiveBytes: 0 },
        "cp-2>cp-1": { endpoint: "", state: "unknown" },
        "cp-2>wk-1": { state: "unknown" },
        "wk-1>cp-1": null,
      }),
      2,
    );
    assert.deepStrictEqual(
      r.downLinks.map((d) => [d.node, d.peer, d.state, d.cause]),
      [
        ["cp-1", "cp-2", "up", "up but no traffic yet (received 0 B, sent 80 B)"],
        ["cp-2", "cp-1", "unknown", "endpoint unknown: cp-2 has no endpoint for cp-1 (it published no address)"],
        [
          "cp-2",
          "wk-1",
          "unknown",
          "handshake pending: cp-2 is trying endpoint 10.0.1.1:51820 of wk-1 (unknown for up to 15 s after an endpoint change)",
        ],
        [
          "wk-1",
          "cp-1",
          "none",
          "wk-1 has not discovered cp-1 as a KubeSpan peer (no discovery entry: another cluster id, or not published yet)",
        ],
      ],
    );
    assert.deepStrictEqual(
      [r.permanent, r.blockedNodes, r.rows[0].peers[0].state, r.rows[0].peersUp],
      [false, [], "up (no traffic)", 1],
    );
  });

  it("blames a config without KubeSpan or discovery, and calls that permanent", () => {
    const off = { identity: null, specs: [], statuses: [], config: { kubespan: false, discovery: true } };
    const r = analyzeMesh(world({ "cp-1>wk-1": null, "cp-2>wk-1": null }, { "wk-1": off }), 2);
    assert.deepStrictEqual(
      [r.permanent, r.downLinks.length, new Set(r.downLinks.map((d) => d.cause)).size],
      [true, 4, 1],
    );
    assert.strictEqual(
      r.downLinks[0].cause,
      "KubeSpan is not enabled in wk-1's machine config (a KubeSpanConfig document or machine.network.kubespan.enabled: true; check its machineconfig)",
    );
    const noDiscovery = analyzeMesh(
      world(
        { "cp-1>cp-2": null, "cp-1>wk-1": null, "cp-2>cp-1": null, "wk-1>cp-1": null },
        { "cp-1": { specs: [], statuses: [], config: { kubespan: true, discovery: false } } },
      ),
      2,
    );
    assert.deepStrictEqual(
      [noDiscovery.permanent, noDiscovery.downLinks[0].cause],
      [
        true,
        "cluster discovery is not enabled in cp-1's machine config (KubeSpan finds peers through cluster.discovery.enabled: true)",
      ],
    );
  });

  it("marks an unreachable node's links and reports nodes that see too few peers", () => {
    const r = analyzeMesh(
      world(
        {},
        {
          "cp-2": {
            error: "rpc error: code = Unavailable desc = connection refused",
            identity: undefined,
            specs: [],
            statuses: [],
          },
        },
      ),
      2,
    );
    // cp-1 and wk-1 still list cp-2 up (their last handshake is recent); only cp-2's own view is missing.
    assert.deepStrictEqual(
      r.downLinks.map((d) => [d.node, d.peer, d.state]),
      [
        ["cp-2", "cp-1", "unreachable"],
        ["cp-2", "wk-1", "unreachable"],
      ],
    );
    assert.strictEqual(
      r.downLinks[0].cause,
      "cp-2 is unreachable: rpc error: code = Unavailable desc = connection refused",
    );
    const few = analyzeMesh(world(), 3);
    assert.deepStrictEqual(
      few.downLinks.map((d) => [d.node, d.peer, d.state, d.cause]),
      NODES.map((n) => [n.name, "*", "2/3 up", `${n.name} sees 2 peers up, expected 3`]),
    );
    assert.strictEqual(few.permanent, false);
  });

  it("reads the KubeSpan and discovery switches from either config layout", () => {
    const v13 =
      "version: v1alpha1\ncluster:\n    discovery:\n        enabled: true\n---\napiVersion: v1alpha1\nkind: KubeSpanConfig\nenabled: true\n";
    const v12 =
      "version: v1alpha1\nmachine:\n    network:\n        kubespan:\n            enabled: true\ncluster:\n    discovery:\n        enabled: false\n";
    assert.deepStrictEqual(
      [meshSwitches(v13), meshSwitches(v12), meshSwitches("version: v1alpha1\n")],
      [
        { kubespan: true, discovery: true },
        { kubespan: true, discovery: false },
        { kubespan: false, discovery: false },
      ],
    );
    assert.strictEqual(
      columns([
        ["A", "BB", "C"],
        ["aaa", "b", ""],
      ]),
      "A     BB   C\naaa   b",
      "padding stops at the last column; trailing blanks trimmed",
    );
  });
});
