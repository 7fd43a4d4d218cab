import * as assert from "assert";
import { FakeWorld } from "../../../../helpers/fake-world";
import { pollUntil } from "../../../../../provider/internal/poll";
import { CloudSim, startCloudSim } from "../../../../../provider/sim/apis/cloud/server";

// Does not prove: how the real API words every message or orders checks; it checks the simulator's protocol
// (headers, envelopes, pagination, validation, statuses while actions run) with raw HTTP, no client in between.

/** A FakeWorld whose action delays wait until `release()`, so intermediate states can be observed without races. */
class HeldWorld extends FakeWorld {
  held = false;
  /** Every realistic duration asked for, in order. */
  readonly delays: number[] = [];
  private readonly waiting: (() => void)[] = [];
  async delay(ms: number): Promise<void> {
    this.delays.push(ms);
    if (this.held && ms > 0) return new Promise<void>((resolve) => this.waiting.push(resolve));
    return super.delay(ms);
  }
  release(): void {
    this.held = false;
    this.waiting.splice(0).forEach((resolve) => resolve());
  }
}

describe("cloud sim: protocol, validation and action states over raw HTTP", function () {
  let world: HeldWorld;
  let sim: CloudSim;
  const call = async (method: string, path: string, body?: unknown, raw?: string) => {
    const res = await fetch(`${sim.endpoint}${path}`, {
      method,
      headers: { Authorization: `Bearer ${sim.token}`, "Content-Type": "application/json" },
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
  const finished = (...ids: number[]) =>
    pollUntil(
      async () => {
        const { body } = await call("GET", `/actions?${ids.map((id) => `id=${id}`).join("&")}`);
        return body.actions.every((a: { status: string }) => a.status !== "running")
          ? body.actions.map((a: { status: string }) => a.status)
          : undefined;
      },
      { what: `actions ${ids}`, timeoutMs: 5000, initialMs: 2, maxMs: 20 },
    );

  before(async () => {
    world = new HeldWorld(0.0001);
    sim = await startCloudSim(
      world,
      { token: "tok", unavailable: { hel1: ["cax11"] }, faults: { latencyScale: 0 } },
      "127.0.0.1",
      "",
    );
  });
  after(async () => {
    world.release();
    assert.deepStrictEqual(sim.violations, []);
    await sim.stop();
  });

  it("answers every response with RateLimit headers and error envelopes, even 401 and unknown paths", async () => {
    const unauth = await fetch(`${sim.endpoint}/servers`);
    assert.deepStrictEqual(
      [unauth.status, await unauth.json()],
      [401, { error: { code: "unauthorized", message: "unable to authenticate", details: null } }],
    );
    assert.strictEqual(unauth.headers.get("RateLimit-Limit"), "3600");
    assert.match(unauth.headers.get("RateLimit-Reset")!, /^\d{10}$/);
    const unknown = await call("GET", "/nothing");
    assert.deepStrictEqual(
      [unknown.status, unknown.body.error.code, unknown.headers.has("RateLimit-Remaining")],
      [404, "not_found", true],
    );
    const method = await call("PATCH", "/servers");
    assert.deepStrictEqual([method.status, method.body.error.code], [405, "method_not_allowed"]);
    const json = await call("POST", "/ssh_keys", undefined, "{nope");
    assert.deepStrictEqual([json.status, json.body.error.code], [400, "json_error"]);
    const ids = await call("GET", "/actions");
    assert.deepStrictEqual(
      [ids.status, ids.body.error.message, ids.body.error.details],
      [
        422,
        "invalid input in field 'id': Missing data for required field.",
        { fields: [{ name: "id", messages: ["Missing data for required field."] }] },
      ],
    );
    const missing = await call("POST", "/servers", { server_type: "cx23", image: "ubuntu-24.04" });
    assert.deepStrictEqual(
      [missing.status, missing.body.error.message],
      [422, "invalid input in field 'name': Missing data for required field."],
    );
  });

  it("paginates with meta.pagination and a Link header, per_page capped at 50", async () => {
    for (let i = 0; i < 3; i++) {
      const blob = Buffer.concat([Buffer.from([0, 0, 0, 7]), Buffer.from("ssh-rsa"), Buffer.alloc(16, i)]);
      assert.strictEqual(
        (await call("POST", "/ssh_keys", { name: `k${i}`, public_key: `ssh-rsa ${blob.toString("base64")}` })).status,
        201,
      );
    }
    const p2 = await call("GET", "/ssh_keys?per_page=2&page=2");
    assert.deepStrictEqual(p2.body.meta, {
      pagination: { page: 2, per_page: 2, previous_page: 1, next_page: null, last_page: 2, total_entries: 3 },
    });
    assert.deepStrictEqual(
      p2.body.ssh_keys.map((k: { name: string }) => k.name),
      ["k2"],
    );
    assert.strictEqual(
      p2.headers.get("Link"),
      `<${sim.endpoint}/ssh_keys?per_page=2&page=1>; rel="prev", <${sim.endpoint}/ssh_keys?per_page=2&page=2>; rel="last"`,
    );
    assert.strictEqual((await call("GET", "/ssh_keys?per_page=500")).body.meta.pagination.per_page, 50);
    const sorted = await call("GET", "/ssh_keys?sort=name:desc");
    assert.deepStrictEqual(
      sorted.body.ssh_keys.map((k: { name: string }) => k.name),
      ["k2", "k1", "k0"],
    );
  });

  it("accepts integer ids where hcloud-go sends them, and enforces the 32 KiB user_data limit", async () => {
    const key = (await call("GET", "/ssh_keys?name=k0")).body.ssh_keys[0];
    const ok = await call("POST", "/servers", {
      name: "ints",
      server_type: 114,
      image: 161547269,
      location: 2,
      ssh_keys: [key.id],
      start_after_create: false,
    });
    assert.deepStrictEqual(
      [ok.status, ok.body.server.server_type.name, ok.body.server.location.name, ok.body.root_password],
      [201, "cx23", "nbg1", null],
    );
    const big = await call("POST", "/servers", {
      name: "big",
      server_type: "cx23",
      image: "ubuntu-24.04",
      user_data: "é".repeat(16 * 1024 + 1),
    });
    assert.deepStrictEqual(
      [big.status, big.body.error.message],
      [422, "invalid input in field 'user_data': user_data is limited to 32 KiB (got 32770 bytes)"],
    );
    const types = await call("GET", "/server_types?name=cax11");
    assert.deepStrictEqual(
      types.body.server_types[0].locations.map((l: { name: string; available: boolean }) => `${l.name}:${l.available}`),
      ["fsn1:true", "nbg1:true", "hel1:false"],
    );
    assert.deepStrictEqual(
      (await call("GET", "/locations")).body.locations.map((l: { name: string }) => l.name),
      ["fsn1", "nbg1", "hel1"],
    );
  });

  it("shows initializing/starting/stopping/deleting and locks the server while actions run", async () => {
    world.held = true;
    const created = await call("POST", "/servers", { name: "held", server_type: "cx23", image: "ubuntu-24.04" });
    const id = created.body.server.id;
    const view = async () => (await call("GET", `/servers/${id}`)).body.server;
    assert.deepStrictEqual([created.body.server.status, (await view()).locked], ["initializing", true]);
    const locked = await call("POST", `/servers/${id}/actions/poweron`);
    assert.deepStrictEqual(
      [locked.status, locked.body.error],
      [423, { code: "locked", message: `server ${id} is locked: action create_server is running`, details: null }],
    );
    const [create, start] = [created.body.action.id, created.body.next_actions[0].id];
    world.release();
    assert.deepStrictEqual(await finished(create, start), ["success", "success"]);
    assert.deepStrictEqual([(await view()).status, (await view()).locked], ["running", false]);
    world.held = true;
    const stop = await call("POST", `/servers/${id}/actions/poweroff`);
    assert.deepStrictEqual([(await view()).status, stop.body.action.progress], ["stopping", 0]);
    world.release();
    await finished(stop.body.action.id);
    assert.strictEqual((await view()).status, "off");
    world.held = true;
    const start2 = await call("POST", `/servers/${id}/actions/poweron`);
    assert.strictEqual((await view()).status, "starting");
    // Rescue toggles are server actions: refused while another runs, locking while they run, effective when done.
    const early = await call("POST", `/servers/${id}/actions/enable_rescue`, { type: "linux64" });
    assert.deepStrictEqual([early.status, early.body.error.code], [423, "locked"]);
    world.release();
    await finished(start2.body.action.id);
    world.held = true;
    const rescue = await call("POST", `/servers/${id}/actions/enable_rescue`, { type: "linux64" });
    assert.deepStrictEqual(
      [rescue.status, rescue.body.action.status, (await view()).rescue_enabled, (await view()).locked],
      [201, "running", false, true],
    );
    const reset = await call("POST", `/servers/${id}/actions/reset`);
    assert.deepStrictEqual(
      [reset.status, reset.body.error.message],
      [423, `server ${id} is locked: action enable_rescue is running`],
    );
    world.release();
    await finished(rescue.body.action.id);
    assert.strictEqual((await view()).rescue_enabled, true);
    const history = await call("GET", `/servers/${id}/actions?sort=id:desc&per_page=3`);
    assert.deepStrictEqual(
      history.body.actions.map((a: { command: string }) => a.command),
      ["enable_rescue", "start_server", "stop_server"],
    );
    assert.strictEqual(history.body.meta.pagination.total_entries, 5);
    assert.deepStrictEqual((await call("GET", `/servers/${id}/actions?status=running`)).body.actions, []);
    world.held = true;
    const del = await call("DELETE", `/servers/${id}`);
    assert.deepStrictEqual(
      [del.status, del.body.action.command, (await view()).status],
      [200, "delete_server", "deleting"],
    );
    assert.strictEqual((await call("DELETE", `/servers/${id}`)).status, 423);
    world.release();
    await finished(del.body.action.id);
    assert.strictEqual((await call("GET", `/servers/${id}`)).status, 404);
  });

  it("an image cannot be deleted while create_image runs (423 locked)", async () => {
    const ints = (await call("GET", "/servers?name=ints")).body.servers[0];
    world.held = true;
    const snap = await call("POST", `/servers/${ints.id}/actions/create_image`, { type: "snapshot" });
    assert.deepStrictEqual(
      [snap.status, snap.body.image.status, snap.body.image.description.startsWith("ints-")],
      [201, "creating", true],
    );
    const del = await call("DELETE", `/images/${snap.body.image.id}`);
    assert.deepStrictEqual([del.status, del.body.error.code], [423, "locked"]);
    world.release();
    assert.deepStrictEqual(await finished(snap.body.action.id), ["success"]);
    assert.strictEqual((await call("DELETE", `/images/${snap.body.image.id}`)).status, 204);
  });

  it("scales request latency by faults.latencyScale and action durations by faults.slowActions, at run time", async () => {
    world.delays.length = 0;
    await call("GET", "/locations");
    sim.faults.latencyScale = 2;
    await call("GET", "/locations");
    sim.faults.latencyScale = 0;
    assert.deepStrictEqual(world.delays, [0, 120]);
    world.delays.length = 0;
    sim.faults.slowActions = 3;
    const fw = await call("POST", "/firewalls", { name: "slow", apply_to: [] });
    const key = (await call("GET", "/ssh_keys?name=k1")).body.ssh_keys[0];
    const server = await call("POST", "/servers", {
      name: "slow",
      server_type: "cx23",
      image: "ubuntu-24.04",
      start_after_create: false,
      ssh_keys: [key.id],
    });
    assert.deepStrictEqual(await finished(server.body.action.id), ["success"]);
    sim.faults.slowActions = 1;
    assert.deepStrictEqual(
      world.delays.filter((ms) => ms > 0),
      [7500, 7500, 7500, 7500],
      "create_server: 10 s × 3 in four progress steps",
    );
    assert.strictEqual(fw.status, 201);
  });

  it("records responses that violate the OpenAPI document and answers 500 in strict mode (200 otherwise)", async () => {
    const plain = new FakeWorld(0);
    const strict = await startCloudSim(plain, { token: "t" }, "127.0.0.1", "");
    const lenient = await startCloudSim(plain, { token: "t" }, "127.0.0.1", "", { strict: false });
    try {
      for (const s of [strict, lenient]) {
        const key = {
          id: 1,
          name: "broken",
          fingerprint: "x",
          public_key: "x",
          labels: { n: 1 as unknown as string },
          created: "2026-01-01T00:00:00Z",
        };
        s.state.sshKeys.set(1, key);
      }
      const res = await fetch(`${strict.endpoint}/ssh_keys/1`, { headers: { Authorization: "Bearer t" } });
      assert.deepStrictEqual(
        [res.status, ((await res.json()) as { error: unknown }).error],
        [
          500,
          {
            code: "server_error",
            details: null,
            message:
              "simulator response for GET /ssh_keys/{id} (200) violates the OpenAPI document: ssh_key.labels.n: must be string",
          },
        ],
      );
      assert.deepStrictEqual(strict.violations, [
        {
          method: "GET",
          path: "/v1/ssh_keys/1",
          template: "/ssh_keys/{id}",
          status: 200,
          issues: "ssh_key.labels.n: must be string",
        },
      ]);
      const res2 = await fetch(`${lenient.endpoint}/ssh_keys/1`, { headers: { Authorization: "Bearer t" } });
      assert.strictEqual(res2.status, 200);
      assert.strictEqual(lenient.violations.length, 1);
    } finally {
      await strict.stop();
      await lenient.stop();
    }
  });
});
