import * as assert from "assert";
import { DelayCover } from "../../../provider/sim/delay-cover";

// Does not prove: that every simulated service waits through world.delay (a service that sleeps on its
// own timer would count as overhead in bench/robot-server, which errs against the library, not for it).
describe("sim/delay-cover: real time covered by simulated delays", () => {
  it("counts overlapping delays once and gaps not at all", () => {
    let t = 0;
    const c = new DelayCover(() => t);
    const a = c.begin(); // 0..10
    t = 4;
    const b = c.begin(); // 4..15, overlaps a
    t = 10;
    a();
    t = 15;
    b();
    t = 20; // a gap of 5: not covered
    const d = c.begin();
    t = 23;
    assert.strictEqual(c.coveredMs(), 18, "an open delay counts up to now");
    d();
    d(); // ending twice changes nothing
    t = 30;
    assert.strictEqual(c.coveredMs(), 18);
  });
});
