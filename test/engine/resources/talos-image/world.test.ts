/** The TalosImage engine tests' world helpers (world.ts) checked on their own. */
import * as assert from "assert";
import { FAST, urnOf } from "./world";

// Does not prove: anything about TalosImage itself; only the helpers above.
describe("TalosImage test world helpers", () => {
  it("names URNs and keeps fast timeouts valid for check", () => {
    assert.strictEqual(urnOf("img"), "urn:pulumi:stack::project::pulumi-nodejs:dynamic/talos-hetzner:TalosImage::img");
    assert.ok(Object.values(FAST).every((v) => v > 0 && v <= 86_400));
    assert.strictEqual(FAST.heartbeatSeconds * 5 < FAST.lockWaitSeconds, true);
  });
});
