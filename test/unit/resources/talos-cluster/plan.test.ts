/**
 * The pure decisions of `TalosCluster` (node list and child names, argument errors, endpoint URL,
 * patches per scope, Cloud labels, installer image) and the demo's text helpers (node table,
 * per-path config diff lines, durations), as tables. Does not prove the component wires them into
 * its children (test/unit/talos-cluster.test.ts does).
 */
import * as assert from "assert";
import {
  checkServerNumbers,
  childNames,
  clusterPatchList,
  cloudServerLabels,
  endpointUrl,
  installImageFor,
  nodeLabelsPatch,
  planCluster,
} from "../../../../provider/resources/talos-cluster/plan";
import type { TalosClusterArgs } from "../../../../provider/resources/talos-cluster/types";
import { kubeSpanPatch } from "../../../../provider/talos/config";
import { duration, expandConfigDiffs, nodeTable } from "../../../../provider/sim/demo/display";

const server = (serverNumber: unknown) =>
  ({ serverNumber, installDisk: { wwn: `eui.${serverNumber}` } }) as TalosClusterArgs["controlPlanes"][number];
const cp = server(4);
const base: TalosClusterArgs = {
  talosVersion: "v1.13.9",
  controlPlanes: [server(1), server(2), server(3)],
  adminCidrs: ["198.51.100.0/24"],
};
const pool = (name: string, count: number) => ({ name, count, serverType: "cx33", location: "fsn1" });

describe("TalosCluster plan", () => {
  it("names every node by role, list and index, pools in order", () => {
    const plan = planCluster("prod", {
      ...base,
      workers: { robot: [cp], cloudPools: [pool("cloud", 2), pool("arm", 1)] },
    });
    assert.deepStrictEqual(plan, {
      controlPlanes: [0, 1, 2].map((i) => ({
        name: `prod-cp-${i}`,
        role: "controlplane",
        where: "robot",
        pool: "controlplane",
        index: i,
      })),
      robotWorkers: [{ name: "prod-worker-0", role: "worker", where: "robot", pool: "robot", index: 0 }],
      cloudWorkers: [
        { name: "prod-cloud-0", role: "worker", where: "cloud", pool: "cloud", index: 0 },
        { name: "prod-cloud-1", role: "worker", where: "cloud", pool: "cloud", index: 1 },
        { name: "prod-arm-0", role: "worker", where: "cloud", pool: "arm", index: 0 },
      ],
    });
    assert.deepStrictEqual(childNames("prod"), {
      secrets: "prod-secrets",
      image: "prod-image",
      firewall: "prod-firewall",
      bootstrap: "prod-bootstrap",
      mesh: "prod-mesh",
    });
  });

  const bad: [string, string, TalosClusterArgs][] = [
    ["a name that is not a DNS label", "Prod_1", base],
    ["no control planes", "prod", { ...base, controlPlanes: [] }],
    ["a pool name with capitals", "prod", { ...base, workers: { cloudPools: [pool("Cloud", 1)] } }],
    ["a reserved pool name", "prod", { ...base, workers: { cloudPools: [pool("cp", 1)] } }],
    ["two pools with one name", "prod", { ...base, workers: { cloudPools: [pool("a", 1), pool("a", 2)] } }],
    ["a negative count", "prod", { ...base, workers: { cloudPools: [pool("a", -1)] } }],
    ["a fractional count", "prod", { ...base, workers: { cloudPools: [pool("a", 1.5)] } }],
    ["a node name over 63 characters", "c".repeat(56), { ...base, workers: { cloudPools: [pool("cloud", 1)] } }],
    ["two control planes on one server", "prod", { ...base, controlPlanes: [server(1), server(2), server(1)] }],
    ["a dedicated worker on a control plane's server", "prod", { ...base, workers: { robot: [server(5), server(2)] } }],
  ];
  const messages = [
    '[name] must be lower-case letters, digits and dashes (it prefixes every hostname), got "Prod_1"',
    "[controlPlanes] must list at least one dedicated server (three for a highly available etcd)",
    '[workers.cloudPools[0].name] must be lower-case kebab-case of at most 20 characters, got "Cloud"',
    '[workers.cloudPools[0].name] "cp" is reserved for the component\'s own children (cp, worker, secrets, image, firewall, bootstrap, mesh)',
    '[workers.cloudPools[1].name] "a" is used by two pools',
    "[workers.cloudPools[0].count] must be an integer ≥ 0, got -1",
    "[workers.cloudPools[0].count] must be an integer ≥ 0, got 1.5",
    `[workers.cloudPools[0].name] makes the node name "${"c".repeat(56)}-cloud-0" longer than 63 characters (a hostname label)`,
    "[controlPlanes[2].serverNumber] server 1 is also controlPlanes[0].serverNumber: nodes prod-cp-0 and prod-cp-2 would install over each other; one dedicated server can be one node only",
    "[workers.robot[1].serverNumber] server 2 is also controlPlanes[1].serverNumber: nodes prod-cp-1 and prod-worker-1 would install over each other; one dedicated server can be one node only",
  ];
  bad.forEach(([what, name, args], i) =>
    it(`rejects ${what}, naming the argument`, () => {
      assert.throws(
        () => planCluster(name, args),
        (e: Error) => e.name === "InputError" && e.message === messages[i],
      );
    }),
  );

  it("leaves server numbers that are not known yet (outputs) to the check at resolution", () => {
    const later = { then: () => undefined };
    assert.strictEqual(
      planCluster("prod", { ...base, controlPlanes: [server(later), server(later), server(1)] }).controlPlanes.length,
      3,
    );
    assert.throws(() => checkServerNumbers(planCluster("prod", base).controlPlanes, [7, 8, 7]), {
      message:
        /^\[controlPlanes\[2\]\.serverNumber\] server 7 is also controlPlanes\[0\]\.serverNumber: nodes prod-cp-0 and prod-cp-2 /,
    });
  });

  it("turns host names and addresses into the Kubernetes API URL", () => {
    const cases: [string, string][] = [
      ["k8s.example.com", "https://k8s.example.com:6443"],
      ["k8s.example.com:443", "https://k8s.example.com:443"],
      ["203.0.113.10", "https://203.0.113.10:6443"],
      ["2001:db8::10", "https://[2001:db8::10]:6443"],
      [" https://k8s.example.com:6443 ", "https://k8s.example.com:6443"],
    ];
    assert.deepStrictEqual(
      cases.map(([i]) => endpointUrl(i)),
      cases.map(([, o]) => o),
    );
    assert.throws(() => endpointUrl(" "), { message: "[endpoint] must not be empty" });
  });

  it("puts KubeSpan first in the cluster patches and labels nodes only when asked", () => {
    assert.deepStrictEqual(clusterPatchList("v1.12.4", { mtu: 1380 }, ["a: 1"]), [
      kubeSpanPatch({ talosVersion: "v1.12.4", mtu: 1380 }),
      "a: 1",
    ]);
    assert.deepStrictEqual(
      [nodeLabelsPatch(undefined), nodeLabelsPatch({}), nodeLabelsPatch({ a: "b" })],
      [[], [], [{ machine: { nodeLabels: { a: "b" } } }]],
    );
    assert.deepStrictEqual(cloudServerLabels("prod", "cloud", { team: "x", "talos-pool": "spoofed" }), {
      team: "x",
      "talos-pool": "cloud",
      "talos-cluster": "prod",
      "talos-role": "worker",
    });
  });

  it("uses the official installer without a schematic and the factory's with one", () => {
    const id = "376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba";
    assert.deepStrictEqual(
      [
        installImageFor("v1.13.9", undefined, "metal"),
        installImageFor("v1.13.9", id, "metal"),
        installImageFor("v1.13.9", id, "hcloud"),
      ],
      [
        "ghcr.io/siderolabs/installer:v1.13.9",
        `factory.talos.dev/metal-installer/${id}:v1.13.9`,
        `factory.talos.dev/hcloud-installer/${id}:v1.13.9`,
      ],
    );
  });
});

describe("demo display", () => {
  it("prints the node table in aligned columns", () => {
    assert.strictEqual(
      nodeTable([
        {
          name: "h-cp-0",
          role: "controlplane",
          where: "robot",
          pool: "controlplane",
          serverId: "2321001",
          ipv4: "127.10.0.2",
        },
        { name: "h-cloud-0", role: "worker", where: "cloud", pool: "cloud", serverId: "1002", ipv4: "127.20.0.3" },
      ]),
      [
        "NAME        ROLE           WHERE   POOL           SERVER    IPV4",
        "h-cp-0      controlplane   robot   controlplane   2321001   127.10.0.2",
        "h-cloud-0   worker         cloud   cloud          1002      127.20.0.3",
      ].join("\n"),
    );
  });

  it("turns a changed redactedConfig line into one line per config path, even with the separator inside a value", () => {
    const before = "machine:\n  type: controlplane\n  nodeLabels: {}\n";
    const after = 'machine:\n  type: controlplane\n  nodeLabels:\n    x: "a\\" => \\"b"\n';
    assert.deepStrictEqual(
      expandConfigDiffs(`      redactedConfig: ${JSON.stringify(before)} => ${JSON.stringify(after)}`),
      ["      redactedConfig (per config path):", '        + machine.nodeLabels.x: "a\\" => \\"b"'],
    );
    for (const other of [
      "      rolePatches: [secret] => [secret]",
      "      redactedConfig: output<unknown>",
      "  ~ urn (update)",
    ])
      assert.deepStrictEqual(expandConfigDiffs(other), [other]);
  });

  it("formats durations", () => {
    assert.deepStrictEqual(
      [duration(400), duration(59_400), duration(67_000), duration(600_000)],
      ["0s", "59s", "1m 07s", "10m 00s"],
    );
  });
});
