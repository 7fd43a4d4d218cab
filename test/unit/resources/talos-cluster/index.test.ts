/**
 * `TalosCluster` under `pulumi.runtime.setMocks`, driven by the UNMODIFIED hybrid example program: the
 * exact child resources (types, names, parents) and their key inputs; the day-2 wiring (each Cloud
 * worker's `-node` apply config rendering the same config as its first boot, the roll order as
 * `dependsOn` between the apply configs behind the snapshot, servers ignoring image/userData changes);
 * no child input holding a plaintext secret (every secret value only inside a secret wrapper).
 * Scaling and other topologies: topology.test.ts. Does not prove that any child works (no provider
 * code runs under mocks); test/integration/sim/demo/index.test.ts runs the same program for real.
 */
import * as assert from "assert";
import { SIG_KEY } from "../../../../provider/sim/pulumi/values";
import { kubeSpanPatch } from "../../../../provider/talos/config";
import { kubeSpanFirewallRules, talosAdminFirewallRules } from "../../../../provider/talos/firewall-rules";
import { assertNoSecrets } from "../../../helpers/secrets-scan";
import {
  PROJECT,
  SECRETS_YAML,
  KUBECONFIG,
  TALOSCONFIG,
  ADMIN,
  DYN,
  SERVER,
  FIREWALL,
  CLUSTER,
  Recorded,
  cpNumber,
  cpIp,
  cloudIp,
  userDataOf,
  runExample,
  masked,
  plain,
  byName,
  childUrn,
  ROLL_CONFIGS,
  rollDepsOf,
} from "./mocks";

describe("TalosCluster under mocks: the hybrid example", function () {
  this.timeout(60000);
  let run: Awaited<ReturnType<typeof runExample>>;
  let r: Map<string, Recorded>;
  before(async () => {
    run = await runExample(2, 21);
    r = byName(run.recorded);
  });

  it("creates exactly the documented children, each parented by the component", () => {
    const expected: [string, string][] = [
      [CLUSTER, "hybrid"],
      [`${DYN}TalosSecrets`, "hybrid-secrets"],
      [`${DYN}TalosImage`, "hybrid-image"],
      ...[0, 1, 2].flatMap((i): [string, string][] => [
        [`${DYN}RobotServer`, `hybrid-cp-${i}`],
        [`${DYN}TalosMachineConfig`, `hybrid-cp-${i}-config`],
        [`${DYN}RobotFirewall`, `hybrid-cp-${i}-firewall`],
      ]),
      [FIREWALL, "hybrid-firewall"],
      ...[0, 1].flatMap((i): [string, string][] => [
        [`${DYN}TalosMachineConfig`, `hybrid-cloud-${i}-config`],
        [SERVER, `hybrid-cloud-${i}`],
        [`${DYN}TalosMachineConfig`, `hybrid-cloud-${i}-node`],
      ]),
      [`${DYN}TalosBootstrap`, "hybrid-bootstrap"],
      [`${DYN}KubeSpanMesh`, "hybrid-mesh"],
    ];
    const sort = (xs: string[]) => [...xs].sort();
    assert.deepStrictEqual(
      sort(run.recorded.map((x) => `${x.type} ${x.name}`)),
      sort(expected.map(([t, n]) => `${t} ${n}`)),
    );
    assert.deepStrictEqual(
      sort(run.urns),
      sort([`urn:pulumi:dev::${PROJECT}::${CLUSTER}::hybrid`, ...expected.slice(1).map(([t, n]) => childUrn(t, n))]),
    );
    // The snapshot comes before the dedicated servers: the roll's first config waits for it.
    const order = run.recorded.map((x) => x.name);
    assert.ok(order.indexOf("hybrid-image") < order.indexOf("hybrid-cp-0"), order.join(", "));
  });

  it("installs each control plane from its server number and disk selector", () => {
    assert.deepStrictEqual(masked(r.get("hybrid-cp-1")!.inputs), {
      serverNumber: 2321002,
      name: "hybrid-cp-1",
      owner: `${PROJECT}/dev/hybrid-cp-1`,
      image: { version: "v1.13.9" },
      installDisk: { wwn: "eui.001" },
      // The install firewall admits the IPv4 admin CIDRs only, from before rescue until the RobotFirewall.
      adminCidrs: ["198.51.100.0/24"],
    });
  });

  it("applies each control plane's config with KubeSpan, the role patch and the server's disk and routes", () => {
    const c = r.get("hybrid-cp-1-config")!.inputs;
    assert.deepStrictEqual(masked(c), {
      secretsYaml: "[secret]",
      clusterName: "hybrid",
      endpoint: "https://10.0.0.2:6443",
      role: "controlplane",
      talosVersion: "v1.13.9",
      hostname: "hybrid-cp-1",
      clusterPatches: "[secret]",
      rolePatches: "[secret]",
      installImage: "ghcr.io/siderolabs/installer:v1.13.9",
      installDisk: "/dev/disk/by-id/nvme-eui.1",
      nodePatches: "[secret]",
      networkPatch: "[secret]",
      node: "10.0.0.3",
      delivery: "apply",
      configVersion: "v1.13.9",
      rollPosition: "2 of 5, after hybrid-cp-0",
    });
    assert.deepStrictEqual(plain(c.clusterPatches), [kubeSpanPatch({ talosVersion: "v1.13.9" })]);
    assert.deepStrictEqual(plain(c.rolePatches), [{ machine: { nodeLabels: { "example.com/tier": "cp" } } }]);
    assert.deepStrictEqual([plain(c.networkPatch), plain(c.secretsYaml)], ["# routes of 10.0.0.3\n", SECRETS_YAML]);
  });

  it("boots each Cloud worker from the snapshot with its own user-data behind the cluster firewall", () => {
    assert.deepStrictEqual(masked(r.get("hybrid-cloud-1")!.inputs), {
      name: "hybrid-cloud-1",
      serverType: "cx33",
      location: "fsn1",
      image: "987654",
      userData: "[secret]",
      firewallIds: [77],
      labels: { "talos-cluster": "hybrid", "talos-pool": "cloud", "talos-role": "worker" },
    });
    assert.strictEqual(plain(r.get("hybrid-cloud-1")!.inputs.userData), userDataOf("hybrid-cloud-1"));
    const c = r.get("hybrid-cloud-1-config")!.inputs;
    assert.deepStrictEqual(
      [c.role, c.delivery, c.hostname, c.installImage, c.node],
      ["worker", "user-data", "hybrid-cloud-1", "ghcr.io/siderolabs/installer:v1.13.9", undefined],
    );
    assert.deepStrictEqual(plain(c.nodePatches), [{ machine: { nodeLabels: { "node.kubernetes.io/pool": "cloud" } } }]);
    assert.deepStrictEqual(masked(r.get("hybrid-image")!.inputs), {
      talosVersion: "v1.13.9",
      resourceName: "hybrid-image",
      // The builder's temporary firewall admits SSH only from them.
      adminCidrs: ["198.51.100.0/24"],
      pools: [{ name: "cloud", serverType: "cx33", location: "fsn1" }],
    });
  });

  it("applies each Cloud worker's first-boot config again to the running server as its -node config", () => {
    const { delivery, node, rollPosition, ...rendered } = r.get("hybrid-cloud-1-node")!.inputs;
    assert.deepStrictEqual(
      [delivery, node, rollPosition],
      ["apply", cloudIp("hybrid-cloud-1"), "5 of 5, after hybrid-cloud-0"],
    );
    // Every render input equals the first boot's, so the create finds the node already running it.
    const { delivery: firstDelivery, ...firstBoot } = r.get("hybrid-cloud-1-config")!.inputs;
    assert.deepStrictEqual([firstDelivery, rendered], ["user-data", firstBoot]);
    assert.deepStrictEqual(masked(rendered), {
      configVersion: "v1.13.9",
      secretsYaml: "[secret]",
      clusterName: "hybrid",
      endpoint: "https://10.0.0.2:6443",
      role: "worker",
      talosVersion: "v1.13.9",
      hostname: "hybrid-cloud-1",
      clusterPatches: "[secret]",
      rolePatches: "[secret]",
      installImage: "ghcr.io/siderolabs/installer:v1.13.9",
      nodePatches: "[secret]",
      platform: "cloud",
    });
  });

  it("rolls the apply configs behind the snapshot, control planes one by one, then the Cloud workers", () => {
    const roll = (n: string) => rollDepsOf(run.options, n);
    const configs = ROLL_CONFIGS;
    assert.deepStrictEqual(
      configs.map((n) => [n, roll(n), r.get(n)!.inputs.rollPosition]),
      [
        ["hybrid-cp-0-config", ["hybrid-image"], "1 of 5"],
        ["hybrid-cp-1-config", ["hybrid-cp-0-config"], "2 of 5, after hybrid-cp-0"],
        ["hybrid-cp-2-config", ["hybrid-cp-1-config"], "3 of 5, after hybrid-cp-1"],
        ["hybrid-cloud-0-node", ["hybrid-cp-2-config"], "4 of 5, after hybrid-cp-2"],
        ["hybrid-cloud-1-node", ["hybrid-cloud-0-node", "hybrid-cp-2-config"], "5 of 5, after hybrid-cloud-0"],
      ],
    );
    assert.deepStrictEqual(roll("hybrid-bootstrap"), [...configs].sort());
    assert.deepStrictEqual(r.get("hybrid-cloud-0-config")!.inputs.rollPosition, undefined);
  });

  it("lets servers ignore image changes (and Cloud servers userData): upgrades and config changes happen in place", () => {
    const ignoring = [...run.options]
      .filter(([, o]) => o.ignoreChanges.length > 0)
      .map(([n, o]) => [n, o.ignoreChanges])
      .sort();
    assert.deepStrictEqual(ignoring, [
      ["hybrid-cloud-0", ["image", "userData"]],
      ["hybrid-cloud-1", ["image", "userData"]],
      ["hybrid-cp-0", ["image"]],
      ["hybrid-cp-1", ["image"]],
      ["hybrid-cp-2", ["image"]],
      ["hybrid-secrets", ["talosVersion"]],
    ]);
  });

  it("opens KubeSpan everywhere and the Talos/Kubernetes APIs to admins and the dedicated nodes only", () => {
    const ips = [0, 1, 2].map(cpIp);
    assert.deepStrictEqual(masked(r.get("hybrid-firewall")!.inputs), {
      labels: { "talos-cluster": "hybrid" },
      rules: [...kubeSpanFirewallRules(), ...talosAdminFirewallRules(ADMIN, ips)],
    });
    assert.deepStrictEqual(masked(r.get("hybrid-cp-2-firewall")!.inputs), {
      serverNumber: 2321003,
      adminCidrs: ADMIN,
      nodeAddresses: ips,
      // A reinstall sets the install firewall, so a new install time sets the cluster's rules again.
      serverInstalledAt: "2026-01-01T00:00:00.000Z",
    });
  });

  it("bootstraps the first control plane and verifies the mesh of all five nodes", () => {
    const cps = [0, 1, 2].map(cpIp);
    const workers = [0, 1].map((i) => cloudIp(`hybrid-cloud-${i}`));
    assert.deepStrictEqual(masked(r.get("hybrid-bootstrap")!.inputs), {
      clusterName: "hybrid",
      secretsYaml: "[secret]",
      bootstrapNode: cps[0],
      controlPlaneNodes: cps,
      endpoints: cps,
      workerNodes: workers,
    });
    assert.deepStrictEqual(masked(r.get("hybrid-mesh")!.inputs), {
      nodes: [
        ...cps.map((address, i) => ({ name: `hybrid-cp-${i}`, address, where: "robot" })),
        ...workers.map((address, i) => ({ name: `hybrid-cloud-${i}`, address, where: "cloud" })),
      ],
      endpoints: cps,
      talosconfig: "[secret]",
    });
  });

  it("exports the node table, and the kubeconfig and talosconfig as secrets", () => {
    assert.deepStrictEqual(run.outputs.nodes.value, [
      ...[0, 1, 2].map((i) => ({
        name: `hybrid-cp-${i}`,
        role: "controlplane",
        where: "robot",
        pool: "controlplane",
        serverId: String(cpNumber(i)),
        ipv4: cpIp(i),
      })),
      ...[0, 1].map((i) => ({
        name: `hybrid-cloud-${i}`,
        role: "worker",
        where: "cloud",
        pool: "cloud",
        serverId: String(5000 + i),
        ipv4: cloudIp(`hybrid-cloud-${i}`),
      })),
    ]);
    assert.deepStrictEqual(
      [run.outputs.kubeconfig, run.outputs.talosconfig],
      [
        { value: KUBECONFIG, secret: true },
        { value: TALOSCONFIG, secret: true },
      ],
    );
    assert.deepStrictEqual([run.outputs.endpoint.value, run.outputs.endpoint.secret], ["https://10.0.0.2:6443", false]);
  });

  it("passes no secret in plaintext to any child", () => {
    const secrets = [SECRETS_YAML, KUBECONFIG, TALOSCONFIG, userDataOf("hybrid-cloud-0"), userDataOf("hybrid-cloud-1")];
    assertNoSecrets(
      run.recorded.map((x) => masked(x.inputs)),
      secrets,
      run.recorded.map((x) => x.name),
    );
    // The scan would find them unmasked: the secrets really are in the inputs.
    assert.ok(JSON.stringify(run.recorded.map((x) => x.inputs)).includes(JSON.stringify(SECRETS_YAML)));
    assert.ok(
      run.recorded.every(
        (x) => !JSON.stringify(x.inputs).includes(SIG_KEY) || JSON.stringify(masked(x.inputs)).includes("[secret]"),
      ),
    );
  });
});
