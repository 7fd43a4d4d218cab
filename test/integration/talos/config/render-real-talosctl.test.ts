/**
 * The library's rendered configs judged by the real talosctl (issue 14): `gen config` and
 * `validate --strict` of renderMachineConfig come from the real client (`$TALOSCTL` or `npm run tools`)
 * for every patch feature the library adds — cluster/role/node patches with variables, the Hetzner
 * network patch and the KubeSpan patch per version contract, `$patch: delete`, RFC 6902 — and a patch
 * bug is refused with the real client's text. Skips (saying why) without the real binary.
 * Does not prove: that a node accepts the config at runtime (install disk, Kubernetes range).
 */
import * as assert from "assert";
import { ConfigRenderCache, RenderArgs, kubeSpanPatch, renderMachineConfig } from "../../../../provider/talos/config";
import { hetznerNetworkPatch } from "../../../../provider/talos/network-patch";
import { Talosctl } from "../../../../provider/talos/talosctl";
import { realTalosctl } from "../../../helpers/real-talosctl";

const REAL = realTalosctl();
const NET = {
  mac: "a8:a1:59:94:19:42",
  ipv4: "203.0.113.10",
  gateway: "203.0.113.1",
  ipv6Net: "2a01:4f8:10a:1001::/64",
};
const CONTRACTS: [string, string][] = [
  ["v1.13.9", "1.36.3"],
  ["v1.12.11", "1.35.4"],
  ["v1.11.6", "1.34.1"],
];

describe("rendered configs judged by the real talosctl", function () {
  this.timeout(120000);
  let t: Talosctl;
  let secretsYaml = "";
  const cache = new ConfigRenderCache();
  const render = (a: Partial<RenderArgs>) =>
    renderMachineConfig(
      {
        clusterName: "real",
        endpoint: "https://203.0.113.10:6443",
        role: "controlplane",
        talosVersion: "v1.13.9",
        kubernetesVersion: "1.36.3",
        installImage: "ghcr.io/siderolabs/installer:v1.13.9",
        installDisk: "/dev/nvme0n1",
        secretsYaml,
        mode: "metal",
        ...a,
      },
      { generator: t, cache },
    );

  before(async function () {
    if (!REAL) {
      console.log("    skipped: no real talosctl (run `npm run tools`, or set TALOSCTL to a real talosctl binary)");
      this.skip();
    }
    t = Talosctl.locate({ binary: REAL });
    secretsYaml = await t.genSecrets("v1.13.9");
  });

  for (const [version, k8s] of CONTRACTS) {
    for (const role of ["controlplane", "worker"] as const) {
      it(`${version} ${role}: network and KubeSpan patches, patches at every level with variables pass validate --strict`, async () => {
        const r = await render({
          role,
          talosVersion: version,
          kubernetesVersion: k8s,
          installImage: `ghcr.io/siderolabs/installer:${version}`,
          hostname: `${role}-1`,
          clusterPatches: [kubeSpanPatch({ talosVersion: version })],
          rolePatches: [{ machine: { nodeLabels: { "example.com/role": role } } }],
          nodePatches: ["machine:\n  certSANs:\n    - ${hostname}.example.com\n    - ${public_ip}\n"],
          variables: { public_ip: NET.ipv4 },
          networkPatch: hetznerNetworkPatch({ talosVersion: version, ...NET }),
        });
        assert.ok(r.config.includes(`${role}-1.example.com`), "the node patch with its variable is in the config");
      });
    }
  }

  it("$patch: delete and RFC 6902 patches pass validate --strict", async () => {
    const r = await render({
      rolePatches: ["machine:\n  nodeLabels:\n    $patch: delete\n"],
      nodePatches: [
        [
          { op: "add", path: "/machine/certSANs/-", value: "api.example.com" },
          { op: "replace", path: "/cluster/clusterName", value: "renamed" },
        ],
      ],
    });
    assert.ok(r.config.includes("api.example.com") && r.config.includes("clusterName: renamed"));
  });

  it("a patch with a misspelt key is refused with the real client's strict-decoder text", async () => {
    await assert.rejects(render({ nodePatches: ["machine:\n  certSANz:\n    - a.example.com\n"] }), {
      name: "ConfigError",
      message:
        "rendered controlplane config is not valid for metal mode: talosctl validate failed (exit 1): error decoding document /v1alpha1/ (line 1): unknown keys found during decoding: | machine: |     certSANz: |         - a.example.com",
    });
  });
});
