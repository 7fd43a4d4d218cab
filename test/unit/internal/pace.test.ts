import * as assert from "assert";
import { EXPECTED_MS, pollPace } from "../../../provider/internal/pace";
import { pollUntil } from "../../../provider/internal/poll";
import { robotHourMs, worldTimeScale } from "../../../provider/runtime/shared/timing";
import { timingOf } from "../../../provider/runtime/robot-server/types";
import { timingOf as imageTimingOf } from "../../../provider/runtime/talos-image/types";

// Does not prove: that the expected durations match real Hetzner hardware (they cite the contracts),
// nor that a real run sleeps less (test/engine/robot-server-world.test.ts measures that).
describe("internal/pace: polls paced by the expected duration and the world's time scale", () => {
  it("the first check comes after half the scaled expectation, capped at a quarter of the deadline", () => {
    assert.strictEqual(pollPace(300_000, 1, 600_000).firstWaitMs, 150_000);
    assert.strictEqual(pollPace(300_000, 0.0005, 600_000).firstWaitMs, 75);
    assert.strictEqual(pollPace(300_000, 1, 1_500).firstWaitMs, 375);
  });

  it("polls every twentieth of the scaled expectation, never below 20 ms nor above 5 s of real time", () => {
    assert.strictEqual(pollPace(30_000, 0.1, 300_000).initialMs, 150);
    assert.strictEqual(pollPace(300_000, 0.0005, 600_000).initialMs, 20);
    assert.strictEqual(pollPace(300_000, 1, 600_000).initialMs, 5_000);
  });

  it("grows ×1.25 up to a tenth of the scaled expectation, within the same bounds", () => {
    assert.deepStrictEqual(pollPace(30_000, 0.1, 300_000), {
      firstWaitMs: 1_500,
      initialMs: 150,
      factor: 1.25,
      maxMs: 300,
    });
    assert.strictEqual(pollPace(300_000, 0.0005, 600_000).maxMs, 20);
    assert.strictEqual(pollPace(300_000, 1, 600_000).maxMs, 5_000);
  });

  it("a short deadline caps every pause at a twentieth of it, so it still gets its polls", () => {
    assert.deepStrictEqual(pollPace(300_000, 1, 1_500), { firstWaitMs: 375, initialMs: 75, factor: 1.25, maxMs: 75 });
  });

  it("a time scale that is not a positive number counts as the real world (1)", () => {
    assert.deepStrictEqual(pollPace(30_000, 0, 300_000), pollPace(30_000, 1, 300_000));
    assert.deepStrictEqual(pollPace(30_000, Number.NaN, 300_000), pollPace(30_000, 1, 300_000));
  });

  it("pollUntil sleeps firstWaitMs before its first check", async () => {
    const waits: number[] = [];
    let t = 0;
    let checks = 0;
    const v = await pollUntil(async () => (++checks === 2 ? "ok" : undefined), {
      what: "x",
      timeoutMs: 1_000,
      firstWaitMs: 75,
      initialMs: 20,
      factor: 1.5,
      maxMs: 38,
      jitter: 0,
      now: () => t,
      sleep: async (ms) => {
        waits.push(ms);
        t += ms;
      },
    });
    assert.deepStrictEqual([v, waits], ["ok", [75, 20]]);
  });

  it("Robot's budget hour is an hour on real Hetzner and scaled like the simulated Robot's elsewhere", () => {
    assert.strictEqual(robotHourMs({}), 3_600_000);
    assert.strictEqual(robotHourMs({ TALOS_HETZNER_TIME_SCALE: "0.005" }), 18_000);
  });

  it("the world's time scale comes from talos-hetzner:timeScale / TALOS_HETZNER_TIME_SCALE, 1 by default", () => {
    assert.strictEqual(worldTimeScale({}), 1);
    assert.strictEqual(worldTimeScale({ TALOS_HETZNER_TIME_SCALE: "0.0005" }), 0.0005);
    assert.throws(() => worldTimeScale({ TALOS_HETZNER_TIME_SCALE: "fast" }), {
      name: "InputError",
      message: '[talos-hetzner:timeScale] must be a positive number, got "fast"',
    });
    assert.throws(() => worldTimeScale({ TALOS_HETZNER_TIME_SCALE: "-1" }), {
      message: '[talos-hetzner:timeScale] must be a positive number, got "-1"',
    });
  });

  it("RobotServer: rescue, Talos boot and power-off polls follow their expectations at the simulator's scale", () => {
    const t = timingOf(undefined, 0.0005);
    assert.deepStrictEqual(
      [t.rescue, t.maintenance, t.powerOff],
      [
        { firstWaitMs: 75, initialMs: 20, factor: 1.25, maxMs: 20 },
        { firstWaitMs: 30, initialMs: 20, factor: 1.25, maxMs: 20 },
        { firstWaitMs: 3, initialMs: 20, factor: 1.25, maxMs: 20 },
      ],
    );
    assert.deepStrictEqual(EXPECTED_MS.rescueBoot * 0.0005, 150);
  });

  it("TalosImage: Cloud actions are polled as hcloud-go does (500 ms) on real Hetzner, faster in a scaled world", () => {
    assert.strictEqual(imageTimingOf(undefined, 1).pollMs, 500);
    assert.strictEqual(imageTimingOf(undefined, 0.0005).pollMs, 20);
  });
});
