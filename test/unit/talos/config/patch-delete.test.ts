import * as assert from "assert";
import { FIXTURES } from "../../../helpers/fixtures";
import * as fs from "fs";
import { parseAllDocuments } from "yaml";
import { applyConfigPatches, parseConfigPatch } from "../../../../provider/talos/config";

// Does not prove: Talos's typed decoder errors for unknown nested fields, nor the v1.13.9 quirk of
// appending a stray selector document for a missing document (we refuse with an error instead).
const GEN = FIXTURES + "/talos/gen-config";
const docs = (text: string) => parseAllDocuments(text).map((d) => d.toJS());
const base = `version: v1alpha1
machine:
  network:
    hostname: h1
    interfaces:
      - {interface: eth0, dhcp: true}
      - {interface: eth1, addresses: [10.0.0.1/32]}
  nodeLabels: {keep: "1", drop: ""}
cluster:
  apiServer:
    admissionControl: [{name: PodSecurity}, {name: Other}]
---
apiVersion: v1alpha1
kind: SideroLinkConfig
apiUrl: https://siderolink.example/join?jointoken=t
---
apiVersion: v1alpha1
kind: ExtensionServiceConfig
name: foo
configFiles: [{content: hello, mountPath: /etc/foo}]
`;

describe("config patch engine: $patch: delete forms", () => {
  it("deletes a whole document", () => {
    const out = docs(applyConfigPatches(base, ["apiVersion: v1alpha1\nkind: SideroLinkConfig\n$patch: delete\n"]));
    assert.deepStrictEqual(
      out.map((d) => d.kind ?? "v1alpha1"),
      ["v1alpha1", "ExtensionServiceConfig"],
    );
  });

  it("deletes a field and a map key, keeping siblings", () => {
    const out = docs(
      applyConfigPatches(base, [
        "machine:\n  network:\n    hostname: {$patch: delete}\n  nodeLabels:\n    drop: {$patch: delete}\n",
      ]),
    )[0];
    assert.strictEqual("hostname" in out.machine.network, false);
    assert.deepStrictEqual(out.machine.nodeLabels, { keep: "1" });
  });

  it("deletes list elements by their first key, then merges the rest of the same patch", () => {
    const patch =
      "machine:\n  network:\n    interfaces:\n      - {interface: eth0, $patch: delete}\n      - {interface: eth0, dummy: true}\ncluster:\n  apiServer:\n    admissionControl:\n      - {name: PodSecurity, $patch: delete}\n";
    const out = docs(applyConfigPatches(base, [patch]))[0];
    assert.deepStrictEqual(out.machine.network.interfaces, [
      { interface: "eth1", addresses: ["10.0.0.1/32"] },
      { interface: "eth0", dummy: true },
    ]);
    assert.deepStrictEqual(out.cluster.apiServer.admissionControl, [{ name: "Other" }]);
  });

  it("deletes an element of a named document's list", () => {
    const patch =
      "apiVersion: v1alpha1\nkind: ExtensionServiceConfig\nname: foo\nconfigFiles:\n  - {content: hello, $patch: delete}\n";
    assert.deepStrictEqual(docs(applyConfigPatches(base, [patch]))[2].configFiles, []);
  });
});

describe("config patch engine: exact errors", () => {
  const table: Array<[string, string, string]> = [
    [
      "missing path",
      "machine:\n  network:\n    nameservers: {$patch: delete}\n",
      "patch delete: path 'machine.network.nameservers' in document '/v1alpha1': failed to delete path 'machine.network.nameservers': lookup failed",
    ],
    [
      "missing map key",
      "machine:\n  nodeLabels:\n    absent: {$patch: delete}\n",
      "patch delete: path 'machine.nodeLabels.absent' in document '/v1alpha1': failed to delete path 'machine.nodeLabels.absent': lookup failed",
    ],
    [
      "missing list element",
      "machine:\n  network:\n    interfaces:\n      - {interface: eth9, $patch: delete}\n",
      "patch delete: path 'machine.network.interfaces.[0]' in document '/v1alpha1': failed to delete path 'machine.network.interfaces.[0]': lookup failed",
    ],
    [
      "inner key below a list element",
      "machine:\n  network:\n    interfaces:\n      - interface: eth0\n        addresses: {$patch: delete}\n",
      "cannot delete an inner key in 'machine.network.interfaces.[0].addresses'",
    ],
    [
      "root of the legacy document",
      "version: v1alpha1\n$patch: delete\n",
      "patch delete: path '' in document '/v1alpha1': can't delete the root of the legacy document",
    ],
    [
      "missing list element of a named document",
      "apiVersion: v1alpha1\nkind: ExtensionServiceConfig\nname: foo\nconfigFiles:\n  - {content: nope, $patch: delete}\n",
      "named patch delete: document v1alpha1/ExtensionServiceConfig: failed to delete path 'configFiles.[0]': lookup failed",
    ],
    [
      "missing document",
      "apiVersion: v1alpha1\nkind: KmsgLogConfig\nname: x\n$patch: delete\n",
      "patch delete: document 'v1alpha1/KmsgLogConfig/x' not found in the config",
    ],
    [
      "list element without a selector key",
      "machine:\n  network:\n    interfaces:\n      - {$patch: delete}\n",
      "no key:val found in sequence node for path machine.network.interfaces.[0]",
    ],
    ["document without kind", "foo: bar\n", "document 1: missing kind"],
    ["document without apiVersion", "kind: HostnameConfig\nauto: stable\n", "document 1: missing apiVersion"],
    [
      "unknown top-level v1alpha1 key",
      "machine: {}\nmachines: {}\n",
      "document 1: unknown keys in v1alpha1 config: machines",
    ],
  ];
  for (const [name, patch, message] of table) {
    it(name, () => {
      assert.throws(() => applyConfigPatches(base, ["machine: {}", patch]), {
        name: "ConfigPatchError",
        message: `patches[1]: ${message}`,
      });
    });
  }

  it("the missing-path fixture from Talos's own tests gives the exact contract text", () => {
    const config = "version: v1alpha1\nmachine:\n  network: {}\n";
    assert.throws(() => applyConfigPatches(config, ["machine:\n  network:\n    hostname:\n      $patch: delete\n"]), {
      message:
        "patches[0]: patch delete: path 'machine.network.hostname' in document '/v1alpha1': failed to delete path 'machine.network.hostname': lookup failed",
    });
  });

  it("malformed YAML names the patch (label) and the line", () => {
    assert.throws(
      () =>
        applyConfigPatches(base, ["machine:\n  certSANs: [a]\n", "machine:\n\tfoo: 1\n"], {
          labels: ["clusterPatches[0]", "nodePatches[3]"],
        }),
      {
        name: "ConfigPatchError",
        message: "nodePatches[3]: invalid YAML at line 2: Tabs are not allowed as indentation",
      },
    );
  });

  it("duplicate documents in the config are rejected like Talos's container", () => {
    assert.throws(() => applyConfigPatches("machine: {}\n---\nmachine: {}\n", []), {
      name: "ConfigError",
      message: "config: duplicate v1alpha1.Config",
    });
    const twice =
      "machine: {}\n---\napiVersion: v1alpha1\nkind: HostnameConfig\nauto: stable\n---\napiVersion: v1alpha1\nkind: HostnameConfig\nauto: stable\n";
    assert.throws(() => applyConfigPatches(twice, []), { message: "config: duplicate document: HostnameConfig" });
  });

  it("document kinds unknown to the target Talos version are refused", () => {
    const ks = "apiVersion: v1alpha1\nkind: KubeSpanConfig\nenabled: true\n";
    assert.throws(() => applyConfigPatches(base, [ks], { talosVersion: "v1.12.3" }), {
      message: 'patches[0]: document kind "KubeSpanConfig" is not known to Talos v1.12 (introduced in v1.13)',
    });
    assert.throws(
      () => applyConfigPatches(base, [{ target: { kind: "HostnameConfig" }, ops: [] }], { talosVersion: "v1.11.0" }),
      { message: 'patches[0]: document kind "HostnameConfig" is not known to Talos v1.11 (introduced in v1.12)' },
    );
    assert.throws(
      () => applyConfigPatches(base, ["apiVersion: v1alpha1\nkind: NoSuchConfig\n"], { talosVersion: "v1.13.9" }),
      { message: 'patches[0]: document kind "NoSuchConfig" is not known to Talos v1.13' },
    );
    assert.strictEqual(docs(applyConfigPatches(base, [ks], { talosVersion: "v1.13.0" }))[3].kind, "KubeSpanConfig");
  });
});

describe("config patch engine: JSON 6902 on one document of a multi-document config", () => {
  const v113 = fs.readFileSync(`${GEN}/v1.13/base-controlplane.yaml`, "utf8");

  it("edits HostnameConfig selected by kind and leaves v1alpha1 alone", () => {
    const ops = [
      { op: "replace" as const, path: "/auto", value: "off" },
      { op: "add" as const, path: "/hostname", value: "cp-1" },
    ];
    const out = docs(applyConfigPatches(v113, [{ target: { kind: "HostnameConfig" }, ops }]));
    assert.deepStrictEqual(out[1], { apiVersion: "v1alpha1", kind: "HostnameConfig", auto: "off", hostname: "cp-1" });
    assert.deepStrictEqual(out[0], docs(v113)[0]);
  });

  it("a YAML list of ops edits the v1alpha1 document by default (where talosctl refuses)", () => {
    const out = docs(applyConfigPatches(v113, ["- op: add\n  path: /machine/install/disk\n  value: /dev/nvme0n1\n"]));
    assert.strictEqual(out[0].machine.install.disk, "/dev/nvme0n1");
    assert.strictEqual(out.length, 2);
  });

  it("a missing path names the op, the path and the document", () => {
    assert.throws(
      () => applyConfigPatches(v113, ['[{"op": "replace", "path": "/machine/network/hostname", "value": "x"}]']),
      {
        name: "ConfigPatchError",
        message:
          "patches[0]: JSON 6902 operation #0 (replace /machine/network/hostname) on document v1alpha1 failed: path not found",
      },
    );
    assert.throws(() => applyConfigPatches(v113, [{ target: { kind: "KubeSpanConfig" }, ops: [] }]), {
      message: "patches[0]: JSON 6902 target document KubeSpanConfig not found in the config",
    });
  });

  it("parseConfigPatch tells strategic from JSON 6902 patches", () => {
    assert.deepStrictEqual(parseConfigPatch("- op: remove\n  path: /machine/x\n"), {
      kind: "json6902",
      ops: [{ op: "remove", path: "/machine/x" }],
    });
    assert.deepStrictEqual(
      parseConfigPatch("machine: {type: worker}\n---\napiVersion: v1alpha1\nkind: HostnameConfig\nauto: stable\n"),
      {
        kind: "strategic",
        documents: [
          { machine: { type: "worker" } },
          { apiVersion: "v1alpha1", kind: "HostnameConfig", auto: "stable" },
        ],
      },
    );
    assert.throws(() => parseConfigPatch([{ op: "jump", path: "/a" } as never]), {
      message: 'JSON 6902 operation #0 has unknown op "jump"',
    });
  });
});
