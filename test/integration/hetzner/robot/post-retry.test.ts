/**
 * Robot POSTs after a 5xx (issue 16, item 7), through the real transport against a scripted local
 * HTTP server: a POST that sets a whole state (a rename) is repeated and succeeds; one that is not
 * safe to send twice (a reset, a rescue activation) is sent once and its error says it may have
 * taken effect and what to do. Does not prove: which 5xx answers real Robot gives, or when.
 */
import * as assert from "assert";
import * as http from "http";
import { AddressInfo } from "net";
import { RobotClient, effectNote, isRepeatable } from "../../../../provider/hetzner/robot";
import { rejection } from "../../../helpers/rejection";

const SERVER = {
  server_ip: "203.0.113.5",
  server_ipv6_net: "2a01:4f8::",
  server_number: 1,
  server_name: "web-1",
  product: "AX41",
  dc: "FSN1-DC1",
  traffic: "unlimited",
  status: "ready",
  cancelled: false,
  paid_until: "2030-01-01",
  ip: ["203.0.113.5"],
  subnet: null,
};

describe("Robot POST after a 5xx: repeat what is safe, say what the rest may have done", () => {
  let server: http.Server;
  let url = "";
  const seen: string[] = [];
  let failNext = 0;

  before(async () => {
    server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.setHeader("content-type", "application/json");
      if (failNext > 0 || req.url === "/reset/1" || req.url === "/boot/1/rescue") {
        failNext = Math.max(0, failNext - 1);
        res.statusCode = 500;
        res.end(JSON.stringify({ error: { status: 500, code: "INTERNAL_ERROR", message: "internal error" } }));
      } else {
        res.end(JSON.stringify({ server: { ...SERVER, server_name: "web-1b" } }));
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const client = () =>
    new RobotClient({
      url,
      user: "u",
      password: "robot-test-pass",
      retry: { attempts: 3, initialMs: 1, maxMs: 2 },
      log: () => undefined,
    });

  it("repeats a rename after a 500 and succeeds", async () => {
    seen.length = 0;
    failNext = 1;
    assert.strictEqual((await client().servers.rename(1, "web-1b")).serverName, "web-1b");
    assert.deepStrictEqual(seen, ["POST /server/1", "POST /server/1"]);
  });

  it("sends a reset once and says it may be resetting now", async () => {
    seen.length = 0;
    const e = await rejection(client().reset.reset(1, "hw"));
    assert.strictEqual(
      e.message,
      "Robot POST /reset/1 failed: INTERNAL_ERROR (500): internal error; not repeated (it is not safe to send twice) and it may have taken effect: the server may be resetting now; wait a few minutes before running pulumi up again, which starts over with a fresh rescue boot",
    );
    assert.deepStrictEqual([seen, (e as { code?: string }).code], [["POST /reset/1"], "INTERNAL_ERROR"]);
  });

  it("sends a rescue activation once and says the next run re-arms it", async () => {
    seen.length = 0;
    const e = await rejection(client().rescue.activate(1, "linux", []));
    assert.match(
      e.message,
      /; not repeated \(it is not safe to send twice\) and it may have taken effect: the rescue system may be armed; the next run deletes the activation and arms it again$/,
    );
    assert.deepStrictEqual(seen, ["POST /boot/1/rescue"]);
  });

  it("classifies requests as repeatable or not, and notes nothing for an answer below 500", () => {
    assert.deepStrictEqual(
      [
        ["GET", "/server/1"],
        ["DELETE", "/boot/1/rescue"],
        ["POST", "/server/1"],
        ["POST", "/firewall/1"],
        ["POST", "/reset/1"],
        ["POST", "/key"],
        ["POST", "/boot/1/rescue"],
      ].map(([m, p]) => isRepeatable(m, p)),
      [true, true, true, true, false, false, false],
    );
    assert.deepStrictEqual(
      [
        effectNote("POST", "/reset/1", 409),
        effectNote("POST", "/server/1", 500),
        effectNote("POST", "/key", undefined)?.split(": ").pop(),
      ],
      [
        undefined,
        undefined,
        "the key may have been registered; the next run of the server deletes leftover ephemeral keys",
      ],
    );
  });
});
