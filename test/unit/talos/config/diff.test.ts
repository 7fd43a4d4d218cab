import * as assert from "assert";
import { FIXTURES } from "../../../helpers/fixtures";
import * as fs from "fs";
import {
  applyConfigPatches,
  changeImpact,
  diffConfigs,
  formatConfigDiff,
  kubeSpanPatch,
  redactConfig,
} from "../../../../provider/talos/config";

// Does not prove: that a node agrees with the impact estimate (its dry-run decides), nor diff
// minimality for list insertions (lists are compared index by index).
const cp = fs.readFileSync(FIXTURES + "/talos/gen-config/v1.13/base-controlplane.yaml", "utf8");

describe("config diff", () => {
  it("reports per-path add/remove/change with document prefixes", () => {
    const before =
      "machine:\n  network:\n    interfaces:\n      - {interface: eth0, addresses: [10.0.0.1/32]}\n  certSANs: [a, b]\n---\napiVersion: v1alpha1\nkind: KubeSpanConfig\nenabled: false\n";
    const after =
      "machine:\n  network:\n    interfaces:\n      - {interface: eth0, addresses: [10.0.0.2/32], mtu: 1400}\n  certSANs: [a]\n---\napiVersion: v1alpha1\nkind: KubeSpanConfig\nenabled: true\n---\napiVersion: v1alpha1\nkind: HostnameConfig\nauto: stable\n";
    assert.deepStrictEqual(diffConfigs(before, after), [
      {
        path: "machine.network.interfaces[0].addresses[0]",
        kind: "change",
        before: "10.0.0.1/32",
        after: "10.0.0.2/32",
      },
      { path: "machine.network.interfaces[0].mtu", kind: "add", after: 1400 },
      { path: "machine.certSANs[1]", kind: "remove", before: "b" },
      { path: "KubeSpanConfig:enabled", kind: "change", before: false, after: true, document: "KubeSpanConfig" },
      {
        path: "HostnameConfig",
        kind: "add",
        after: { apiVersion: "v1alpha1", kind: "HostnameConfig", auto: "stable" },
        document: "HostnameConfig",
      },
    ]);
  });

  it("identical configs in different formatting have no changes", () => {
    const two = "machine:\n  type: worker\n";
    assert.deepStrictEqual(diffConfigs(two, "machine:\n    type: worker\n"), []);
    assert.strictEqual(formatConfigDiff([]), "No changes.");
  });

  it("on redacted configs, shows that a secret changed without showing it", () => {
    const rotated = cp.replace("d8cwfa.eyvpi0xwxyarbfid", "zzzzzz.zzzzzzzzzzzzzzzz");
    assert.deepStrictEqual(diffConfigs(redactConfig(cp), redactConfig(rotated)), []);
    const changes = diffConfigs(
      redactConfig(cp),
      redactConfig(applyConfigPatches(cp, ["machine: {install: {image: ghcr.io/siderolabs/installer:v1.13.9}}"])),
    );
    assert.strictEqual(formatConfigDiff(changes), '+ machine.install.image: "ghcr.io/siderolabs/installer:v1.13.9"');
  });

  it("formats each change kind on one line", () => {
    assert.strictEqual(
      formatConfigDiff([
        { path: "a", kind: "add", after: { x: 1 } },
        { path: "b", kind: "remove", before: "old" },
        { path: "K:c", kind: "change", before: 1, after: 2, document: "K" },
      ]),
      '+ a: {"x":1}\n- b: "old"\n~ K:c: 1 => 2',
    );
  });
});

describe("changeImpact", () => {
  const impactOf = (patches: string[], base = cp) => changeImpact(diffConfigs(base, applyConfigPatches(base, patches)));
  const table: Array<[string, string[], string]> = [
    ["no change", [], "none"],
    ["installer image → upgrade", ["machine: {install: {image: factory.talos.dev/installer/abc:v1.13.9}}"], "upgrade"],
    ["kernel args → reboot", ["machine: {install: {extraKernelArgs: [console=ttyS1]}}"], "reboot"],
    ["install disk → live", ["machine: {install: {disk: /dev/nvme0n1}}"], "live"],
    ["certSANs → live", ["machine: {certSANs: [1.2.3.4]}"], "live"],
    ["cluster.* → live", ["cluster: {allowSchedulingOnControlPlanes: true}"], "live"],
    ["node labels → live", ["machine: {nodeLabels: {zone: fsn1}}"], "live"],
    ["kubePrism feature → live", ["machine: {features: {kubePrism: {port: 7446}}}"], "live"],
    [
      "machine.files → reboot",
      ["machine: {files: [{path: /var/x, op: create, content: y, permissions: 0644}]}"],
      "reboot",
    ],
    ["machine.env → reboot", ["machine: {env: {A: b}}"], "reboot"],
    ["features.rbac → reboot", ["machine: {features: {rbac: true}}"], "reboot"],
    ["new document → live", [kubeSpanPatch({ talosVersion: "v1.13.9" })], "live"],
    ["image and files together → upgrade", ["machine: {install: {image: x}, env: {A: b}}"], "upgrade"],
  ];
  for (const [name, patches, expected] of table) {
    it(name, () => assert.strictEqual(impactOf(patches), expected));
  }

  it("looks inside a whole machine.install that appears or disappears", () => {
    assert.strictEqual(
      changeImpact([{ path: "machine.install", kind: "add", after: { disk: "/dev/sda", image: "i" } }]),
      "upgrade",
    );
    assert.strictEqual(changeImpact([{ path: "machine.install", kind: "add", after: { disk: "/dev/sda" } }]), "live");
    assert.strictEqual(
      changeImpact([{ path: "machine", kind: "add", after: { install: { extraKernelArgs: ["a"] } } }]),
      "reboot",
    );
  });
});
