import * as assert from "assert";
import { FIXTURES } from "../../../helpers/fixtures";
import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { applyConfigPatches } from "../../../../provider/talos/config";

// Does not prove: byte-identical output with Talos (Talos orders keys by Go struct fields; we keep
// insertion order), nor typed-field validation of patch contents (unknown nested keys are accepted).
const FIX = FIXTURES + "/talos/patches";
const read = (p: string) => fs.readFileSync(path.join(FIX, p), "utf8");

/** The fixture README's comparison: ignore keys whose value is null or empty, key order ignored. */
function prune(v: unknown): unknown {
  if (Array.isArray(v)) {
    const a = v.map(prune).filter((x) => x !== undefined);
    return a.length ? a : undefined;
  }
  if (v && typeof v === "object") {
    const o = Object.entries(v)
      .map(([k, x]) => [k, prune(x)] as const)
      .filter(([, x]) => x !== undefined);
    return o.length ? Object.fromEntries(o) : undefined;
  }
  return v === null || v === "" ? undefined : v;
}
const semantic = (text: string) => parseAllDocuments(text).map((d) => prune(d.toJS()));

describe("config patch engine: Talos fixtures", () => {
  const cases: Array<[string, string, string[], string]> = [
    [
      "apply",
      "apply/config.yaml",
      ["strategic1", "jsonpatch1", "jsonpatch2", "strategic2", "strategic3"].map((p) => `apply/${p}.yaml`),
      "apply/expected.yaml",
    ],
    ["apply manifests", "apply/config.yaml", ["apply/strategic4.yaml"], "apply/expected_manifests.yaml"],
    ["patchdelete", "patchdelete/config.yaml", ["patchdelete/strategic1.yaml"], "patchdelete/expected.yaml"],
    [
      "patchdelete controlplane",
      "patchdelete/controlplane_orig.yaml",
      [2, 3, 4].map((i) => `patchdelete/strategic${i}.yaml`),
      "patchdelete/controlplane_expected.yaml",
    ],
  ];
  for (const [name, base, patches, expected] of cases) {
    it(`reproduces ${name}`, () => {
      const out = applyConfigPatches(read(base), patches.map(read));
      assert.deepStrictEqual(semantic(out), semantic(read(expected)));
    });
  }

  it("re-encodes with 4-space indent, v1alpha1 first and --- separators, stable across runs", () => {
    const config =
      "apiVersion: v1alpha1\nkind: HostnameConfig\nauto: stable\n---\n# comment\nversion: v1alpha1\nmachine:\n  type: worker\n";
    const out = applyConfigPatches(config, ["machine:\n  certSANs: [a]"]);
    assert.strictEqual(
      out,
      "version: v1alpha1\nmachine:\n    type: worker\n    certSANs:\n        - a\n---\napiVersion: v1alpha1\nkind: HostnameConfig\nauto: stable\n",
    );
    assert.strictEqual(applyConfigPatches(out, []), out);
  });
});

describe("config patch engine: merge rules", () => {
  const base = `version: v1alpha1
machine:
  certSANs: [a]
  install: {extraKernelArgs: [x]}
  network:
    hostname: h1
    interfaces:
      - interface: eth0
        addresses: [10.0.0.1/32]
        vlans: [{vlanId: 100, addresses: [10.1.0.1/24]}]
      - deviceSelector: {hardwareAddr: "aa:bb"}
        mtu: 1500
  nodeLabels: {a: "1"}
cluster:
  network: {podSubnets: [10.244.0.0/16], serviceSubnets: [10.96.0.0/12]}
  apiServer:
    extraArgs: {feature-gates: A=true, x: y}
    admissionControl: [{name: PodSecurity, configuration: {defaults: {enforce: baseline}}}]
    auditPolicy: {kind: Policy, rules: [{level: Metadata}]}
`;
  const table: Array<[string, string, string, unknown]> = [
    ["lists append (certSANs)", "machine: {certSANs: [b]}", "machine.certSANs", ["a", "b"]],
    [
      "lists append (extraKernelArgs)",
      "machine: {install: {extraKernelArgs: [y]}}",
      "machine.install.extraKernelArgs",
      ["x", "y"],
    ],
    ["empty list keeps the old one", "machine: {certSANs: []}", "machine.certSANs", ["a"]],
    [
      "interfaces keyed by interface, addresses append",
      "machine: {network: {interfaces: [{interface: eth0, addresses: [10.0.0.2/32]}]}}",
      "machine.network.interfaces.0.addresses",
      ["10.0.0.1/32", "10.0.0.2/32"],
    ],
    [
      "interfaces keyed by deep-equal deviceSelector",
      "machine: {network: {interfaces: [{deviceSelector: {hardwareAddr: 'aa:bb'}, mtu: 9000}]}}",
      "machine.network.interfaces.1",
      { deviceSelector: { hardwareAddr: "aa:bb" }, mtu: 9000 },
    ],
    [
      "unmatched interface is appended",
      "machine: {network: {interfaces: [{interface: eth1, dhcp: true}]}}",
      "machine.network.interfaces.2",
      { interface: "eth1", dhcp: true },
    ],
    [
      "vlans keyed by vlanId",
      "machine: {network: {interfaces: [{interface: eth0, vlans: [{vlanId: 100, mtu: 1400}, {vlanId: 200}]}]}}",
      "machine.network.interfaces.0.vlans",
      [{ vlanId: 100, addresses: ["10.1.0.1/24"], mtu: 1400 }, { vlanId: 200 }],
    ],
    [
      "admissionControl keyed by name, merged",
      "cluster: {apiServer: {admissionControl: [{name: PodSecurity, configuration: {defaults: {audit: restricted}}}]}}",
      "cluster.apiServer.admissionControl",
      [{ name: "PodSecurity", configuration: { defaults: { enforce: "baseline", audit: "restricted" } } }],
    ],
    [
      "extraArgs replaced per key",
      "cluster: {apiServer: {extraArgs: {feature-gates: B=true}}}",
      "cluster.apiServer.extraArgs",
      { "feature-gates": "B=true", x: "y" },
    ],
    [
      "podSubnets replaced",
      "cluster: {network: {podSubnets: [10.0.0.0/8]}}",
      "cluster.network.podSubnets",
      ["10.0.0.0/8"],
    ],
    [
      "serviceSubnets replaced",
      "cluster: {network: {serviceSubnets: [10.1.0.0/16]}}",
      "cluster.network.serviceSubnets",
      ["10.1.0.0/16"],
    ],
    [
      "auditPolicy replaced wholesale",
      "cluster: {apiServer: {auditPolicy: {kind: Policy, rules: [{level: None}]}}}",
      "cluster.apiServer.auditPolicy",
      { kind: "Policy", rules: [{ level: "None" }] },
    ],
    ["maps merge", "machine: {nodeLabels: {b: '2'}}", "machine.nodeLabels", { a: "1", b: "2" }],
    ["empty string keeps the old scalar", "machine: {network: {hostname: ''}}", "machine.network.hostname", "h1"],
    ["scalar replaced", "machine: {network: {hostname: h2}}", "machine.network.hostname", "h2"],
  ];
  for (const [name, patch, at, expected] of table) {
    it(name, () => {
      const out = parseAllDocuments(applyConfigPatches(base, [patch]))[0].toJS();
      const got = at.split(".").reduce((v: any, k) => v?.[k], out);
      assert.deepStrictEqual(got, expected);
    });
  }

  it("NetworkRuleConfig ingress and portSelector.ports are replaced", () => {
    const cfg =
      "version: v1alpha1\nmachine: {}\n---\napiVersion: v1alpha1\nkind: NetworkRuleConfig\nname: r\nportSelector: {ports: [22], protocol: tcp}\ningress: [{subnet: 10.0.0.0/8}]\n";
    const patch =
      "apiVersion: v1alpha1\nkind: NetworkRuleConfig\nname: r\nportSelector: {ports: [443]}\ningress: [{subnet: 0.0.0.0/0}]\n";
    const out = parseAllDocuments(applyConfigPatches(cfg, [patch]))[1].toJS();
    assert.deepStrictEqual(out, {
      apiVersion: "v1alpha1",
      kind: "NetworkRuleConfig",
      name: "r",
      portSelector: { ports: [443], protocol: "tcp" },
      ingress: [{ subnet: "0.0.0.0/0" }],
    });
  });

  it("a document with a new id is appended, one with a known id is merged", () => {
    const cfg = "version: v1alpha1\nmachine: {}\n---\napiVersion: v1alpha1\nkind: HostnameConfig\nauto: stable\n";
    const out = applyConfigPatches(cfg, [
      "apiVersion: v1alpha1\nkind: HostnameConfig\nauto: 'off'\nhostname: n1\n---\napiVersion: v1alpha1\nkind: KubeSpanConfig\nenabled: true\n",
    ]);
    assert.strictEqual(
      out,
      'version: v1alpha1\nmachine: {}\n---\napiVersion: v1alpha1\nkind: HostnameConfig\nauto: "off"\nhostname: n1\n---\napiVersion: v1alpha1\nkind: KubeSpanConfig\nenabled: true\n',
    );
  });

  it("object patches and the YAML 1.1 octal form are understood", () => {
    const out = applyConfigPatches("version: v1alpha1\nmachine: {}\n", [
      { machine: { files: [{ path: "/x", permissions: 420 }] } },
      "machine:\n  files:\n    - {path: /y, permissions: 0644}\n",
    ]);
    assert.deepStrictEqual(parseAllDocuments(out)[0].toJS().machine.files, [
      { path: "/x", permissions: 420 },
      { path: "/y", permissions: 420 },
    ]);
  });

  it("a map/scalar mismatch is an error naming the patch and path", () => {
    assert.throws(() => applyConfigPatches(base, ["machine: {network: {hostname: {a: 1}}}"]), {
      name: "ConfigPatchError",
      message: "patches[0]: document v1alpha1: merge type mismatch left string right map at 'machine.network.hostname'",
    });
  });
});
