import * as assert from "assert";
import * as http from "http";
import { FakeWorld } from "../../../helpers/fake-world";
import { CloudSim, startCloudSim } from "../../../../provider/sim/apis/cloud/server";
import { CloudClient, CloudApiError } from "../../../../provider/hetzner/cloud";
import { Transport } from "../../../../provider/hetzner/cloud/transport";
import { isError } from "../../../../provider/internal/errors";
import { setLogSink } from "../../../../provider/internal/log";

// Does not prove: the real API's exact wording of messages (the sim words them after the spec and public reports);
// the codes, statuses and the client's reaction to them are what is checked.
describe("cloud client ↔ sim: error codes, retries and waits", function () {
  let world: FakeWorld;
  let sim: CloudSim;
  let sleeps: number[];
  let onSleep: (ms: number) => void;
  let logs: string[];
  let restoreLog: ReturnType<typeof setLogSink>;
  const client = (o: Partial<ConstructorParameters<typeof CloudClient>[0]> = {}) =>
    new CloudClient({
      endpoint: sim.endpoint,
      token: sim.token,
      pollIntervalMs: 1,
      sleep: async (ms) => {
        sleeps.push(ms);
        onSleep(ms);
      },
      ...o,
    });
  const rejection = async (p: Promise<unknown>) =>
    p.then(
      () => assert.fail("expected a rejection"),
      (e: CloudApiError) => e,
    );
  const keyLine = (seed: number) =>
    `ssh-ed25519 ${Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from("ssh-ed25519"), Buffer.from([0, 0, 0, 32]), Buffer.alloc(32, seed)]).toString("base64")}`;

  before(async () => {
    world = new FakeWorld(0.0001);
    sim = await startCloudSim(world, { token: "secret-token-123", unavailable: { fsn1: ["cx23"] } }, "127.0.0.1", "");
    restoreLog = setLogSink((l) => logs.push(l));
  });
  beforeEach(() => {
    sleeps = [];
    logs = [];
    onSleep = () => undefined;
    sim.requests.length = 0;
    Object.assign(sim.faults, { error5xxRate: 0, rateLimitNext: 0, failActions: [], slowActions: 1 });
  });
  after(async () => {
    setLogSink(restoreLog);
    assert.deepStrictEqual(sim.violations, []);
    await sim.stop();
  });

  it("data centers are gone: GET /datacenters is 410, a sent `datacenter` is silently ignored, and the client places servers by location", async () => {
    const auth = { authorization: `Bearer ${sim.token}`, "content-type": "application/json" };
    const dcs = await fetch(`${sim.endpoint}/datacenters`, { headers: auth });
    assert.deepStrictEqual(
      [dcs.status, await dcs.json()],
      [
        410,
        {
          error: {
            code: "deprecated_api_endpoint",
            message: "API functionality was removed",
            details: { announcement: "https://docs.hetzner.cloud/changelog" },
          },
        },
      ],
    );
    const body = JSON.stringify({
      name: "dc-ignored",
      server_type: "cx33",
      image: "ubuntu-24.04",
      datacenter: "nbg1-dc3",
    });
    const raw = (await (await fetch(`${sim.endpoint}/servers`, { method: "POST", headers: auth, body })).json()) as {
      server: { location: { name: string } };
    };
    assert.strictEqual(
      raw.server.location.name,
      "fsn1",
      "the datacenter field lands the server in the default location, not nbg1",
    );
    const placed = await client().servers.create({
      name: "dc-by-location",
      serverType: "cx23",
      image: "ubuntu-24.04",
      location: "nbg1",
    });
    assert.strictEqual(placed.server.location.name, "nbg1");
    const e = await rejection(
      new Transport({ endpoint: sim.endpoint, token: sim.token }).request("GET", "/datacenters"),
    );
    assert.strictEqual(
      e.message,
      "Cloud GET /datacenters failed: deprecated_api_endpoint (410): API functionality was removed",
    );
    for (const name of ["dc-ignored", "dc-by-location"]) {
      const [s] = await client().servers.list({ name });
      await client().actions.waitFor([await client().servers.delete(s.id)], { timeoutMs: 10_000 });
    }
  });

  it("401 unauthorized for a wrong token, without the token in the message", async () => {
    const e = await rejection(new CloudClient({ endpoint: sim.endpoint, token: "wrong-token-456" }).servers.list());
    assert.ok(isError(e, "CloudApiError"));
    assert.deepStrictEqual([e.status, e.code, e.method, e.path], [401, "unauthorized", "GET", "/servers"]);
    assert.strictEqual(e.message, "Cloud GET /servers failed: unauthorized (401): unable to authenticate");
    assert.ok(!JSON.stringify({ ...e, m: e.message }).includes("wrong-token-456"));
  });

  it("404 not_found on actions against unknown ids; get turns it into undefined", async () => {
    const c = client();
    const e = await rejection(c.servers.powerOn(4242));
    assert.strictEqual(
      e.message,
      "Cloud POST /servers/4242/actions/poweron failed: not_found (404): server with ID '4242' not found",
    );
    assert.strictEqual(await c.images.get(4242), undefined);
    assert.strictEqual(
      (await rejection(c.sshKeys.delete(4242))).message,
      "Cloud DELETE /ssh_keys/4242 failed: not_found (404): SSH key with ID '4242' not found",
    );
  });

  it("409 uniqueness_error for a duplicate key fingerprint or name, not retried", async () => {
    const c = client();
    await c.sshKeys.create({ name: "k1", publicKey: keyLine(1) });
    const dupKey = await rejection(c.sshKeys.create({ name: "k2", publicKey: keyLine(1) }));
    assert.strictEqual(
      dupKey.message,
      "Cloud POST /ssh_keys failed: uniqueness_error (409): SSH key with the same fingerprint already exists",
    );
    assert.deepStrictEqual(dupKey.details, { fields: [{ name: "public_key" }] });
    const dupName = await rejection(c.sshKeys.create({ name: "k1", publicKey: keyLine(2) }));
    assert.deepStrictEqual([dupName.code, dupName.details], ["uniqueness_error", { fields: [{ name: "name" }] }]);
    assert.deepStrictEqual(sleeps, []);
  });

  it("412 resource_unavailable when the type is sold out in the location", async () => {
    const e = await rejection(
      client().servers.create({ name: "b", serverType: "cx23", image: "ubuntu-24.04", location: "fsn1" }),
    );
    assert.strictEqual(
      e.message,
      "Cloud POST /servers failed: resource_unavailable (412): we are unable to provision servers for this location, try with a different location or try later",
    );
    const ok = await client().servers.create({
      name: "b",
      serverType: "cx23",
      image: "ubuntu-24.04",
      location: "nbg1",
    });
    assert.strictEqual(ok.server.location.name, "nbg1");
  });

  it("422 invalid_input names the field; oversized user_data is refused before sending", async () => {
    const c = client();
    const labels = await rejection(
      c.servers.create({
        name: "c",
        serverType: "cx23",
        image: "ubuntu-24.04",
        location: "nbg1",
        labels: { os: "a:b" },
      }),
    );
    assert.strictEqual(
      labels.message,
      "Cloud POST /servers failed: invalid_input (422): invalid input in field 'labels': label value 'a:b' of key 'os' is invalid",
    );
    const loc = await rejection(
      c.servers.create({ name: "c", serverType: "cx23", image: "ubuntu-24.04", location: "ash" }),
    );
    assert.strictEqual(loc.message, "Cloud POST /servers failed: invalid_input (422): location 'ash' not found");
    const arch = await rejection(c.servers.create({ name: "c", serverType: "cax11", image: 161547269 }));
    assert.strictEqual(
      arch.message,
      "Cloud POST /servers failed: invalid_input (422): invalid input in field 'image': image architecture x86 does not match server type cax11 (arm)",
    );
    const port = await rejection(
      c.firewalls.create({
        name: "f",
        rules: [{ direction: "in", protocol: "icmp", port: "22", source_ips: ["0.0.0.0/0"] }],
      }),
    );
    assert.strictEqual(
      port.message,
      "Cloud POST /firewalls failed: invalid_input (422): invalid input in field 'rules[0].port': port is not allowed for protocol icmp",
    );
    sim.requests.length = 0;
    const big = await c.servers
      .create({
        name: "c",
        serverType: "cx23",
        image: "ubuntu-24.04",
        location: "nbg1",
        userData: "x".repeat(32 * 1024 + 1),
      })
      .catch((e) => e);
    assert.deepStrictEqual(
      [big.name, big.message],
      ["InputError", "[userData] is 32769 bytes; the Cloud API accepts at most 32768 (32 KiB)"],
    );
    assert.deepStrictEqual(sim.requests, [], "nothing was sent");
  });

  it("429: retries after the wait RateLimit-Reset implies, then succeeds", async () => {
    sim.faults.rateLimitNext = 2;
    const keys = await client().sshKeys.list();
    assert.deepStrictEqual(
      keys.map((k) => k.name),
      ["k1"],
    );
    assert.deepStrictEqual(
      sim.requests.map((r) => r.status),
      [429, 429, 200],
    );
    // timeScale 0.0001: a token every 0.1 ms, so the reset implies ~0 ms; the wait is then at least 1 ms.
    assert.strictEqual(sleeps.length, 2);
    assert.ok(
      sleeps.every((ms) => ms >= 0 && ms <= 1),
      `sleeps ${sleeps}`,
    );
    assert.deepStrictEqual(logs, [
      "Cloud GET /ssh_keys failed: rate_limit_exceeded (429): rate limit exceeded; retry 1 in " + sleeps[0] + " ms",
      "Cloud GET /ssh_keys failed: rate_limit_exceeded (429): rate limit exceeded; retry 2 in " + sleeps[1] + " ms",
    ]);
  });

  it("429 from a really exhausted bucket: waits one request's recovery (capped) and gives up after the attempts", async () => {
    const slowWorld = new FakeWorld(1);
    const small = await startCloudSim(slowWorld, { token: "t", rateLimitPerHour: 2 }, "127.0.0.1", "");
    try {
      const c = new CloudClient({
        endpoint: small.endpoint,
        token: "t",
        attempts: 3,
        retryMaxMs: 5000,
        sleep: async (ms) => {
          sleeps.push(ms);
        },
      });
      const headers: string[] = [];
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${small.endpoint}/locations`, { headers: { Authorization: "Bearer t" } });
        headers.push(res.headers.get("RateLimit-Remaining")!);
      }
      assert.deepStrictEqual(headers, ["1", "0"]);
      const e = await rejection(c.sshKeys.list());
      assert.deepStrictEqual(
        [e.status, e.code, e.rateLimit?.limit, e.rateLimit?.remaining],
        [429, "rate_limit_exceeded", 2, 0],
      );
      assert.deepStrictEqual(sleeps, [5000, 5000], "1800 s per request at 2/h, capped at retryMaxMs");
      assert.deepStrictEqual(
        small.requests.map((r) => r.status),
        [200, 200, 429, 429, 429],
      );
    } finally {
      await small.stop();
    }
  });

  it("502 and 504 are retried with backoff; 503 is not", async () => {
    sim.faults.error5xxRate = 1;
    onSleep = () => {
      sim.faults.error5xxRate = 0;
    };
    const c = client({ retryInitialMs: 100, random: () => 0.5 });
    assert.deepStrictEqual(
      (await c.sshKeys.list()).map((k) => k.name),
      ["k1"],
    );
    assert.deepStrictEqual(
      sim.requests.map((r) => r.status),
      [502, 200],
    );
    assert.deepStrictEqual(sleeps, [100]);
    sim.requests.length = 0;
    sim.faults.error5xxRate = 1;
    onSleep = () => undefined;
    const e = await rejection(c.sshKeys.list());
    assert.strictEqual(
      e.message,
      "Cloud GET /ssh_keys failed: unavailable (503): A service or product is currently not available",
    );
    assert.deepStrictEqual(
      sim.requests.map((r) => r.status),
      [503],
      "the sim cycles 502 → 503 → 504 → 502 …",
    );
    sim.requests.length = 0;
    await rejection(c.sshKeys.list());
    assert.deepStrictEqual(
      sim.requests.map((r) => r.status),
      [504, 502, 503],
    );
    assert.deepStrictEqual(sleeps, [100, 100, 200], "exponential backoff between the retries");
  });

  it("an action in status error becomes ActionFailedError naming the command; the failed snapshot is gone", async () => {
    const c = client();
    const r = await c.servers.create({ name: "d", serverType: "cx23", image: "ubuntu-24.04", location: "hel1" });
    await c.actions.waitFor([r.action, ...r.nextActions], { timeoutMs: 5000 });
    sim.faults.failActions = ["create_image"];
    const img = await c.servers.createImage(r.server.id, { labels: { os: "talos" } });
    const e = await c.actions.waitFor([img.action], { timeoutMs: 5000 }).catch((x) => x);
    assert.deepStrictEqual([e.name, e.command, e.code], ["ActionFailedError", "create_image", "action_failed"]);
    assert.strictEqual(e.message, `Cloud action ${img.action.id} (create_image) failed: action_failed: Action failed`);
    assert.strictEqual(await c.images.get(img.image.id), undefined);
  });

  it("waitFor gives up at its deadline (injected clock); 423 locked while the action runs; unknown action ids", async () => {
    let t = 0;
    const c = client({ now: () => t, pollIntervalMs: 1000, random: () => 0.5 });
    onSleep = (ms) => {
      t += ms;
    };
    sim.faults.slowActions = 1e9;
    const [s] = await c.servers.list({ name: "d" });
    const action = await c.servers.powerOff(s.id);
    const e = await c.actions.waitFor([action], { timeoutMs: 5000 }).catch((x) => x);
    assert.deepStrictEqual(
      [e.name, e.message],
      ["DeadlineError", `timed out after 5s waiting for Cloud actions ${action.id} (stop_server)`],
    );
    assert.deepStrictEqual(sleeps, [1000, 1500, 2250, 250]);
    const busy = await rejection(c.servers.powerOn(s.id));
    assert.strictEqual(
      busy.message,
      `Cloud POST /servers/${s.id}/actions/poweron failed: locked (423): server ${s.id} is locked: action stop_server is running`,
    );
    assert.strictEqual(sleeps.length, 4, "423 locked is not retried");
    const missing = await c.actions.waitFor([123_456_789], { timeoutMs: 5000 }).catch((x) => x);
    assert.strictEqual(missing.message, "Cloud actions not found: 123456789");
  });

  it("a request that gets no answer fails with CloudRequestError and is not retried", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    const dead = new CloudClient({
      endpoint: `http://127.0.0.1:${port}/v1`,
      token: "x",
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    const e = await dead.servers.list().catch((x) => x);
    assert.strictEqual(e.name, "CloudRequestError");
    assert.strictEqual(e.message, "Cloud GET /servers failed: fetch failed (ECONNREFUSED)");
    assert.deepStrictEqual(sleeps, []);
  });
});
