/**
 * `TalosCluster` under mocks beyond the hybrid example: scaling the Cloud pool (2 → 5, 3 → 2) changes only
 * the added/removed servers and configs plus the two verification resources' node lists; dedicated
 * workers, two pools, a DNS endpoint and a schematic produce the right children. Does not prove that
 * any child works (no provider code runs under mocks); index.test.ts covers the hybrid example.
 */
import * as assert from "assert";
import { kubeSpanPatch } from "../../../../provider/talos/config";
import { TalosCluster } from "../../../../provider/resources/talos-cluster";
import { diffMachineConfig } from "../../../../provider/runtime/talos-machine-config";
import {
  ADMIN,
  DYN,
  POOL,
  PROJECT,
  Props,
  Recorded,
  cpIp,
  cloudIp,
  runUnderMocks,
  runExample,
  masked,
  plain,
  byName,
} from "./mocks";

describe("TalosCluster under mocks: scaling the Cloud pool", function () {
  this.timeout(60000);

  /**
   * Names whose inputs differ between two runs, names only in one of them, and the configs whose inputs
   * differ only in what TalosMachineConfig's diff ignores (`rollPosition`) as [name, old, new position].
   */
  function compare(
    a: Recorded[],
    b: Recorded[],
  ): { changed: string[]; added: string[]; removed: string[]; rollOnly: [string, string, string][] } {
    const [ma, mb] = [byName(a), byName(b)];
    const differ = [...ma.keys()].filter(
      (n) => mb.has(n) && JSON.stringify(ma.get(n)!.inputs) !== JSON.stringify(mb.get(n)!.inputs),
    );
    // The engine asks the provider's diff, which reports no change for a roll position alone.
    const ignored = (n: string) =>
      ma.get(n)!.type === `${DYN}TalosMachineConfig` &&
      diffMachineConfig(ma.get(n)!.inputs, mb.get(n)!.inputs).changes === false;
    return {
      changed: differ.filter((n) => !ignored(n)).sort(),
      added: [...mb.keys()].filter((n) => !ma.has(n)).sort(),
      removed: [...ma.keys()].filter((n) => !mb.has(n)).sort(),
      rollOnly: differ
        .filter(ignored)
        .sort()
        .map((n): [string, string, string] => [n, ma.get(n)!.inputs.rollPosition, mb.get(n)!.inputs.rollPosition]),
    };
  }
  const worker = (i: number) => [`hybrid-cloud-${i}`, `hybrid-cloud-${i}-config`, `hybrid-cloud-${i}-node`];

  it("2 → 5 adds three servers with their configs and changes only the bootstrap and mesh node lists", async () => {
    const two = await runExample(2, 21);
    const five = await runExample(5, 30);
    assert.deepStrictEqual(compare(two.recorded, five.recorded), {
      changed: ["hybrid-bootstrap", "hybrid-mesh"],
      added: [...worker(2), ...worker(3), ...worker(4)],
      removed: [],
      rollOnly: [
        ["hybrid-cloud-0-node", "4 of 5, after hybrid-cp-2", "4 of 8, after hybrid-cp-2"],
        ["hybrid-cloud-1-node", "5 of 5, after hybrid-cloud-0", "5 of 8, after hybrid-cloud-0"],
        ["hybrid-cp-0-config", "1 of 5", "1 of 8"],
        ["hybrid-cp-1-config", "2 of 5, after hybrid-cp-0", "2 of 8, after hybrid-cp-0"],
        ["hybrid-cp-2-config", "3 of 5, after hybrid-cp-1", "3 of 8, after hybrid-cp-1"],
      ],
    });
    assert.deepStrictEqual(
      five.recorded.find((x) => x.name === "hybrid-cloud-4-node")!.inputs.rollPosition,
      "8 of 8, after hybrid-cloud-3",
    );
  });

  it("3 → 2 removes only the last server and its two configs", async () => {
    const three = await runExample(3, 24);
    const two = await runExample(2, 21);
    assert.deepStrictEqual(compare(three.recorded, two.recorded), {
      changed: ["hybrid-bootstrap", "hybrid-mesh"],
      added: [],
      removed: worker(2),
      rollOnly: [
        ["hybrid-cloud-0-node", "4 of 6, after hybrid-cp-2", "4 of 5, after hybrid-cp-2"],
        ["hybrid-cloud-1-node", "5 of 6, after hybrid-cloud-0", "5 of 5, after hybrid-cloud-0"],
        ["hybrid-cp-0-config", "1 of 6", "1 of 5"],
        ["hybrid-cp-1-config", "2 of 6, after hybrid-cp-0", "2 of 5, after hybrid-cp-0"],
        ["hybrid-cp-2-config", "3 of 6, after hybrid-cp-1", "3 of 5, after hybrid-cp-1"],
      ],
    });
  });
});

describe("TalosCluster under mocks: dedicated workers, two pools, a DNS endpoint, a schematic, no Robot firewalls", function () {
  this.timeout(60000);
  const SCHEMATIC = "376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba";

  it("creates the dedicated worker and both pools' nodes with the right configs and images", async () => {
    const run = await runUnderMocks(
      async () => {
        const c = new TalosCluster("edge", {
          clusterName: "edge-prod",
          talosVersion: "v1.12.4",
          kubernetesVersion: "1.33.2",
          endpoint: "k8s.example.com",
          schematicId: SCHEMATIC,
          controlPlanes: [{ serverNumber: 2321001, installDisk: { serial: "S1" } }],
          workers: {
            robot: [
              {
                serverNumber: 2321002,
                installDisk: { serial: "S2" },
                patches: ['machine:\n  sysctls:\n    vm.nr_hugepages: "512"\n'],
              },
            ],
            cloudPools: [
              { ...POOL, name: "a", count: 1 },
              { ...POOL, name: "b", count: 1, labels: { tier: "b" } },
            ],
          },
          patches: { worker: [{ machine: { kubelet: { extraArgs: { "max-pods": "250" } } } }] },
          kubeSpan: { mtu: 1380 },
          adminCidrs: ADMIN,
          robotFirewall: false,
          cloudImage: { arch: "x86", location: "nbg1" },
        });
        return { nodes: c.nodes };
      },
      {},
      16,
    );
    const r = byName(run.recorded);
    assert.deepStrictEqual([...r.keys()].sort(), [
      "edge",
      "edge-a-0",
      "edge-a-0-config",
      "edge-a-0-node",
      "edge-b-0",
      "edge-b-0-config",
      "edge-b-0-node",
      "edge-bootstrap",
      "edge-cp-0",
      "edge-cp-0-config",
      "edge-firewall",
      "edge-image",
      "edge-mesh",
      "edge-secrets",
      "edge-worker-0",
      "edge-worker-0-config",
    ]);
    // Roll order: the control plane, the dedicated worker, then the pools in order, one at a time.
    assert.deepStrictEqual(
      ["edge-cp-0-config", "edge-worker-0-config", "edge-a-0-node", "edge-b-0-node"].map(
        (n) => r.get(n)!.inputs.rollPosition,
      ),
      ["1 of 4", "2 of 4, after edge-cp-0", "3 of 4, after edge-worker-0", "4 of 4, after edge-a-0"],
    );
    assert.deepStrictEqual(plain(r.get("edge-b-0-node")!.inputs.nodePatches), [
      { machine: { nodeLabels: { tier: "b" } } },
    ]);
    const worker = r.get("edge-worker-0-config")!.inputs;
    assert.deepStrictEqual(
      [worker.role, worker.endpoint, worker.node, worker.kubernetesVersion, worker.clusterName, worker.installImage],
      [
        "worker",
        "https://k8s.example.com:6443",
        cpIp(1),
        "1.33.2",
        "edge-prod",
        `factory.talos.dev/metal-installer/${SCHEMATIC}:v1.12.4`,
      ],
    );
    assert.deepStrictEqual(plain(worker.rolePatches), [{ machine: { kubelet: { extraArgs: { "max-pods": "250" } } } }]);
    assert.deepStrictEqual(plain(worker.clusterPatches), [kubeSpanPatch({ talosVersion: "v1.12.4", mtu: 1380 })]);
    assert.deepStrictEqual(plain(r.get("edge-cp-0-config")!.inputs.rolePatches), []);
    assert.deepStrictEqual(plain(r.get("edge-b-0-config")!.inputs.nodePatches), [
      { machine: { nodeLabels: { tier: "b" } } },
    ]);
    assert.strictEqual(
      r.get("edge-a-0-config")!.inputs.installImage,
      `factory.talos.dev/hcloud-installer/${SCHEMATIC}:v1.12.4`,
    );
    // With robotFirewall: false the install firewall is the user's too: no adminCidrs reach the server.
    assert.deepStrictEqual(masked(r.get("edge-worker-0")!.inputs), {
      serverNumber: 2321002,
      name: "edge-worker-0",
      owner: `${PROJECT}/dev/edge-worker-0`,
      image: { version: "v1.12.4", schematicId: SCHEMATIC },
      installDisk: { serial: "S2" },
    });
    assert.deepStrictEqual(masked(r.get("edge-image")!.inputs), {
      talosVersion: "v1.12.4",
      schematicId: SCHEMATIC,
      arch: "x86",
      location: "nbg1",
      resourceName: "edge-image",
      adminCidrs: ADMIN,
      pools: ["a", "b"].map((name) => ({ name, ...POOL })),
    });
    assert.deepStrictEqual(masked(r.get("edge-bootstrap")!.inputs), {
      clusterName: "edge-prod",
      secretsYaml: "[secret]",
      bootstrapNode: cpIp(0),
      controlPlaneNodes: [cpIp(0)],
      endpoints: [cpIp(0)],
      workerNodes: [cpIp(1), cloudIp("edge-a-0"), cloudIp("edge-b-0")],
      kubernetesVersion: "1.33.2",
    });
    assert.deepStrictEqual(
      run.outputs.nodes.value.map((n: Props) => `${n.name} ${n.role} ${n.where} ${n.pool}`),
      [
        "edge-cp-0 controlplane robot controlplane",
        "edge-worker-0 worker robot robot",
        "edge-a-0 worker cloud a",
        "edge-b-0 worker cloud b",
      ],
    );
  });

  it("creates no snapshot or Cloud firewall without Cloud workers; Robot firewalls get the IPv4 admin CIDRs only", async () => {
    const admins = [...ADMIN, "2001:db8::/48"];
    const run = await runUnderMocks(
      async () => ({
        nodes: new TalosCluster("metal", {
          talosVersion: "v1.13.9",
          controlPlanes: [{ serverNumber: 2321001, installDisk: { serial: "S1" } }],
          workers: { cloudPools: [{ ...POOL, name: "a", count: 0 }] },
          adminCidrs: admins,
        }).nodes,
      }),
      {},
      7,
    );
    assert.deepStrictEqual(run.recorded.find((x) => x.name === "metal-cp-0-firewall")!.inputs.adminCidrs, ADMIN);
    assert.deepStrictEqual(run.recorded.map((x) => x.name).sort(), [
      "metal",
      "metal-bootstrap",
      "metal-cp-0",
      "metal-cp-0-config",
      "metal-cp-0-firewall",
      "metal-mesh",
      "metal-secrets",
    ]);
  });
});
