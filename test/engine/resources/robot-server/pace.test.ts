/**
 * RobotServer's waits follow the simulator's time scale (talos-hetzner:timeScale, set by the world):
 * an install with the DEFAULT deadlines (600 s rescue, 900 s maintenance) at time scale 0.0002 no
 * longer sleeps the fixed 10 s first poll that those deadlines used to give the rescue wait.
 * Does not prove: the pace on real hardware (test/unit/pace.test.ts checks the arithmetic), nor that
 * no other wait of the install is slow; wall time on a loaded machine bounds it only loosely.
 */
import * as assert from "assert";
import { RobotServerWorld, argsFor, smallServer } from "./world";

/** Adds the arrival time to every line the host prints. */
function stampLines(logs: string[]): Array<[number, string]> {
  const stamped: Array<[number, string]> = [];
  const push = logs.push.bind(logs);
  logs.push = (...lines: string[]) => {
    for (const l of lines) stamped.push([Date.now(), l]);
    return push(...lines);
  };
  return stamped;
}

function gapMs(stamped: Array<[number, string]>, from: RegExp, to: RegExp): number {
  const a = stamped.find(([, l]) => from.test(l));
  const b = stamped.find(([, l]) => to.test(l));
  assert.ok(a && b, `log lines ${from} and ${to} not both seen:\n${stamped.map(([, l]) => l).join("\n")}`);
  return b[0] - a[0];
}

describe("engine: RobotServer polls paced by the simulator's time scale", function () {
  this.timeout(180_000);
  let w: RobotServerWorld;

  before(async () => {
    w = await RobotServerWorld.start(() => [smallServer(1)]);
  });
  after(async () => w?.stop());

  it("an install with the default deadlines waits for rescue and maintenance mode well under the old 10 s first poll", async () => {
    const stamped = stampLines(w.h.logs);
    const { deadlines: _fast, ...args } = argsFor(w, 1);
    const r = await w.up("node-1", args);
    assert.strictEqual(r.outputs.talosState, "maintenance");
    // The old pace slept 10 s (±20 % jitter, so at least 8 s) after the first SSH attempt failed right
    // after the reset (measured 10.1 s before the change, 1.6–1.8 s after); the Talos probe is slow
    // enough that maintenance mode was usually up by the second one. Rescue namespace setup on a busy
    // machine takes a few real seconds, so the bound leaves room for that but not for the old sleep.
    const rescue = gapMs(stamped, /step 5\/12: resetting into the rescue system/, /step 6\/12: reading the inventory/);
    const maintenance = gapMs(
      stamped,
      /step 12\/12: waiting for Talos maintenance mode/,
      /Cleanup: deleted ephemeral key/,
    );
    assert.ok(rescue < 7_500, `rescue wait took ${rescue} ms`);
    assert.ok(maintenance < 7_500, `maintenance wait took ${maintenance} ms`);
  });
});
