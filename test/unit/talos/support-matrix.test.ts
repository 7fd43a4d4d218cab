/**
 * Talos's support matrix in previews: Kubernetes versions per Talos minor (enforced by nodes from
 * v1.11) and the upgrade-jump limit of Talos's installer, as TalosMachineConfig's check reports them.
 * Does not prove: that nodes refuse the same (the simulator's own table, checked in
 * talos-sim-compat.test.ts, and the real Talos).
 */
import * as assert from "assert";
import { kubernetesSupportProblem, upgradePathProblem } from "../../../provider/talos/support-matrix";
import { supportFailures } from "../../../provider/runtime/talos-machine-config/validate";
import { assertTable } from "../../helpers/table";

describe("Talos support matrix", () => {
  it("admits each minor's Kubernetes range and refuses outside it with the range (v1.11+ only)", () => {
    const table: [string, string, string | undefined][] = [
      ["v1.13.9", "1.31.0", undefined],
      ["v1.13.9", "1.36.3", undefined],
      ["v1.13.9", "v1.36.98", undefined],
      [
        "v1.13.9",
        "1.30.9",
        "Kubernetes 1.30.9 is not supported by Talos v1.13.9: Talos v1.13 runs Kubernetes 1.31 to 1.36 (its nodes reject other kubelet and control-plane images at apply)",
      ],
      [
        "v1.13.9",
        "1.20.0",
        "Kubernetes 1.20.0 is not supported by Talos v1.13.9: Talos v1.13 runs Kubernetes 1.31 to 1.36 (its nodes reject other kubelet and control-plane images at apply)",
      ],
      [
        "v1.12.11",
        "1.36.3",
        "Kubernetes 1.36.3 is not supported by Talos v1.12.11: Talos v1.12 runs Kubernetes 1.30 to 1.35 (its nodes reject other kubelet and control-plane images at apply)",
      ],
      ["v1.12.4", "1.30.0", undefined],
      [
        "v1.11.6",
        "1.35.0",
        "Kubernetes 1.35.0 is not supported by Talos v1.11.6: Talos v1.11 runs Kubernetes 1.29 to 1.34 (its nodes reject other kubelet and control-plane images at apply)",
      ],
      ["v1.11.6", "1.29.0", undefined],
      ["v1.10.9", "1.20.0", undefined],
    ];
    assertTable(kubernetesSupportProblem, table);
  });

  it("refuses too long an upgrade jump naming the minimum and the hop to take first, and too far a downgrade", () => {
    const table: [string, string, string | undefined][] = [
      ["v1.11.6", "v1.13.9", undefined],
      ["v1.12.4", "v1.13.9", undefined],
      ["v1.13.9", "v1.12.11", undefined],
      [
        "v1.9.6",
        "v1.13.9",
        "Talos v1.13.9 cannot be installed over v1.9.6: Talos v1.13 upgrades only from v1.11.0 or later; upgrade to a v1.11 release first, then to v1.13.9",
      ],
      [
        "v1.10.9",
        "v1.13.9",
        "Talos v1.13.9 cannot be installed over v1.10.9: Talos v1.13 upgrades only from v1.11.0 or later; upgrade to a v1.12 release first, then to v1.13.9",
      ],
      [
        "v1.6.8",
        "v1.13.9",
        "Talos v1.13.9 cannot be installed over v1.6.8: Talos v1.13 upgrades only from v1.11.0 or later; upgrade to a v1.8 release first, then to v1.13.9",
      ],
      [
        "v1.13.9",
        "v1.10.9",
        "Talos v1.10.9 cannot be installed over v1.13.9: Talos v1.10 downgrades only from versions before v1.12.0",
      ],
    ];
    assertTable(upgradePathProblem, table);
  });

  it("names the input at fault in check: kubernetesVersion when given, talosVersion for its default and for a jump", () => {
    assert.deepStrictEqual(supportFailures({}, { talosVersion: "v1.13.9", kubernetesVersion: "1.20.0" }), [
      {
        property: "kubernetesVersion",
        reason:
          "[kubernetesVersion] Kubernetes 1.20.0 is not supported by Talos v1.13.9: Talos v1.13 runs Kubernetes 1.31 to 1.36 (its nodes reject other kubelet and control-plane images at apply)",
      },
    ]);
    // The default of the pinned v1.13 contract (1.36.x) does not run on v1.12.
    assert.deepStrictEqual(
      supportFailures({}, { talosVersion: "v1.12.11", configVersion: "v1.13.9" }).map((f) => f.property),
      ["talosVersion"],
    );
    assert.deepStrictEqual(
      supportFailures(
        { talosVersion: "v1.9.6" },
        { talosVersion: "v1.13.9", configVersion: "v1.9.6", kubernetesVersion: "1.32.0" },
      ),
      [
        {
          property: "talosVersion",
          reason:
            "[talosVersion] Talos v1.13.9 cannot be installed over v1.9.6: Talos v1.13 upgrades only from v1.11.0 or later; upgrade to a v1.11 release first, then to v1.13.9",
        },
      ],
    );
    assert.deepStrictEqual(
      supportFailures({ talosVersion: "v1.12.4" }, { talosVersion: "v1.13.9", configVersion: "v1.12.4" }),
      [],
    );
  });
});
