import * as assert from "assert";
import {
  compareTalosVersions,
  contractAtLeast,
  defaultKubernetesVersion,
  imageCompression,
  parseTalosVersion,
  supportsPlatformInstaller,
  talosContract,
  usesMultiDocNetwork,
} from "../../../provider/talos/versions";

// Does not prove: the Kubernetes defaults of Talos patch releases the contract does not list (v1.13.1–v1.13.8 are assumed = v1.13.0).
describe("talos/versions", () => {
  it("parses versions with and without patch and pre-release", () => {
    assert.deepStrictEqual(parseTalosVersion("v1.13.9"), { major: 1, minor: 13, patch: 9 });
    assert.deepStrictEqual(parseTalosVersion("v1.12"), { major: 1, minor: 12, patch: 0 });
    assert.deepStrictEqual(parseTalosVersion("v1.14.0-rc.1"), { major: 1, minor: 14, patch: 0, prerelease: "rc.1" });
    assert.throws(() => parseTalosVersion("1.13.9"), {
      name: "InputError",
      message: '[talosVersion] must look like "v1.13.9", got "1.13.9"',
    });
    assert.throws(() => parseTalosVersion("latest", "version"), {
      name: "InputError",
      message: '[version] must look like "v1.13.9", got "latest"',
    });
  });

  it("compares numerically, not lexically, and sorts pre-releases first", () => {
    const sorted = ["v1.10.0", "v1.9.5", "v1.14.0-rc.1", "v1.13.9", "v1.14.0", "v1.13.10"].sort(compareTalosVersions);
    assert.deepStrictEqual(sorted, ["v1.9.5", "v1.10.0", "v1.13.9", "v1.13.10", "v1.14.0-rc.1", "v1.14.0"]);
    assert.strictEqual(compareTalosVersions("v1.12.4", "v1.12.4"), 0);
  });

  it("contractAtLeast ignores the patch level", () => {
    const table: [string, string, boolean][] = [
      ["v1.12.0", "v1.12", true],
      ["v1.11.9", "v1.12", false],
      ["v1.13.9", "v1.12", true],
      ["v2.0.0", "v1.12", true],
      ["v1.14.0-rc.1", "v1.14", true],
      ["v0.14.0", "v1.1", false],
    ];
    assert.deepStrictEqual(
      table.map(([v, c]) => [v, c, contractAtLeast(v, c)]),
      table,
    );
    assert.strictEqual(talosContract("v1.13.9"), "v1.13");
  });

  it("knows the default Kubernetes version per Talos release", () => {
    const table: [string, string][] = [
      ["v1.6.7", "1.29.0"],
      ["v1.7.0", "1.30.0"],
      ["v1.8.4", "1.31.1"],
      ["v1.9.5", "1.32.0"],
      ["v1.10.3", "1.33.0"],
      ["v1.11.5", "1.34.0"],
      ["v1.12.4", "1.35.0"],
      ["v1.13.0", "1.36.0"],
      ["v1.13.8", "1.36.0"],
      ["v1.13.9", "1.36.3"],
      ["v1.13.12", "1.36.3"],
    ];
    assert.deepStrictEqual(
      table.map(([t]) => [t, defaultKubernetesVersion(t)]),
      table,
    );
    assert.throws(() => defaultKubernetesVersion("v1.14.0"), {
      name: "InputError",
      message:
        "[talosVersion] no default Kubernetes version known for Talos v1.14.0 (known: v1.6–v1.13); set kubernetesVersion explicitly",
    });
  });

  it("release image compression, platform installer and multi-doc network switch at the documented versions", () => {
    assert.deepStrictEqual(["v1.6.0", "v1.7.7", "v1.8.0", "v1.13.9"].map(imageCompression), ["xz", "xz", "zst", "zst"]);
    assert.deepStrictEqual(["v1.9.6", "v1.10.0"].map(supportsPlatformInstaller), [false, true]);
    assert.deepStrictEqual(["v1.11.5", "v1.12.0"].map(usesMultiDocNetwork), [false, true]);
  });
});
