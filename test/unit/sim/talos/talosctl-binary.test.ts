/**
 * Which talosctl the simulator hands out: the stand-in when asked, never the stand-in passed off as
 * the real client (even when an environment variable names it), and the real client when built.
 * Does not prove: that the real client works against the simulated nodes (test/integration/sim/talos/grpc).
 */
import * as assert from "assert";
import * as fs from "fs";
import { descriptorSetPath } from "../../../../provider/sim/talos/grpc/descriptors";
import { talosctlPath } from "../../../../provider/sim/talos/runtime";
import { chooseTalosctl, realTalosctl } from "../../../../provider/sim/talos/talosctl-binary";

describe("simulator talosctl choice", () => {
  it("gives the stand-in when asked for it", () => {
    assert.deepStrictEqual(chooseTalosctl("stand-in"), { path: talosctlPath(), kind: "stand-in" });
  });

  it("never takes the stand-in for the real client, whichever variable names it", () => {
    const env = { REAL_TALOSCTL: talosctlPath(), TALOSCTL: talosctlPath() };
    assert.notStrictEqual(realTalosctl(env), talosctlPath());
    assert.strictEqual(
      realTalosctl({ REAL_TALOSCTL: "relative/talosctl", TALOSCTL: "/nonexistent/talosctl" }),
      realTalosctl({}),
    );
  });

  it("auto is the real client when one is built, else the stand-in", () => {
    const real = realTalosctl();
    const api = fs.existsSync(descriptorSetPath());
    assert.deepStrictEqual(
      chooseTalosctl("auto"),
      real && api ? { path: real, kind: "real" } : { path: talosctlPath(), kind: "stand-in" },
    );
    if (!real) assert.throws(() => chooseTalosctl("real"), /the real talosctl is not built: run `npm run tools`/);
  });

  it("stays on the stand-in while the nodes cannot serve the real client (no API descriptor set)", function () {
    if (!realTalosctl()) this.skip();
    assert.deepStrictEqual(
      chooseTalosctl("auto", () => false),
      { path: talosctlPath(), kind: "stand-in" },
    );
    assert.throws(
      () => chooseTalosctl("real", () => false),
      new RegExp(
        `^Error: the simulated nodes cannot serve the real talosctl: the Talos API descriptor set .*talos-api\\.pb is not built \\(run \`npm run tools\`\\)$`,
      ),
    );
  });
});
