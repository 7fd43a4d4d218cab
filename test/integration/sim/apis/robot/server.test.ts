import * as assert from "assert";
import { generateKeyPairSync } from "crypto";
import { openSshPublicKey } from "../../../../../provider/hetzner/robot";
import { AX, RobotHarness, startRobotHarness } from "../../../hetzner/robot/harness";

// Does not prove: client behaviour (robot-client-*.test.ts) or the live service's HTTP headers beyond content type and auth.
describe("Robot simulator over raw HTTP", () => {
  let h: RobotHarness;
  beforeEach(async () => {
    h = await startRobotHarness();
  });
  afterEach(async () => h.stop());

  it("creates one machine per server through the world and records every answer", async () => {
    assert.deepStrictEqual([...h.world.machines.keys()], ["robot-2321001", "robot-2321002", "robot-2321003"]);
    await h.raw("GET", "/server");
    await h.raw("GET", "/server/1");
    assert.deepStrictEqual(h.sim.requests, [
      { method: "GET", path: "/server", status: 200 },
      { method: "GET", path: "/server/1", status: 404 },
    ]);
  });

  it("401 with a Basic challenge for missing or wrong credentials", async () => {
    for (const auth of ["robot-user:wrong", "", "robot-user"]) {
      const r = await h.raw("GET", "/server", undefined, auth);
      assert.deepStrictEqual(
        [r.status, r.headers.get("www-authenticate"), r.json],
        [
          401,
          'Basic realm="Robot Webservice"',
          { error: { status: 401, code: "UNAUTHORIZED", message: "Unauthorized" } },
        ],
      );
    }
  });

  it("a plain repeated authorized_key reaches rescue as one key (PHP semantics); arch is accepted and ignored", async () => {
    const lines = ["a", "b"].map((c) => openSshPublicKey(generateKeyPairSync("ed25519").publicKey, c));
    const fps: string[] = [];
    for (const line of lines)
      fps.push(
        (await h.raw("POST", "/key", new URLSearchParams({ name: line.slice(-1), data: line }).toString())).json.key
          .fingerprint,
      );
    const r = await h.raw(
      "POST",
      `/boot/${AX}/rescue`,
      `os=linux&arch=32&authorized_key=${fps[0]}&authorized_key=${fps[1]}`,
    );
    assert.deepStrictEqual(
      [r.status, r.json.rescue.arch, r.json.rescue.authorized_key.map((k: any) => k.key.fingerprint)],
      [200, 64, [fps[1]]],
    );
    assert.deepStrictEqual(h.machine(AX).lastRescueArm!.authorizedKeys, [lines[1]]);
  });

  it("status codes and bodies: 201 on create, empty 200 on delete, 404/405 for unknown routes, form bodies only", async () => {
    const line = openSshPublicKey(generateKeyPairSync("ed25519").publicKey);
    const created = await h.raw("POST", "/key", new URLSearchParams({ name: "k", data: line }).toString());
    assert.deepStrictEqual(
      [created.status, created.headers.get("content-type")],
      [201, "application/json; charset=utf-8"],
    );
    const deleted = await h.raw("DELETE", `/key/${created.json.key.fingerprint}`);
    assert.deepStrictEqual([deleted.status, deleted.text, deleted.headers.get("content-length")], [200, "", "0"]);
    assert.deepStrictEqual((await h.raw("GET", "/vswitch")).json, {
      error: { status: 404, code: "NOT_FOUND", message: "Not found" },
    });
    assert.deepStrictEqual((await h.raw("PUT", "/server")).json, {
      error: { status: 405, code: "METHOD_NOT_ALLOWED", message: "Method PUT not allowed" },
    });
    const json = await h.raw("POST", "/key", JSON.stringify({ name: "k", data: line }));
    assert.deepStrictEqual(json.json, {
      error: { status: 400, code: "INVALID_INPUT", message: "invalid input", missing: ["name", "data"], invalid: null },
    });
  });

  it("GET /boot/{n} lists every boot option with rescue mirroring the armed machine", async () => {
    const idle = (await h.raw("GET", `/boot/${AX}`)).json.boot;
    assert.deepStrictEqual(
      [Object.keys(idle), idle.rescue.active, idle.rescue.os, idle.linux.active, idle.windows],
      [["rescue", "linux", "vnc", "windows", "plesk", "cpanel"], false, ["linux", "vkvm"], false, null],
    );
    await h.raw("POST", `/boot/${AX}/rescue`, "os=vkvm");
    const armed = (await h.raw("GET", `/boot/${AX}`)).json.boot.rescue;
    assert.deepStrictEqual([armed.active, armed.os, armed.password.length], [true, "vkvm", 16]);
    assert.strictEqual((await h.raw("GET", "/boot/2321003")).json.error.code, "BOOT_NOT_AVAILABLE");
  });

  it("error5xxRate answers 500 INTERNAL_ERROR before acting", async () => {
    h.sim.faults.error5xxRate = 1;
    const r = await h.raw("POST", `/reset/${AX}`, "type=hw");
    assert.deepStrictEqual(
      [r.status, r.json, h.machine(AX).resets],
      [500, { error: { status: 500, code: "INTERNAL_ERROR", message: "Internal error" } }, []],
    );
  });

  it("stop closes the port", async () => {
    const url = h.sim.url;
    await h.sim.stop();
    await assert.rejects(fetch(url + "/server"), /fetch failed/);
  });
});
