/**
 * TalosBootstrap's offline Kubernetes version rules: format and `v` stripping, the paths talosctl
 * upgrade-k8s refuses (downgrade, skipped minor, major change) as check failures, the version of a
 * kubelet image / machine config, and the diff of an unset or changed version.
 * Does not prove: that real talosctl refuses exactly these paths (contracts/talosctl.md §14; the
 * preview's dry run asks the stand-in), nor anything about the engine.
 */
import * as assert from "assert";
import { checkBootstrap, normalizeBootstrapInputs } from "../../../../provider/runtime/talos-bootstrap/check";
import {
  compareK8s,
  kubeletVersionOf,
  parseK8sVersion,
  upgradePathProblem,
  versionOfImage,
} from "../../../../provider/runtime/talos-bootstrap/k8s-version";
import { diffBootstrap } from "../../../../provider/runtime/talos-bootstrap";
import { assertTable } from "../../../helpers/table";

const NODE = "10.0.0.2";
const BASE = {
  clusterName: "c",
  baseTalosconfig:
    "context: c\ncontexts:\n    c:\n        endpoints: []\n        ca: Q0E=\n        crt: Q1JU\n        key: S0VZ\n",
  bootstrapNode: NODE,
  controlPlaneNodes: [NODE],
};

describe("TalosBootstrap Kubernetes versions (offline)", () => {
  it("parses versions with an optional v and pre-release, and orders them", () => {
    assert.deepStrictEqual(parseK8sVersion("v1.36.3"), { major: 1, minor: 36, patch: 3, pre: "" });
    assert.deepStrictEqual(parseK8sVersion("1.37.0-rc.1"), { major: 1, minor: 37, patch: 0, pre: "rc.1" });
    assert.deepStrictEqual(["1.36", "1.36.x", "v", "", "latest", "1.36.3+k3s1"].map(parseK8sVersion), [
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    const v = (s: string) => parseK8sVersion(s)!;
    assert.deepStrictEqual(
      [
        compareK8s(v("1.36.0"), v("1.36.0")),
        Math.sign(compareK8s(v("1.37.0-rc.1"), v("1.37.0"))),
        Math.sign(compareK8s(v("1.36.10"), v("1.36.9"))),
        Math.sign(compareK8s(v("2.0.0"), v("1.99.0"))),
      ],
      [0, -1, 1, 1],
    );
  });

  it("names the paths upgrade-k8s refuses and accepts patches and one minor step", () => {
    const table: [string, string, string | undefined][] = [
      ["1.35.0", "1.35.0", undefined],
      ["1.35.0", "1.35.4", undefined],
      ["1.35.0", "1.36.0", undefined],
      ["1.36.3", "1.37.0-rc.1", undefined],
      [
        "1.36.0",
        "1.35.9",
        "cannot change from 1.36.0 to 1.35.9: that is a downgrade, and talosctl upgrade-k8s only upgrades Kubernetes; set 1.36.0 or a later version",
      ],
      [
        "1.36.3",
        "1.36.1",
        "cannot change from 1.36.3 to 1.36.1: that is a downgrade, and talosctl upgrade-k8s only upgrades Kubernetes; set 1.36.3 or a later version",
      ],
      [
        "1.36.0",
        "1.38.0",
        "cannot change from 1.36.0 to 1.38.0 in one step: Kubernetes upgrades one minor version at a time (talosctl upgrade-k8s refuses to skip 1.37); set 1.37.x first, run pulumi up, then 1.38.0",
      ],
      ["1.36.0", "2.0.0", "cannot change from 1.36.0 to 2.0.0: talosctl upgrade-k8s does not change the major version"],
    ];
    assertTable(upgradePathProblem, table);
  });

  it("check: bad format, timeout, downgrade and skipped minor against the previous inputs, each naming its field", () => {
    assert.deepStrictEqual(checkBootstrap({ ...BASE, kubernetesVersion: "1.36", kubernetesUpgradeTimeoutSeconds: 0 }), [
      {
        property: "kubernetesUpgradeTimeoutSeconds",
        reason: "[kubernetesUpgradeTimeoutSeconds] must be a number of seconds above 0 and at most 86400, got 0",
      },
      {
        property: "kubernetesVersion",
        reason:
          '[kubernetesVersion] must be a Kubernetes version such as 1.36.3 (major.minor.patch, an optional -pre-release suffix; a leading v is accepted), got "1.36"',
      },
    ]);
    assert.deepStrictEqual(
      checkBootstrap({ ...BASE, kubernetesVersion: 136 }).map((f) => f.reason),
      [
        "[kubernetesVersion] must be a Kubernetes version such as 1.36.3 (major.minor.patch, an optional -pre-release suffix; a leading v is accepted), got 136",
      ],
    );
    assert.deepStrictEqual(
      checkBootstrap({ ...BASE, kubernetesVersion: "v1.38.0" }, { ...BASE, kubernetesVersion: "1.36.0" }),
      [
        {
          property: "kubernetesVersion",
          reason:
            "[kubernetesVersion] cannot change from 1.36.0 to 1.38.0 in one step: Kubernetes upgrades one minor version at a time (talosctl upgrade-k8s refuses to skip 1.37); set 1.37.x first, run pulumi up, then 1.38.0",
        },
      ],
    );
    assert.deepStrictEqual(
      checkBootstrap({ ...BASE, kubernetesVersion: "1.35.0" }, { ...BASE, kubernetesVersion: "v1.36.0" }).map(
        (f) => f.reason,
      ),
      [
        "[kubernetesVersion] cannot change from 1.36.0 to 1.35.0: that is a downgrade, and talosctl upgrade-k8s only upgrades Kubernetes; set 1.36.0 or a later version",
      ],
    );
    assert.deepStrictEqual(
      checkBootstrap({ ...BASE, kubernetesVersion: "1.37.0" }, { ...BASE, kubernetesVersion: "1.36.0" }),
      [],
    );
    assert.deepStrictEqual(
      checkBootstrap({ ...BASE, kubernetesVersion: "1.38.0" }, BASE),
      [],
      "without a previous version only the preview's dry run can tell",
    );
  });

  it("stores the version without its v", () => {
    assert.deepStrictEqual(normalizeBootstrapInputs({ ...BASE, kubernetesVersion: "v1.36.0" }), {
      ...BASE,
      kubernetesVersion: "1.36.0",
    });
    assert.deepStrictEqual(normalizeBootstrapInputs({ ...BASE, kubernetesVersion: "vx" }).kubernetesVersion, "vx");
  });

  it("reads the version from a kubelet image and a machine config (string since v1.8, object before)", () => {
    assert.deepStrictEqual(
      [
        "ghcr.io/siderolabs/kubelet:v1.36.3",
        "ghcr.io/siderolabs/kubelet:v1.37.0-rc.1@sha256:abcd",
        "registry:5000/kubelet:1.35.0",
        "ghcr.io/siderolabs/kubelet",
        "kubelet:latest",
      ].map(versionOfImage),
      ["1.36.3", "1.37.0-rc.1", "1.35.0", undefined, undefined],
    );
    const multi =
      "version: v1alpha1\nmachine:\n    type: controlplane\n    kubelet:\n        image: ghcr.io/siderolabs/kubelet:v1.35.0\n---\napiVersion: v1alpha1\nkind: HostnameConfig\nauto: stable\n";
    assert.deepStrictEqual(
      [
        kubeletVersionOf(multi),
        kubeletVersionOf({ machine: { kubelet: { image: "ghcr.io/siderolabs/kubelet:v1.30.1" } } }),
        kubeletVersionOf("machine: {}\n"),
        kubeletVersionOf(": : :\n\t- ["),
        kubeletVersionOf(null),
      ],
      ["1.35.0", "1.30.1", undefined, undefined, undefined],
    );
  });

  it("diff: an unset version keeps the recorded one; a set one that differs is a change, not a replacement", () => {
    const olds = { ...BASE, kubeconfig: "k", drift: [], kubernetesVersion: "1.35.0" };
    assert.deepStrictEqual(diffBootstrap(olds, BASE), { changes: false, replaces: [] });
    assert.deepStrictEqual(diffBootstrap(olds, { ...BASE, kubernetesVersion: "1.35.0" }), {
      changes: false,
      replaces: [],
    });
    assert.deepStrictEqual(diffBootstrap(olds, { ...BASE, kubernetesVersion: "1.36.0" }), {
      changes: true,
      replaces: [],
    });
    assert.deepStrictEqual(diffBootstrap(olds, { ...BASE, kubernetesUpgradeTimeoutSeconds: 60 }), {
      changes: true,
      replaces: [],
    });
  });
});
