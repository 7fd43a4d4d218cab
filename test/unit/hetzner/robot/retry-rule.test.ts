import * as assert from "assert";
import {
  RobotApiError,
  absentOn,
  rateLimitWaitMs,
  robotErrorFromResponse,
  robotRetryRule,
} from "../../../../provider/hetzner/robot";
import { isError } from "../../../../provider/internal/errors";

// Does not prove: that the transport applies these decisions (robot-ratelimit.test.ts does that against the simulator).
describe("Robot retry rule and error parsing", () => {
  it("decides per method, status and code", () => {
    const table: [string, number | undefined, string | undefined, string][] = [
      ["GET", 403, "RATE_LIMIT_EXCEEDED", "wait-rate-limit"],
      ["POST", 403, "RATE_LIMIT_EXCEEDED", "wait-rate-limit"], // refused before acting: safe for any method
      ["DELETE", 403, "RATE_LIMIT_EXCEEDED", "wait-rate-limit"],
      ["GET", 403, "UNAUTHORIZED", "fail"], // CAPH#1262: not every 403 is a rate limit
      ["GET", 401, "UNAUTHORIZED", "fail"],
      ["GET", 500, "INTERNAL_ERROR", "retry"],
      ["GET", 503, "HTTP_503", "retry"],
      ["POST", 503, "HTTP_503", "retry"], // maintenance: Robot processed nothing, so even a reset may be sent again
      ["GET", undefined, undefined, "retry"], // network error
      ["DELETE", 500, "BOOT_DEACTIVATION_FAILED", "retry"],
      ["DELETE", undefined, undefined, "retry"],
      ["POST", 500, "RESET_FAILED", "fail"], // a second power cycle is not harmless
      ["POST", undefined, undefined, "fail"],
      ["POST", 500, "KEY_CREATE_FAILED", "fail"],
      ["GET", 404, "SERVER_NOT_FOUND", "fail"],
      ["POST", 409, "BOOT_ALREADY_ENABLED", "fail"],
      ["POST", 409, "FIREWALL_IN_PROCESS", "fail"],
      ["POST", 400, "INVALID_INPUT", "fail"],
      ["get", 502, undefined, "retry"],
    ];
    for (const [method, status, code, want] of table) {
      assert.strictEqual(robotRetryRule(method, status, code), want, `${method} ${status} ${code}`);
    }
  });

  it("polls a rate-limited endpoint every min(interval, poll)", () => {
    assert.deepStrictEqual(
      [
        rateLimitWaitMs(3600, 5000),
        rateLimitWaitMs(3.6, 5000),
        rateLimitWaitMs(0, 5000),
        rateLimitWaitMs(undefined, 5000),
        rateLimitWaitMs(-1, 5000),
      ],
      [5000, 3600, 0, 5000, 5000],
    );
  });

  it("reads both max_request (doc) and max_requests (live) and words the message", () => {
    const doc = robotErrorFromResponse(
      "GET",
      "/server",
      403,
      '{"error":{"status":403,"code":"RATE_LIMIT_EXCEEDED","message":"Rate limit exceeded","interval":5,"max_request":1}}',
    );
    const live = robotErrorFromResponse(
      "GET",
      "/server",
      403,
      '{"error":{"status":403,"code":"RATE_LIMIT_EXCEEDED","message":"Rate limit exceeded","interval":3600,"max_requests":200}}',
    );
    assert.deepStrictEqual([doc.interval, doc.maxRequests, live.interval, live.maxRequests], [5, 1, 3600, 200]);
    assert.strictEqual(doc.name, "RobotApiError");
    assert.strictEqual(doc.message, "Robot GET /server failed: RATE_LIMIT_EXCEEDED (403): Rate limit exceeded");
  });

  it("carries missing/invalid fields and survives non-JSON error pages", () => {
    const e = robotErrorFromResponse(
      "POST",
      "/boot/321/rescue",
      400,
      '{"error":{"status":400,"code":"INVALID_INPUT","message":"invalid input","missing":null,"invalid":["authorized_key"]}}',
    );
    assert.deepStrictEqual(
      [e.status, e.code, e.apiMessage, e.missing, e.invalid, e.method, e.path],
      [400, "INVALID_INPUT", "invalid input", [], ["authorized_key"], "POST", "/boot/321/rescue"],
    );
    assert.strictEqual(
      e.message,
      "Robot POST /boot/321/rescue failed: INVALID_INPUT (400): invalid input (invalid: authorized_key)",
    );
    const page = robotErrorFromResponse("GET", "/server", 503, "<html>Maintenance</html>\n");
    assert.strictEqual(
      page.message,
      "Robot GET /server failed: HTTP_503 (503): <html>Maintenance</html>; the Robot webservice is in maintenance and processed nothing; run again once it is over (https://status.hetzner.com)",
    );
  });

  it("absentOn turns only the named codes into undefined", async () => {
    const notFound = new RobotApiError("GET", "/server/1", {
      status: 404,
      code: "SERVER_NOT_FOUND",
      message: "server not found",
    });
    assert.strictEqual(await absentOn(Promise.reject(notFound), "SERVER_NOT_FOUND"), undefined);
    const err = await absentOn(Promise.reject(notFound), "NOT_FOUND").catch((e) => e);
    assert.ok(isError(err, "RobotApiError"));
    assert.strictEqual(await absentOn(Promise.resolve(7), "NOT_FOUND"), 7);
  });
});
