import * as assert from "assert";
import * as http from "http";
import { AddressInfo } from "net";
import { RobotClient } from "../../../../provider/hetzner/robot";
import { isError } from "../../../../provider/internal/errors";
import { AX, RobotHarness, rejection, startRobotHarness } from "./harness";

/** A random source that returns `values` in turn, then 0.99 (no injected fault). */
const scripted =
  (...values: number[]) =>
  () =>
    values.shift() ?? 0.99;

// Does not prove: the live service's exact bucket accounting (whether refused requests count) or its `interval` values.
describe("RobotClient rate limits, retries and deadlines (simulator, fake clock)", () => {
  let h: RobotHarness;
  afterEach(async () => h?.stop());

  // These tests meet Robot's 403 itself: the client's own pacing (robot-pacing.test.ts) is off.
  it("waits out the 50/h POST /reset bucket and then resets exactly once more", async () => {
    h = await startRobotHarness({ client: { paceToBudgets: false } });
    for (let i = 0; i < 50; i++) await h.client.reset.reset(AX, "hw");
    await h.client.reset.reset(AX, "hw");
    assert.strictEqual(h.machine(AX).resets.length, 51);
    assert.deepStrictEqual(
      h.sim.requests.slice(-3).map((r) => r.status),
      [200, 403, 200],
    );
    // The hour is 360 ms at timeScale 0.0001; Robot's interval says so, and the client polls every min(interval, 5 s).
    assert.deepStrictEqual(h.sleeps, [360]);
    assert.deepStrictEqual(h.logs, [
      "Robot POST /reset/2321001: rate limited; Robot allows 50 requests per 0.36s; asking again in 360ms",
    ]);
  });

  it("fails with a clear error when the wait would pass the deadline", async () => {
    h = await startRobotHarness({ client: { rateLimitDeadlineMs: 100, paceToBudgets: false } });
    for (let i = 0; i < 50; i++) await h.client.reset.reset(AX, "hw");
    const e = await rejection(h.client.reset.reset(AX, "hw"));
    assert.deepStrictEqual(
      [isError(e, "RobotApiError"), e.status, e.code, e.interval, e.maxRequests, h.sleeps],
      [true, 403, "RATE_LIMIT_EXCEEDED", 0.36, 50, []],
    );
    assert.strictEqual(
      e.message,
      "Robot POST /reset/2321001 failed: RATE_LIMIT_EXCEEDED (403): Rate limit exceeded; " +
        "not waiting past the rate-limit deadline of 100ms (waited 0ms; Robot allows 50 requests per 0.36s)",
    );
    assert.strictEqual(h.machine(AX).resets.length, 50);
  });

  it("keeps polling a limited endpoint until the deadline (faults.rateLimitNext set at run time)", async () => {
    h = await startRobotHarness({ client: { rateLimitDeadlineMs: 1000 } });
    h.sim.faults.rateLimitNext = 100;
    const e = await rejection(h.client.servers.get(AX));
    assert.deepStrictEqual(h.sleeps, [360, 360]);
    assert.match(
      e.message,
      /; not waiting past the rate-limit deadline of 1s \(waited 720ms; Robot allows 200 requests per 0\.36s\)$/,
    );
    h.sim.faults.rateLimitNext = 1;
    assert.strictEqual((await h.client.servers.get(AX))!.serverNumber, AX);
  });

  it("GET /server and GET /server/{n} share one 200/h bucket; rename and /reset have their own", async () => {
    h = await startRobotHarness({ client: { rateLimitDeadlineMs: 0, paceToBudgets: false } });
    for (let i = 0; i < 100; i++) {
      await h.client.servers.get(AX);
      await h.client.servers.list();
    }
    assert.strictEqual((await rejection(h.client.servers.list())).code, "RATE_LIMIT_EXCEEDED");
    assert.strictEqual((await rejection(h.client.servers.get(AX))).code, "RATE_LIMIT_EXCEEDED");
    assert.strictEqual((await h.client.servers.rename(AX, "still-allowed")).serverName, "still-allowed");
    assert.strictEqual((await h.client.reset.getOptions(AX)).serverNumber, AX);
  });

  it("a rate-limited POST /key is sent again (it was refused, not executed) and creates one key", async () => {
    h = await startRobotHarness();
    h.sim.faults.rateLimitNext = 1;
    await h.client.keys.create(
      "k",
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKdodrrhDLzs0j4/0Qz7h5N0YdrkNvaN6SdT8ndISbNx vec",
    );
    assert.deepStrictEqual(
      h.sim.requests.map((r) => `${r.method} ${r.path} ${r.status}`),
      ["POST /key 403", "POST /key 201"],
    );
    assert.strictEqual((await h.client.keys.list()).length, 1);
  });

  it("retries a GET after 5xx with backoff, and gives up after the attempts", async () => {
    h = await startRobotHarness({ faults: { error5xxRate: 0.5 }, random: scripted(0, 0) });
    assert.strictEqual((await h.client.servers.get(AX))!.serverNumber, AX);
    assert.deepStrictEqual(
      [h.sim.requests.map((r) => r.status), h.sleeps],
      [
        [500, 500, 200],
        [1000, 2000],
      ],
    );
    assert.strictEqual(
      h.logs[0],
      "Robot GET /server/2321001: Robot GET /server/2321001 failed: INTERNAL_ERROR (500): Internal error (retry 1 of 3); asking again in 1s",
    );
    h.sim.faults.error5xxRate = 1;
    h.sleeps.length = 0;
    const e = await rejection(h.client.servers.get(AX));
    assert.deepStrictEqual(
      [e.message, h.sleeps],
      ["Robot GET /server/2321001 failed: INTERNAL_ERROR (500): Internal error", [1000, 2000, 4000]],
    );
  });

  it("never repeats a POST after 5xx (no second power cycle, no duplicate key), but repeats DELETE", async () => {
    h = await startRobotHarness({ faults: { error5xxRate: 1 } });
    for (const call of [
      () => h.client.reset.reset(AX, "hw"),
      () => h.client.keys.create("k", "x"),
      () => h.client.rescue.activate(AX, "linux", []),
    ]) {
      assert.strictEqual((await rejection(call())).code, "INTERNAL_ERROR");
    }
    assert.deepStrictEqual([h.sim.requests.length, h.sleeps, h.machine(AX).resets], [3, [], []]);
    const second = await startRobotHarness({ faults: { error5xxRate: 0.5 }, random: scripted(0) });
    try {
      assert.strictEqual((await second.client.rescue.deactivate(AX)).active, false);
      assert.deepStrictEqual(
        second.sim.requests.map((r) => `${r.method} ${r.status}`),
        ["DELETE 500", "DELETE 200"],
      );
    } finally {
      await second.stop();
    }
  });

  it("network errors: GET is retried then fails naming the cause; POST is sent once", async () => {
    h = await startRobotHarness();
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const sleeps: number[] = [];
    const client = new RobotClient({
      url: `http://127.0.0.1:${port}/`,
      user: "u",
      password: "p4ssw0rd",
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      retry: { attempts: 2, random: () => 0.5 },
      log: () => {},
    });
    const get = await rejection(client.servers.list());
    assert.deepStrictEqual(
      [get.name, get.message, sleeps],
      [
        "RobotNetworkError",
        `Robot GET /server failed: no response: fetch failed: connect ECONNREFUSED 127.0.0.1:${port}`,
        [1000],
      ],
    );
    const post = await rejection(client.reset.reset(AX, "hw"));
    assert.deepStrictEqual([post.name, sleeps.length], ["RobotNetworkError", 1]);
  });

  it("a slow answer hits the per-attempt timeout", async () => {
    h = await startRobotHarness({
      faults: { latencyScale: 20_000 },
      client: { requestTimeoutMs: 50, retry: { attempts: 1 } },
    }); // 100 ms × 20000 × 0.0001 = 200 ms
    const e = await rejection(h.client.servers.list());
    assert.deepStrictEqual(
      [e.name, e.message],
      ["RobotNetworkError", "Robot GET /server failed: no response: The operation was aborted due to timeout"],
    );
  });
});
