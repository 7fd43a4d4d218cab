import * as assert from "assert";
import { generateKeyPairSync } from "crypto";
import { openSshPublicKey } from "../../../../provider/hetzner/robot";
import { AX, EX, NO_RESCUE, RobotHarness, rejection, startRobotHarness } from "./harness";

// Does not prove: real boot timing (FakeMachine boots instantly) or how the live service words messages it never documented.
describe("RobotClient against the simulator: rescue and resets", () => {
  let h: RobotHarness;
  let keys: { line: string; fingerprint: string }[];
  beforeEach(async () => {
    h = await startRobotHarness();
    keys = [];
    for (const name of ["ops", "ci"]) {
      const line = openSshPublicKey(generateKeyPairSync("ed25519").publicKey, name);
      keys.push({ line, fingerprint: (await h.client.keys.create(name, line)).fingerprint });
    }
  });
  afterEach(async () => h.stop());

  it("rescue.get shows the options while inactive", async () => {
    assert.deepStrictEqual(await h.client.rescue.get(AX), {
      serverNumber: AX,
      serverIp: "127.10.0.2",
      serverIpv6Net: "2a01:4f8:10a:1001::",
      active: false,
      os: null,
      osOptions: ["linux", "vkvm"],
      password: null,
      authorizedKeys: [],
      hostKeys: [],
      bootTime: null,
    });
  });

  it("activate arms the machine with every key (authorized_key[]) and a password; a second activate is 409", async () => {
    const r = await h.client.rescue.activate(
      AX,
      "linux",
      keys.map((k) => k.fingerprint),
      "de",
    );
    assert.deepStrictEqual(
      [r.active, r.os, r.bootTime, r.authorizedKeys.map((k) => [k.name, k.fingerprint, k.type, k.size])],
      [
        true,
        "linux",
        null,
        [
          ["ops", keys[0].fingerprint, "ED25519", 256],
          ["ci", keys[1].fingerprint, "ED25519", 256],
        ],
      ],
    );
    assert.match(r.password!, /^[A-Za-z0-9]{16}$/);
    assert.deepStrictEqual(h.machine(AX).lastRescueArm, {
      authorizedKeys: keys.map((k) => k.line),
      password: r.password,
      logins: [],
    });
    assert.deepStrictEqual(await h.client.rescue.get(AX), r);
    const again = await rejection(h.client.rescue.activate(AX, "linux", []));
    assert.strictEqual(
      again.message,
      "Robot POST /boot/2321001/rescue failed: BOOT_ALREADY_ENABLED (409): A boot option is already active",
    );
    const last = await h.client.rescue.last(AX);
    assert.deepStrictEqual([last.active, last.password, last.os], [true, null, "linux"]);
  });

  it("deactivate disarms and answers with the inactive shape", async () => {
    await h.client.rescue.activate(AX, "linux", [keys[0].fingerprint]);
    const off = await h.client.rescue.deactivate(AX);
    assert.deepStrictEqual([off.active, off.osOptions, off.password], [false, ["linux", "vkvm"], null]);
    assert.strictEqual(h.machine(AX).rescueArmed(), false);
    assert.strictEqual((await h.client.rescue.deactivate(AX)).active, false); // idempotent
  });

  it("rescue is one-shot: the boot consumes it, last shows when it booted", async () => {
    await h.client.rescue.activate(AX, "linux", [keys[0].fingerprint]);
    await h.client.reset.reset(AX, "hw");
    assert.strictEqual(h.machine(AX).status(), "rescue");
    const now = await h.client.rescue.get(AX);
    assert.deepStrictEqual([now.active, now.os, now.password], [false, null, null]);
    const last = await h.client.rescue.last(AX);
    assert.deepStrictEqual([last.active, last.password, last.bootTime], [false, null, h.machine(AX).rescueBootTime()]);
    assert.match(last.bootTime!, /^\d{4}-\d\d-\d\dT/);
    await h.client.rescue.activate(AX, "linux", []); // re-arming after consumption is allowed
  });

  it("rescue errors: unknown key, bad os and keyboard, no rescue offered, unknown server", async () => {
    const unknown = await rejection(
      h.client.rescue.activate(AX, "linux", ["00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff"]),
    );
    assert.deepStrictEqual(
      [unknown.status, unknown.code, unknown.missing, unknown.invalid],
      [400, "INVALID_INPUT", [], ["authorized_key"]],
    );
    const bad = await rejection(h.client.rescue.activate(AX, "windows" as "linux", [], "klingon"));
    assert.strictEqual(
      bad.message,
      "Robot POST /boot/2321001/rescue failed: INVALID_INPUT (400): invalid input (invalid: os, keyboard)",
    );
    assert.strictEqual(h.machine(AX).rescueArmed(), false);
    const calls = [
      () => h.client.rescue.get(NO_RESCUE),
      () => h.client.rescue.activate(NO_RESCUE, "linux", []),
      () => h.client.rescue.deactivate(NO_RESCUE),
      () => h.client.rescue.last(NO_RESCUE),
    ];
    for (const call of calls) {
      assert.match(
        (await rejection(call())).message,
        /^Robot (GET|POST|DELETE) \/boot\/2321003\/rescue(\/last)? failed: BOOT_NOT_AVAILABLE \(404\): No boot configuration available for this server$/,
      );
    }
    assert.strictEqual(
      (await rejection(h.client.rescue.get(999))).message,
      "Robot GET /boot/999/rescue failed: SERVER_NOT_FOUND (404): server not found",
    );
    assert.strictEqual(
      (await rejection(h.client.rescue.last(EX))).message,
      "Robot GET /boot/2321002/rescue/last failed: NOT_FOUND (404): No last rescue activation found",
    );
  });

  it("reset options: types per server, operating_status only where the power button exists", async () => {
    assert.deepStrictEqual(
      (await h.client.reset.list()).map((r) => [r.serverNumber, r.types, r.operatingStatus]),
      [
        [AX, ["power", "power_long", "hw", "man"], undefined],
        [EX, ["sw", "hw", "man"], undefined],
      ],
    );
    assert.deepStrictEqual(await h.client.reset.getOptions(AX), {
      serverNumber: AX,
      serverIp: "127.10.0.2",
      serverIpv6Net: "2a01:4f8:10a:1001::",
      types: ["power", "power_long", "hw", "man"],
      operatingStatus: "running",
    });
    await h.client.reset.reset(AX, "power_long");
    assert.strictEqual((await h.client.reset.getOptions(AX)).operatingStatus, "shut off");
    assert.strictEqual((await h.client.reset.getOptions(EX)).operatingStatus, "not supported");
    assert.strictEqual(
      (await rejection(h.client.reset.getOptions(NO_RESCUE))).message,
      "Robot GET /reset/2321003 failed: RESET_NOT_AVAILABLE (404): The server has no reset option",
    );
  });

  it("reset drives the machine; a type the server lacks is 400 invalid:[type]", async () => {
    assert.deepStrictEqual(await h.client.reset.reset(AX, "hw"), { serverNumber: AX, type: "hw" });
    assert.deepStrictEqual(h.machine(AX).resets, ["hw"]);
    const sw = await rejection(h.client.reset.reset(AX, "sw"));
    assert.strictEqual(
      sw.message,
      "Robot POST /reset/2321001 failed: INVALID_INPUT (400): invalid input (invalid: type)",
    );
    assert.deepStrictEqual(h.machine(AX).resets, ["hw"]);
    assert.strictEqual((await rejection(h.client.reset.reset(999, "hw"))).code, "SERVER_NOT_FOUND");
  });

  it("a manual reset leaves the machine alone and blocks resets until the technician is done", async () => {
    await h.client.reset.reset(EX, "man");
    assert.deepStrictEqual(h.machine(EX).resets, []);
    const busy = await rejection(h.client.reset.reset(EX, "hw"));
    assert.strictEqual(
      busy.message,
      "Robot POST /reset/2321002 failed: RESET_MANUAL_ACTIVE (409): There is already a running manual reset",
    );
    h.clock.t += 30 * 60_000 * 0.0001; // 30 realistic minutes at timeScale 0.0001
    await h.client.reset.reset(EX, "hw");
    assert.deepStrictEqual(h.machine(EX).resets, ["hw"]);
  });
});
