import * as assert from "assert";
import { generateKeyPairSync } from "crypto";
import { inspect } from "util";
import { RobotClient, openSshPublicKey, sshKeyFingerprint } from "../../../../provider/hetzner/robot";
import { isError } from "../../../../provider/internal/errors";
import { AX, EX, NO_RESCUE, PASSWORD, RobotHarness, rejection, startRobotHarness } from "./harness";

const edKey = (comment: string) => openSshPublicKey(generateKeyPairSync("ed25519").publicKey, comment);

// Does not prove: behaviour of the live Robot beyond what contracts/hetzner-robot.md and the fixtures record.
describe("RobotClient against the simulator: servers, keys, IPs, subnets, auth", () => {
  let h: RobotHarness;
  beforeEach(async () => {
    h = await startRobotHarness();
  });
  afterEach(async () => h.stop());

  it("servers.list and servers.get read the seeded account", async () => {
    const list = await h.client.servers.list();
    assert.deepStrictEqual(
      list.map((s) => [s.serverNumber, s.serverName, s.product, s.serverIp, s.serverIpv6Net, s.features]),
      [
        [AX, "robot-1", "AX41-NVMe", "127.10.0.2", "2a01:4f8:10a:1001::", undefined],
        [EX, "robot-2", "EX44", null, "2a01:4f8:10a:1002::", undefined],
        [NO_RESCUE, "robot-3", "AX41-NVMe", "127.10.0.4", "2a01:4f8:10a:1003::", undefined],
      ],
    );
    const ax = (await h.client.servers.get(AX))!;
    assert.deepStrictEqual(
      [ax.dc, ax.status, ax.traffic, ax.cancelled, ax.ips, ax.subnets, ax.linkedStoragebox, ax.paidUntil],
      [
        "FSN1-DC14",
        "ready",
        "unlimited",
        false,
        ["127.10.0.2"],
        [{ ip: "2a01:4f8:10a:1001::", mask: 64 }],
        null,
        "2025-06-30",
      ],
    );
    assert.deepStrictEqual(ax.features, {
      reset: true,
      rescue: true,
      vnc: true,
      windows: false,
      plesk: false,
      cpanel: false,
      wol: true,
      hotSwap: false,
    });
    assert.deepStrictEqual((await h.client.servers.get(NO_RESCUE))!.features!.rescue, false);
    assert.deepStrictEqual((await h.client.servers.get(EX))!.ips, []);
  });

  it("servers.get of an unknown server is undefined; list of an empty account is []", async () => {
    assert.strictEqual(await h.client.servers.get(999), undefined);
    const empty = await startRobotHarness({ servers: [] });
    try {
      assert.deepStrictEqual(await empty.client.servers.list(), []);
      assert.deepStrictEqual(empty.sim.requests, [{ method: "GET", path: "/server", status: 404 }]);
    } finally {
      await empty.stop();
    }
  });

  it("servers.rename renames; unknown servers and bad input are typed errors", async () => {
    assert.strictEqual((await h.client.servers.rename(AX, "cp-1")).serverName, "cp-1");
    assert.strictEqual((await h.client.servers.get(AX))!.serverName, "cp-1");
    const e = await rejection(h.client.servers.rename(999, "x"));
    assert.ok(isError(e, "RobotApiError"));
    assert.strictEqual(e.message, "Robot POST /server/999 failed: SERVER_NOT_FOUND (404): server not found");
    const long = await rejection(h.client.servers.rename(AX, "x".repeat(101)));
    assert.strictEqual(
      long.message,
      "Robot POST /server/2321001 failed: INVALID_INPUT (400): invalid input (invalid: server_name)",
    );
    assert.strictEqual(
      (await rejection(h.client.servers.get(0))).message,
      "[serverNumber] must be a positive integer, got 0",
    );
  });

  it("keys: empty list is [], create computes the fingerprint, duplicates and bad data are refused", async () => {
    assert.deepStrictEqual(await h.client.keys.list(), []);
    const line = edKey("ops@laptop");
    const created = await h.client.keys.create("ops", line);
    assert.deepStrictEqual(created, {
      name: "ops",
      fingerprint: sshKeyFingerprint(line),
      type: "ED25519",
      size: 256,
      data: line,
      createdAt: "2025-06-01 10:00:00",
    });
    assert.deepStrictEqual(await h.client.keys.list(), [created]);
    assert.deepStrictEqual(await h.client.keys.get(created.fingerprint), created);
    const dup = await rejection(h.client.keys.create("other-name", line.replace("ops@laptop", "someone-else")));
    assert.deepStrictEqual(
      [dup.status, dup.code, dup.message],
      [409, "KEY_ALREADY_EXISTS", "Robot POST /key failed: KEY_ALREADY_EXISTS (409): The key already exists"],
    );
    const bad = await rejection(h.client.keys.create("x", "ssh-ed25519 AAAA"));
    assert.deepStrictEqual([bad.code, bad.invalid], ["INVALID_INPUT", ["data"]]);
    const missing = await rejection(h.client.keys.create("", ""));
    assert.deepStrictEqual(missing.missing, ["name", "data"]);
  });

  it("keys.get of an unknown key is undefined; delete reports whether a key was there", async () => {
    const { fingerprint } = await h.client.keys.create("k", edKey("k"));
    assert.strictEqual(await h.client.keys.get("00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff"), undefined);
    assert.deepStrictEqual(
      [await h.client.keys.delete(fingerprint), await h.client.keys.delete(fingerprint)],
      [true, false],
    );
    assert.deepStrictEqual(await h.client.keys.list(), []);
    assert.strictEqual(
      (await rejection(h.client.keys.get("nope/../server"))).message,
      '[fingerprint] must be an MD5 fingerprint like "d7:34:1c:…" (16 colon-separated hex bytes), got "nope/../server"',
    );
  });

  it("ips: list (IPv6-only servers have none), filter, get with gateway/mask/broadcast", async () => {
    assert.deepStrictEqual(
      (await h.client.ips.list()).map((i) => [i.ip, i.serverNumber]),
      [
        ["127.10.0.2", AX],
        ["127.10.0.4", NO_RESCUE],
      ],
    );
    assert.deepStrictEqual(
      (await h.client.ips.list("127.10.0.4")).map((i) => i.serverNumber),
      [NO_RESCUE],
    );
    assert.deepStrictEqual(await h.client.ips.list("192.0.2.1"), []);
    assert.deepStrictEqual(await h.client.ips.get("127.10.0.2"), {
      ip: "127.10.0.2",
      serverIp: "127.10.0.2",
      serverNumber: AX,
      locked: false,
      separateMac: null,
      gateway: "127.10.0.1",
      mask: 26,
      broadcast: "127.10.0.63",
    });
    assert.strictEqual(await h.client.ips.get("192.0.2.1"), undefined);
    assert.strictEqual(
      (await rejection(h.client.ips.get("2a01::1"))).message,
      '[ip] must be an IPv4 address, got "2a01::1"',
    );
  });

  it("subnets: every server's /64 with gateway fe80::1, filterable by main IP", async () => {
    const all = await h.client.subnets.list();
    assert.deepStrictEqual(all[1], {
      ip: "2a01:4f8:10a:1002::",
      mask: 64,
      gateway: "fe80::1",
      serverIp: null,
      serverNumber: EX,
      failover: false,
      locked: false,
    });
    assert.deepStrictEqual(
      (await h.client.subnets.list("127.10.0.2")).map((s) => s.ip),
      ["2a01:4f8:10a:1001::"],
    );
    assert.deepStrictEqual(await h.client.subnets.list("192.0.2.1"), []);
  });

  it("wrong credentials are 401 UNAUTHORIZED, and credentials show in no message or inspection", async () => {
    const wrong = new RobotClient({ url: h.sim.url, user: "robot-user", password: "wrong-password" });
    const e = await rejection(wrong.servers.list());
    assert.strictEqual(e.message, "Robot GET /server failed: UNAUTHORIZED (401): Unauthorized");
    const basic = Buffer.from(`robot-user:${PASSWORD}`).toString("base64");
    const seen = [
      inspect(h.client, { depth: 10, showHidden: true }),
      inspect(wrong, { depth: 10 }),
      e.message,
      e.stack,
      ...h.logs,
    ].join("\n");
    for (const secret of [PASSWORD, "wrong-password", basic]) assert.ok(!seen.includes(secret), `leaked ${secret}`);
  });

  it("refuses a URL with embedded credentials or a wrong scheme without echoing it", () => {
    const make = (url: string) => () => new RobotClient({ url, user: "u", password: "pw-1234" });
    assert.throws(make("https://u:pw-1234@robot-ws.your-server.de"), {
      name: "InputError",
      message: "[url] must not contain credentials; pass user and password separately",
    });
    assert.throws(make("robot-ws.your-server.de"), {
      name: "InputError",
      message: "[url] must be an absolute http(s) URL such as https://robot-ws.your-server.de",
    });
    assert.throws(make("ftp://robot-ws.your-server.de"), {
      name: "InputError",
      message: "[url] must use http or https, not ftp:",
    });
  });
});
