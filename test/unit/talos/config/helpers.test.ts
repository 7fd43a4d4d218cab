import * as assert from "assert";
import { FIXTURES } from "../../../helpers/fixtures";
import * as fs from "fs";
import { createHash } from "crypto";
import { gunzipSync, gzipSync } from "zlib";
import { parseAllDocuments } from "yaml";
import {
  applyConfigPatches,
  encodeUserData,
  hostnamePatch,
  kubeSpanPatch,
  substituteVariables,
  validateClusterEndpoint,
} from "../../../../provider/talos/config";

// Does not prove: that Hetzner accepts the user-data (its 32 KiB limit is taken from contract §19),
// nor that Talos boots from it (the simulator's cloud nodes cover that).
const GEN = FIXTURES + "/talos/gen-config";

describe("encodeUserData", () => {
  it("keeps a config of at most 32768 UTF-8 bytes plain", () => {
    const config = "a".repeat(32768);
    assert.deepStrictEqual(encodeUserData(config), { userData: config, encoding: "plain", bytes: 32768 });
  });

  it("counts UTF-8 bytes, not characters, and gzip+base64-encodes above the limit", () => {
    const config = `machine:\n  files:\n    - content: ${"é".repeat(16384)}\n`;
    const out = encodeUserData(config);
    assert.strictEqual(out.encoding, "gzip+base64");
    assert.strictEqual(out.bytes, out.userData.length);
    assert.ok(out.bytes <= 32768);
    assert.strictEqual(gunzipSync(Buffer.from(out.userData, "base64")).toString("utf8"), config);
    assert.strictEqual(encodeUserData(config).userData, out.userData, "stable encoding");
  });

  it("refuses what does not fit even compressed, stating both sizes and the limit", () => {
    const noise = Array.from({ length: 938 }, (_, i) => createHash("sha256").update(String(i)).digest("hex"))
      .join("")
      .slice(0, 60000);
    const packed = gzipSync(Buffer.from(noise), { level: 9 }).toString("base64").length;
    assert.throws(() => encodeUserData(noise), {
      name: "UserDataTooLargeError",
      message: `machine config too large for Hetzner user-data: 60000 bytes plain, ${packed} bytes as gzip+base64; the limit is 32768 bytes`,
    });
  });

  it("does not base64 user-data for Talos before v1.10 (it would not decode it)", () => {
    assert.throws(() => encodeUserData("x".repeat(40000), { talosVersion: "v1.9.5" }), {
      message:
        "machine config too large for Hetzner user-data: 40000 bytes plain, Talos v1.9.5 cannot read base64 user-data (v1.10+ can); the limit is 32768 bytes",
    });
    assert.strictEqual(encodeUserData("x".repeat(40000), { talosVersion: "v1.10.0" }).encoding, "gzip+base64");
  });
});

describe("kubeSpanPatch", () => {
  it("v1.11 and v1.12: machine.network.kubespan plus discovery", () => {
    const expected =
      "machine:\n    network:\n        kubespan:\n            enabled: true\n            advertiseKubernetesNetworks: false\n            mtu: 1420\ncluster:\n    discovery:\n        enabled: true\n";
    for (const v of ["v1.11.6", "v1.12.0"]) {
      assert.strictEqual(kubeSpanPatch({ talosVersion: v, mtu: 1420, advertiseKubernetesNetworks: false }), expected);
    }
  });

  it("v1.13: a KubeSpanConfig document plus discovery", () => {
    assert.strictEqual(
      kubeSpanPatch({ talosVersion: "v1.13.9", allowDownPeerBypass: true, harvestExtraEndpoints: false }),
      "cluster:\n    discovery:\n        enabled: true\n---\napiVersion: v1alpha1\nkind: KubeSpanConfig\nenabled: true\nallowDownPeerBypass: true\nharvestExtraEndpoints: false\n",
    );
  });

  it("applies to each version's gen config output", () => {
    for (const v of ["v1.11", "v1.12", "v1.13"]) {
      const docs = parseAllDocuments(
        applyConfigPatches(
          fs.readFileSync(`${GEN}/${v}/base-worker.yaml`, "utf8"),
          [kubeSpanPatch({ talosVersion: `${v}.0` })],
          { talosVersion: `${v}.0` },
        ),
      ).map((d) => d.toJS());
      assert.strictEqual(docs[0].cluster.discovery.enabled, true);
      const enabled =
        v === "v1.13"
          ? docs.find((d) => d.kind === "KubeSpanConfig")?.enabled
          : docs[0].machine.network.kubespan.enabled;
      assert.strictEqual(enabled, true, v);
    }
  });

  it("rejects an MTU below 1280 with Talos's text", () => {
    assert.throws(() => kubeSpanPatch({ talosVersion: "v1.13.0", mtu: 1279 }), {
      name: "InputError",
      message: "[mtu] kubespan link MTU must be at least 1280",
    });
  });
});

describe("hostnamePatch", () => {
  it("machine.network.hostname before v1.12, HostnameConfig auto: off from v1.12", () => {
    assert.strictEqual(
      hostnamePatch({ talosVersion: "v1.11.3", hostname: "cp-1" }),
      "machine:\n    network:\n        hostname: cp-1\n",
    );
    assert.strictEqual(
      hostnamePatch({ talosVersion: "v1.12.0", hostname: "cp-1" }),
      'apiVersion: v1alpha1\nkind: HostnameConfig\nauto: "off"\nhostname: cp-1\n',
    );
  });

  it("turns gen config's auto: stable into a static hostname on v1.13", () => {
    const out = applyConfigPatches(fs.readFileSync(`${GEN}/v1.13/base-worker.yaml`, "utf8"), [
      hostnamePatch({ talosVersion: "v1.13.9", hostname: "w-7" }),
    ]);
    assert.deepStrictEqual(parseAllDocuments(out)[1].toJS(), {
      apiVersion: "v1alpha1",
      kind: "HostnameConfig",
      auto: "off",
      hostname: "w-7",
    });
  });

  it("refuses user patches that set the other form, naming the patch", () => {
    assert.throws(
      () =>
        hostnamePatch({
          talosVersion: "v1.13.0",
          hostname: "a",
          patches: [{ label: "nodePatches[2]", patch: "machine:\n  network:\n    hostname: b\n" }],
        }),
      {
        name: "ConfigPatchError",
        message:
          "nodePatches[2]: static hostname is already set in v1alpha1 config; since Talos v1.12 the hostname is set with a HostnameConfig document",
      },
    );
    assert.throws(
      () =>
        hostnamePatch({
          talosVersion: "v1.12.0",
          hostname: "a",
          patches: [{ label: "rolePatches[0]", patch: { machine: { features: { stableHostname: true } } } }],
        }),
      {
        message:
          "rolePatches[0]: stable hostname is already set in v1alpha1 config; since Talos v1.12 the hostname is set with a HostnameConfig document",
      },
    );
    assert.throws(
      () =>
        hostnamePatch({
          talosVersion: "v1.11.0",
          hostname: "a",
          patches: [
            { label: "clusterPatches[1]", patch: "apiVersion: v1alpha1\nkind: HostnameConfig\nauto: stable\n" },
          ],
        }),
      {
        message:
          'clusterPatches[1]: document kind "HostnameConfig" is not known to Talos v1.11 (introduced in v1.12); set machine.network.hostname',
      },
    );
  });

  it("rejects a hostname that is not a DNS name", () => {
    assert.throws(() => hostnamePatch({ talosVersion: "v1.13.0", hostname: "bad_name" }), {
      message: `[hostname] must be a DNS hostname (letters, digits, '-', '.'), got "bad_name"`,
    });
  });
});

describe("substituteVariables", () => {
  const vars = { hostname: "cp-1", private_ip: "10.0.1.5", vlan: 4000, server_number: 321 };

  it("replaces ${name} and keeps $${name} literal", () => {
    assert.strictEqual(
      substituteVariables("a: ${hostname}/${private_ip}\nv: ${vlan}\nn: ${server_number}\nlit: $${hostname}\n", vars),
      "a: cp-1/10.0.1.5\nv: 4000\nn: 321\nlit: ${hostname}\n",
    );
  });

  it("an unknown variable names the variable and the patch", () => {
    assert.throws(() => substituteVariables("x: ${public_ip}", vars, "nodePatches[1]"), {
      name: "ConfigPatchError",
      message: "nodePatches[1]: unknown variable ${public_ip} (known: hostname, private_ip, server_number, vlan)",
    });
  });
});

describe("validateClusterEndpoint (talosctl gen config texts)", () => {
  const table: Array<[string, string | undefined]> = [
    ["https://10.0.0.1:6443", undefined],
    ["https://api.example.com:443/", undefined],
    ["10.0.0.1", 'no scheme and port specified for the cluster endpoint URL\ntry: "https://10.0.0.1:6443"'],
    ["10.0.0.1:6443", 'no scheme specified for the cluster endpoint URL\ntry: "https://10.0.0.1:6443"'],
    ["http://x:6443", 'the control plane endpoint URL should have scheme https://\ntry: "https://x:6443"'],
    ["https://x", 'error validating the cluster endpoint URL: no port specified\ntry: "https://x:6443"'],
  ];
  for (const [endpoint, message] of table) {
    it(endpoint, () => {
      if (message === undefined) validateClusterEndpoint(endpoint);
      else
        assert.throws(() => validateClusterEndpoint(endpoint), {
          name: "InputError",
          message: `[endpoint] ${message}`,
        });
    });
  }
});
