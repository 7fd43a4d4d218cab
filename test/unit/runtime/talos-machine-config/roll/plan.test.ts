/**
 * Pure day-2 decisions of TalosMachineConfig: the pinned config contract, `plannedAction` texts,
 * descriptive-only diffs, the quorum table, install-image tags and Kubernetes image pinning.
 * Does not prove: that a node or the engine acts on them (machine-config-roll and the engine tests do).
 */
import * as assert from "assert";
import { pinKubernetesImages } from "../../../../../provider/talos/config";
import {
  onlyDescriptiveChanges,
  plannedAction,
  resolveConfigVersion,
} from "../../../../../provider/runtime/talos-machine-config/roll/plan";
import { quorumAfterRemoval } from "../../../../../provider/runtime/talos-machine-config/roll/etcd";
import { imageTag, upgradeNeeded } from "../../../../../provider/runtime/talos-machine-config/roll/version";
import { diffMachineConfig } from "../../../../../provider/runtime/talos-machine-config";
import { MachineConfigInputs } from "../../../../../provider/runtime/talos-machine-config/types";

const news = (over: Partial<MachineConfigInputs> = {}) =>
  ({
    secretsYaml: "s",
    clusterName: "c",
    endpoint: "https://c:6443",
    role: "controlplane",
    talosVersion: "v1.13.9",
    node: "10.0.0.2",
    ...over,
  }) as MachineConfigInputs;
const olds = { talosVersion: "v1.12.5", redactedConfig: "x", configHash: "h", role: "controlplane" };

describe("TalosMachineConfig day-2 plan (pure)", () => {
  it("pins configVersion: the user's value, else the previous one, else the old talosVersion, else the new", () => {
    const table: Array<[Record<string, unknown>, Record<string, unknown>, unknown]> = [
      [{}, { talosVersion: "v1.12.5" }, "v1.12.5"],
      [{ configVersion: "v1.12.5", talosVersion: "v1.12.5" }, { talosVersion: "v1.13.9" }, "v1.12.5"],
      [{ talosVersion: "v1.11.2" }, { talosVersion: "v1.13.9" }, "v1.11.2"],
      [{ configVersion: "v1.12.5" }, { talosVersion: "v1.13.9", configVersion: "v1.13.9" }, "v1.13.9"],
    ];
    for (const [o, n, want] of table) assert.strictEqual(resolveConfigVersion(o, n), want, JSON.stringify([o, n]));
  });

  it("describes the next update", () => {
    const table: Array<[Partial<MachineConfigInputs>, string, string[], string | undefined]> = [
      [
        {},
        "upgrade",
        ["machine.install.image"],
        "upgrade Talos v1.12.5 → v1.13.9 (forfeit etcd leadership, drain, upgrade, uncordon)",
      ],
      [
        { role: "worker", rollPosition: "4 of 5, after cp-3" },
        "upgrade",
        [],
        "upgrade Talos v1.12.5 → v1.13.9 (drain, upgrade, uncordon) — 4 of 5, after cp-3",
      ],
      [{ role: "worker", drain: false }, "upgrade", [], "upgrade Talos v1.12.5 → v1.13.9 (upgrade)"],
      [
        { talosVersion: "v1.12.5", installImage: "factory.talos.dev/metal-installer/abc:v1.12.5" },
        "upgrade",
        [],
        "upgrade Talos v1.12.5 to factory.talos.dev/metal-installer/abc:v1.12.5 (forfeit etcd leadership, drain, upgrade, uncordon)",
      ],
      [{ talosVersion: "v1.12.5" }, "reboot", ["machine.env"], "reboot to apply machine.env (drain, reboot, uncordon)"],
      [{ talosVersion: "v1.12.5", drain: false }, "reboot", [], "reboot to apply secret values (reboot)"],
      [{ talosVersion: "v1.12.5" }, "live", ["a", "b", "c", "d"], "apply live a, b, c and 1 more"],
      [
        { talosVersion: "v1.12.5", applyMode: "staged" },
        "reboot",
        ["machine.env"],
        "apply machine.env with applyMode staged",
      ],
      [{ talosVersion: "v1.12.5" }, "live", [], undefined],
      [{ talosVersion: "v1.12.5" }, "none", [], undefined],
      [{ delivery: "user-data" }, "upgrade", [], undefined],
    ];
    for (const [over, impact, paths, want] of table)
      assert.strictEqual(plannedAction({ olds, news: news(over), impact, paths }), want, JSON.stringify(over));
    assert.strictEqual(
      plannedAction({ olds: {}, news: news(), impact: "none", paths: [] }),
      undefined,
      "create plans nothing",
    );
  });

  it("treats a change of only plannedAction/rollPosition as no change, anything else as the engine's to diff", () => {
    const a = {
      talosVersion: "v1.13.9",
      configHash: "h",
      plannedAction: "upgrade Talos v1.12.5 → v1.13.9 (upgrade)",
      rollPosition: "1 of 2",
    };
    assert.strictEqual(onlyDescriptiveChanges(a, { talosVersion: "v1.13.9", configHash: "h" }), true);
    assert.strictEqual(onlyDescriptiveChanges(a, { ...a, rollPosition: "2 of 3" }), true);
    assert.strictEqual(onlyDescriptiveChanges(a, { ...a, configHash: "g" }), false);
    // Outputs equal to the new inputs: no change, whatever the stored inputs of a former "same" step say.
    assert.strictEqual(onlyDescriptiveChanges(a, a), true);
    assert.deepStrictEqual(
      diffMachineConfig({ ...a, node: "n" }, { talosVersion: "v1.13.9", configHash: "h", node: "n" }),
      { changes: false, replaces: [] },
    );
    assert.deepStrictEqual(diffMachineConfig({ ...a, node: "n" }, { ...a, configHash: "g", node: "n" }), {
      replaces: [],
    });
  });

  it("keeps a healthy majority of the remaining etcd members (quorum table)", () => {
    const m = (id: string) => ({ node: "", id, hostname: id, peerUrls: [], clientUrls: [], learner: false });
    const table: Array<[number, string[], boolean, number, number]> = [
      // members, healthy after removal of "1", ok, healthyAfter, quorum
      [3, ["2", "3"], true, 2, 2],
      [3, ["2"], false, 1, 2],
      [2, ["2"], true, 1, 1],
      [2, [], false, 0, 1],
      [1, [], true, 0, 1],
      [5, ["2", "3"], false, 2, 3],
      [5, ["2", "3", "4"], true, 3, 3],
    ];
    for (const [n, healthy, ok, after, quorum] of table) {
      const members = Array.from({ length: n }, (_, i) => m(String(i + 1)));
      const v = quorumAfterRemoval(members, "1", new Set(healthy));
      assert.deepStrictEqual(
        [v.ok, v.healthyAfter, v.quorum, v.remaining],
        [ok, after, quorum, n - 1],
        `${n} members, healthy ${healthy}`,
      );
    }
  });

  it("reads the Talos tag of an installer image", () => {
    assert.strictEqual(imageTag("ghcr.io/siderolabs/installer:v1.13.9"), "v1.13.9");
    assert.strictEqual(
      imageTag(
        "factory.talos.dev/metal-installer/376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba:v1.14.0-rc.1",
      ),
      "v1.14.0-rc.1",
    );
    assert.strictEqual(imageTag("localhost:5000/installer:latest"), undefined);
  });

  it("decides whether a node still needs its upgrade: version first, the config's installer only for a same-version change", () => {
    const live = (image: string) => ({
      active: `version: v1alpha1\nmachine:\n  install:\n    image: ${image}\n`,
      persistent: null,
    });
    const v12 = "ghcr.io/siderolabs/installer:v1.12.5";
    const v13 = "ghcr.io/siderolabs/installer:v1.13.9";
    const schematic =
      "factory.talos.dev/metal-installer/376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba:v1.13.9";
    assert.strictEqual(upgradeNeeded("v1.12.5", v13, live(v12), v12), true, "still on the old version");
    assert.strictEqual(
      upgradeNeeded("v1.13.9", v13, live(v12), v12),
      false,
      "came back on the new version before its config was applied",
    );
    assert.strictEqual(upgradeNeeded("v1.13.9", schematic, live(v13), v13), true, "same version, another schematic");
    assert.strictEqual(upgradeNeeded("v1.13.9", schematic, live(schematic), v13), false, "schematic already installed");
  });

  it("pins the node's Kubernetes images into a config, only where both have the component", () => {
    const cfg = (k: string, extra = "") =>
      `version: v1alpha1\nmachine:\n  kubelet:\n    image: ghcr.io/siderolabs/kubelet:v${k}\ncluster:\n  apiServer:\n    image: registry.k8s.io/kube-apiserver:v${k}\n${extra}`;
    const pinned = pinKubernetesImages(
      cfg("1.36.3"),
      cfg("1.35.0", "  proxy:\n    image: registry.k8s.io/kube-proxy:v1.35.0\n"),
    );
    assert.deepStrictEqual(pinned.pinned, ["machine.kubelet.image", "cluster.apiServer.image"]);
    assert.match(pinned.config, /kubelet:v1\.35\.0/);
    assert.doesNotMatch(pinned.config, /kube-proxy/);
    const same = cfg("1.36.3");
    assert.strictEqual(pinKubernetesImages(same, same).config, same);
  });
});
