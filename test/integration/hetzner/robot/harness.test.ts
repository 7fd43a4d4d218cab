/** The Robot test harness (harness.ts) checked on its own. */
import * as assert from "assert";
import { START, shapeDiff, startRobotHarness } from "./harness";

// Does not prove: anything about the simulator itself; this only checks the harness's own helpers.
describe("Robot test harness", () => {
  it("shapeDiff reports extra, missing, type and nullable differences", () => {
    assert.deepStrictEqual(
      shapeDiff(
        { a: 1, b: [{ x: "s" }], server_ip: null, c: 1 },
        { a: "1", b: [{ x: "t", y: 1 }], server_ip: "1.2.3.4", d: 2 },
      ),
      ["$.a: number instead of string", "$.b[0].y: missing", "$.c: extra", "$.d: missing"],
    );
    assert.deepStrictEqual(shapeDiff([], [{ a: 1 }]), []);
    assert.deepStrictEqual(shapeDiff([1], []), ["$: non-empty instead of []"]);
  });

  it("the client's sleep advances the shared clock", async () => {
    const h = await startRobotHarness({ servers: [] });
    try {
      h.sim.faults.rateLimitNext = 1;
      assert.deepStrictEqual(await h.client.servers.list(), []);
      assert.deepStrictEqual([h.sleeps, h.clock.t - START], [[360], 360]);
    } finally {
      await h.stop();
    }
  });
});
