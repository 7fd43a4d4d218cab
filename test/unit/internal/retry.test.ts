import * as assert from "assert";
import { backoffDelay, retry } from "../../../provider/internal/retry";
import { pollUntil } from "../../../provider/internal/poll";
import { isError } from "../../../provider/internal/errors";

// Does not prove: behaviour with real timers (sleep is injected everywhere here).
describe("internal/retry and pollUntil", () => {
  it("backoff is capped exponential with jitter bounds", () => {
    const mid = () => 0.5;
    assert.deepStrictEqual(
      [0, 1, 2, 3, 10].map((n) => backoffDelay(n, { initialMs: 100, maxMs: 500, random: mid })),
      [100, 200, 400, 500, 500],
    );
    assert.strictEqual(backoffDelay(0, { initialMs: 100, jitter: 0.2, random: () => 0 }), 80);
    assert.strictEqual(backoffDelay(0, { initialMs: 100, jitter: 0.2, random: () => 0.9999999 }), 120);
  });

  it("retry stops at a non-retryable error and at the attempt limit", async () => {
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    let calls = 0;
    await assert.rejects(
      retry(
        async () => {
          calls++;
          throw new Error("boom");
        },
        { attempts: 3, sleep, random: () => 0.5, initialMs: 10 },
      ),
      /boom/,
    );
    assert.strictEqual(calls, 3);
    assert.deepStrictEqual(waits, [10, 20]);
    calls = 0;
    await assert.rejects(
      retry(
        async () => {
          calls++;
          throw new Error("fatal");
        },
        { retryable: () => false, sleep },
      ),
      /fatal/,
    );
    assert.strictEqual(calls, 1);
  });

  it("pollUntil returns the first defined value and names what it waited for on timeout", async () => {
    let t = 0;
    const now = () => t;
    const sleep = async (ms: number) => {
      t += ms;
    };
    let n = 0;
    assert.strictEqual(
      await pollUntil(async () => (++n === 3 ? "ok" : undefined), {
        what: "x",
        timeoutMs: 10000,
        now,
        sleep,
        random: () => 0.5,
      }),
      "ok",
    );
    const err = await pollUntil(
      async () => {
        throw new Error("connection refused");
      },
      {
        what: "server 42 to be off",
        timeoutMs: 5000,
        now,
        sleep,
        transient: () => true,
        random: () => 0.5,
      },
    ).catch((e) => e);
    assert.ok(isError(err, "DeadlineError"));
    assert.strictEqual(
      err.message,
      "timed out after 5s waiting for server 42 to be off (last error: connection refused)",
    );
  });
});
