import * as assert from "assert";
import { isRetryable, rateLimitDelay } from "../../../../provider/hetzner/cloud/retry-rule";

// Does not prove: how the transport applies the rule over HTTP (test/integration/cloud-client-errors.test.ts does).
describe("cloud client: retry rule", () => {
  const table: [number, string, boolean][] = [
    [409, "conflict", true],
    [409, "uniqueness_error", false],
    [429, "rate_limit_exceeded", true],
    [502, "bad_gateway", true],
    [504, "timeout", true],
    [502, "http_502", true], // a proxy's HTML error page still counts
    [503, "unavailable", false],
    [500, "server_error", false],
    [423, "locked", false], // hcloud-go does not retry locked
    [422, "invalid_input", false],
    [412, "resource_unavailable", false],
    [404, "not_found", false],
    [401, "unauthorized", false],
  ];
  for (const [status, code, expected] of table) {
    it(`${status} ${code} → ${expected ? "retry" : "fail"}`, () =>
      assert.strictEqual(isRetryable(status, code), expected));
  }

  it("waits for one request's worth of recovery after a 429, capped", () => {
    const now = 1_700_000_000_000;
    // Real API: 3600/h, bucket empty, full in 3600 s → one request per second.
    assert.strictEqual(rateLimitDelay({ limit: 3600, remaining: 0, reset: now / 1000 + 3600 }, now, 60_000), 1000);
    // A small limit recovers slowly: 4/h → 900 s per request, capped at the maximum.
    assert.strictEqual(rateLimitDelay({ limit: 4, remaining: 0, reset: now / 1000 + 3600 }, now, 60_000), 60_000);
    assert.strictEqual(rateLimitDelay({ limit: 10, remaining: 8, reset: now / 1000 + 20 }, now, 60_000), 10_000);
    assert.strictEqual(rateLimitDelay({ limit: 3600, remaining: 0, reset: now / 1000 - 1 }, now, 60_000), undefined);
    assert.strictEqual(rateLimitDelay(undefined, now, 60_000), undefined);
  });
});
