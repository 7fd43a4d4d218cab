/**
 * A 20-server install against Robot's real hourly budgets on a short simulated hour: every server's
 * Robot calls of a RobotServer create (preflight, rescue arming, a reset and its escalation), in
 * parallel through one client per server, as parallel resources of one `pulumi up` make them.
 * Three resets per server are 60 against Robot's 50 per hour: the clients share the account's
 * budget and wait for free slots, so Robot never answers RATE_LIMIT_EXCEEDED.
 * Does not prove: the live accounting (whether Robot counts refused requests) or requests other
 * tools make on the same account (the client still waits out a 403 then: robot-ratelimit.test.ts).
 */
import * as assert from "assert";
import { RobotClient } from "../../../../provider/hetzner/robot";
import { robotServerScenario } from "../../../../provider/sim/apis/robot/scenario";
import { RobotHarness, startRobotHarness } from "./harness";

const SERVERS = Array.from({ length: 20 }, (_, i) => robotServerScenario(i + 1));
const TIME_SCALE = 0.0001; // a Robot hour is 360 ms of the fake clock
const HOUR = 3_600_000 * TIME_SCALE;

async function installCalls(h: RobotHarness, n: number): Promise<number[]> {
  const c = new RobotClient({
    url: h.sim.url,
    user: h.sim.user,
    password: h.sim.password,
    now: () => h.clock.t,
    sleep: async () => {},
    budgetWindowMs: HOUR,
    log: (l) => h.logs.push(l),
  });
  await c.servers.get(n);
  await c.reset.getOptions(n);
  await c.rescue.deactivate(n);
  await c.rescue.activate(n, "linux", []);
  const at: number[] = [];
  for (const type of ["hw", "power_long", "power"] as const) {
    await c.reset.reset(n, type);
    at.push(h.clock.t);
  }
  await c.rescue.get(n);
  return at;
}

describe("Robot budgets: a 20-server install paces itself", () => {
  let h: RobotHarness;
  afterEach(async () => h?.stop());

  it("sends all 60 resets without one RATE_LIMIT_EXCEEDED, the rest only once the first hour's slots free up", async () => {
    h = await startRobotHarness({ servers: SERVERS, timeScale: TIME_SCALE });
    const start = h.clock.t;
    const times = (await Promise.all(SERVERS.map((s) => installCalls(h, s.number)))).flat().sort((a, b) => a - b);
    const statuses = h.sim.requests
      .filter((r) => r.method === "POST" && r.path.startsWith("/reset/"))
      .map((r) => r.status);
    assert.deepStrictEqual([statuses.length, statuses.filter((s) => s !== 200)], [60, []]);
    assert.deepStrictEqual(
      h.sim.requests.filter((r) => r.status === 403),
      [],
    );
    assert.ok(
      times.filter((t) => t < start + HOUR).length <= 50,
      `at most 50 resets inside the first hour: ${times.map((t) => t - start)}`,
    );
    assert.ok(times[times.length - 1] >= start + HOUR, "the last resets waited for the next hour");
    assert.ok(
      h.logs.some((l) =>
        /^Robot POST \/reset\/\d+: pacing to Robot's 50 requests per hour for POST \/reset; waiting /.test(l),
      ),
      h.logs.join("\n"),
    );
    assert.strictEqual(
      SERVERS.reduce((sum, s) => sum + h.machine(s.number).resets.length, 0),
      60,
    );
  });
});
