/**
 * TalosCluster's own preview checks (issue 16, item 6): a misspelled top-level key names the closest
 * valid one; adminCidrs is validated even with the Robot firewall off and warns for 0.0.0.0/0 and
 * ::/0. Does not prove how the Pulumi CLI prints the warning (pulumi.log.warn is the engine's).
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { TalosCluster } from "../../../../provider/resources/talos-cluster";
import { checkAdminCidrs, checkClusterKeys } from "../../../../provider/resources/talos-cluster/args";
import { closest, editDistance } from "../../../../provider/internal/suggest";

const base = {
  talosVersion: "v1.13.9",
  controlPlanes: [{ serverNumber: 1, installDisk: { wwn: "eui.1" } }],
  adminCidrs: ["198.51.100.0/24"],
};

describe("TalosCluster argument checks", () => {
  it("names a misspelled top-level key and suggests the closest valid one", () => {
    const cases: [string, string][] = [
      ["adminCidr", '[adminCidr] is not a TalosCluster argument; did you mean "adminCidrs"?'],
      ["controlPlane", '[controlPlane] is not a TalosCluster argument; did you mean "controlPlanes"?'],
      [
        "robotFirewal",
        '[robotFirewall] is not a TalosCluster argument; did you mean "robotFirewall"?'.replace(
          "[robotFirewall]",
          "[robotFirewal]",
        ),
      ],
      [
        "kubernetes",
        "[kubernetes] is not a TalosCluster argument (known: clusterName, endpoint, talosVersion, kubernetesVersion, schematicId, controlPlanes, workers, patches, kubeSpan, adminCidrs, robotFirewall, secretsYaml, cloudImage, maxParallel, configVersion, allowQuorumLoss, resetRemovedNodes, drainTimeoutSeconds, upgradeTimeoutSeconds)",
      ],
    ];
    for (const [key, message] of cases)
      assert.throws(
        () => checkClusterKeys({ ...base, [key]: true }),
        (e: Error) => e.name === "InputError" && e.message === message,
        key,
      );
    checkClusterKeys(base);
  });

  it("measures edit distance case-insensitively and only suggests close names", () => {
    assert.deepStrictEqual(
      [
        editDistance("adminCIDRs", "adminCidrs"),
        editDistance("kitten", "sitting"),
        closest("wokers", ["workers", "patches"]),
        closest("zzz", ["workers"]),
      ],
      [0, 3, "workers", undefined],
    );
  });

  it("validates adminCidrs on its own and warns for a CIDR that admits everyone", () => {
    assert.throws(() => checkAdminCidrs(["198.51.100.7/24"]), {
      message: '[adminCidrs[0]] "198.51.100.7/24" has host bits set; use its network 198.51.100.0/24',
    });
    assert.throws(() => checkAdminCidrs(["203.0.113.7/32", "office"]), {
      message: '[adminCidrs[1]] must be an IP address or CIDR like 203.0.113.0/24 or 2001:db8::/32, got "office"',
    });
    assert.throws(() => checkAdminCidrs([]), {
      message:
        '[adminCidrs] must list at least one CIDR (where you run pulumi, talosctl and kubectl from), e.g. ["203.0.113.7/32"]',
    });
    assert.deepStrictEqual(checkAdminCidrs(["203.0.113.7/32", "2001:db8::/48"]), []);
    assert.deepStrictEqual(
      checkAdminCidrs(["0.0.0.0/0", "::/0"]),
      [0, 1].map(
        (i) =>
          `adminCidrs[${i}] is ${JSON.stringify(["0.0.0.0/0", "::/0"][i])}: the Talos API (50000) and the Kubernetes API (6443) accept connections from the whole internet; list only the addresses you run pulumi, talosctl and kubectl from`,
      ),
    );
  });

  it("the component refuses a typo and an invalid adminCidrs with the Robot firewall off, before any child exists", () => {
    const created: string[] = [];
    pulumi.runtime.setMocks(
      { newResource: (a) => (created.push(a.name), { id: "x", state: a.inputs }), call: (a) => a.inputs },
      "project",
      "stack",
      false,
    );
    assert.throws(() => new TalosCluster("c", { ...base, adminCidr: ["x"] } as never), {
      message: '[adminCidr] is not a TalosCluster argument; did you mean "adminCidrs"?',
    });
    assert.throws(() => new TalosCluster("c", { ...base, robotFirewall: false, adminCidrs: ["10.0.0.1/8"] }), {
      message: '[adminCidrs[0]] "10.0.0.1/8" has host bits set; use its network 10.0.0.0/8',
    });
    assert.deepStrictEqual(
      created.filter((n) => n !== "c"),
      [],
    );
  });
});
