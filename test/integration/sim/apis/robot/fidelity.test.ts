/**
 * Fidelity of the Robot simulator to the fixtures in test/fixtures/robot: each body is
 * reproduced from a simulator seeded with the same state, with the same keys, types and nesting,
 * and the same values wherever that state determines them. Deviations are listed with reasons,
 * and each listed deviation must really occur.
 */
import * as assert from "assert";
import { FIXTURES } from "../../../../helpers/fixtures";
import { generateKeyPairSync } from "crypto";
import * as fs from "fs";
import { openSshPublicKey } from "../../../../../provider/hetzner/robot";
import { robotServerScenario } from "../../../../../provider/sim/apis/robot/scenario";
import { RobotServerScenario } from "../../../../../provider/sim/scenario";
import { RobotHarness, fixture, shapeDiff, startRobotHarness } from "../../../hetzner/robot/harness";

const net = "2a01:4f8:111:4221::/64";
const S321 = robotServerScenario(1, {
  number: 321,
  name: "server1",
  product: "EQ 8",
  dc: "NBG1-DC1",
  resetTypes: ["sw", "hw", "man"],
  machine: { ipv4: "123.123.123.123", ipv6Net: net, gateway: "123.123.123.97", ipv4Prefix: 27 },
});
/** The same server as the list fixture describes it. */
const S321_LIST = { ...S321, product: "DS 3000" };
const S421 = robotServerScenario(2, {
  number: 421,
  name: "server2",
  product: "X5",
  dc: "FSN1-DC10",
  resetTypes: [],
  rescue: false,
  machine: { ipv4: "123.123.123.124", ipv6Net: net },
});
const S111 = robotServerScenario(3, {
  number: 111,
  resetTypes: ["power", "power_long", "hw", "man"],
  machine: { ipv4: "111.111.111.111", ipv6Net: net },
});
const AX51 = robotServerScenario(4, {
  number: 123456,
  name: "sanctum",
  product: "AX51-NVMe",
  dc: "FSN1-DC16",
  machine: { ipv4: "203.0.113.10", ipv6Net: "2a01:4f8:252:641::/64" },
});
const AUCTION = [1, 2, 3].map((i) =>
  robotServerScenario(10 + i, {
    number: 2000000 + i,
    name: `n${i}`,
    product: "Server Auction",
    dc: `FSN1-DC${i}`,
    machine: { ipv4: `${i}.${i}.${i}.${i}`, ipv6Net: `2a01:4f8:${i}::/64` },
  }),
);
/** The mock fixtures' placeholder key (fixtures/robot/boot-rescue-get-active.json), seeded straight into state. */
const ADMIN = {
  name: "admin",
  fingerprint: "fi:ng:er:pr:in:t0:00:00:00:00:00:00:00:00:00:00",
  type: "RSA",
  size: 4096,
  created_at: "2021-12-31 23:59:59",
};

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const ed25519 = () => openSshPublicKey(generateKeyPairSync("ed25519").publicKey);
const IDENTITY = ["server_ip", "server_ipv6_net", "server_number"];
/** What an auction server's list item and single GET share with the hrobot-rs captures. */
const AUCTION_FIELDS = [
  ...IDENTITY,
  "server_name",
  "product",
  "dc",
  "traffic",
  "status",
  "cancelled",
  "ip",
  "subnet",
  "linked_storagebox",
];
const RULES =
  "status=active&filter_ipv6=false&whitelist_hos=true&rules[input][0][ip_version]=ipv4&rules[input][0][name]=rule one&rules[input][0][src_ip]=1.1.1.1&rules[input][0][dst_port]=80&rules[input][0][action]=accept&rules[input][1][ip_version]=ipv4&rules[input][1][name]=Allow MySQL&rules[input][1][dst_port]=3306&rules[input][1][action]=accept&rules[output][0][name]=Allow all&rules[output][0][action]=accept";

interface Case {
  servers: RobotServerScenario[];
  act(h: RobotHarness): Promise<unknown>;
  /** Paths whose values the seeded state determines ("all" = the whole body). */
  values: "all" | string[];
  /** shapeDiff lines we deliberately do not match, with the reason. */
  deviations?: Record<string, string>;
}

const get = (p: string) => async (h: RobotHarness) => (await h.raw("GET", p)).json;
const post = (p: string, body: string) => async (h: RobotHarness) => (await h.raw("POST", p, body)).json;
const rescueOn =
  (n: number, body = "os=linux") =>
  async (h: RobotHarness) => {
    h.sim.state.keys.set(ADMIN.fingerprint, { ...ADMIN, data: ed25519() });
    return h.raw("POST", `/boot/${n}/rescue`, body);
  };
const under = (prefix: string, keys: string[]) => keys.map((k) => `${prefix}.${k}`);
const NEWER_STORAGEBOX =
  "linked_storagebox is in the current doc and the REAL hrobot-rs captures; this older doc/mock predates it";
const BOOT_TIME = "boot_time is undocumented but live (boot-rescue-get-active.real.json); doc and mocks predate it";
const LIVE_SPELLING =
  "we send the live spelling max_requests (hrobot-rs errata); the doc and this mock say max_request; clients read both";

const CASES: Record<string, Case> = {
  "server-list.json": {
    servers: [S321_LIST, S421],
    act: get("/server"),
    values: [0, 1]
      .flatMap((i) =>
        under(`[${i}].server`, [...IDENTITY, "server_name", "product", "dc", "status", "cancelled", "ip"]),
      )
      .concat("[0].server.subnet"),
    deviations: {
      "$[0].server.linked_storagebox: extra": NEWER_STORAGEBOX,
      "$[1].server.linked_storagebox: extra": NEWER_STORAGEBOX,
    },
  },
  "server-list-auction.hrobot-rs.json": {
    servers: AUCTION,
    act: get("/server"),
    values: [0, 1, 2].flatMap((i) => under(`[${i}].server`, AUCTION_FIELDS)),
  },
  // The hrobot-rs literal is a list item wrapped singly (its `deserialize_wrapped` test), so it is compared with GET /server's item.
  "server-get-auction.hrobot-rs.json": {
    servers: AUCTION,
    act: async (h) => (await h.raw("GET", "/server")).json[0],
    values: under("server", AUCTION_FIELDS),
  },
  "server-get.json": {
    servers: [S321],
    act: get("/server/321"),
    values: under("server", [...IDENTITY, "server_name", "product", "dc", "status", "ip", "subnet", "reset", "rescue"]),
    deviations: { "$.server.linked_storagebox: extra": NEWER_STORAGEBOX },
  },
  // Its server_ipv6_net "2a01:f48:…" contradicts its own subnet "2a01:4f8:…" (a doc typo), so that one value is not compared.
  "server-get.doc.json": {
    servers: [S321],
    act: get("/server/321"),
    values: under("server", [
      "server_ip",
      "server_number",
      "server_name",
      "product",
      "dc",
      "status",
      "ip",
      "subnet",
      "reset",
      "rescue",
    ]),
  },
  "server-get.real-ax51.json": {
    servers: [AX51],
    act: get("/server/123456"),
    values: under("server", [
      "server_ip",
      "server_number",
      "server_name",
      "product",
      "dc",
      "traffic",
      "status",
      "cancelled",
      "ip",
      "subnet",
      "reset",
      "rescue",
      "vnc",
      "windows",
      "plesk",
      "cpanel",
      "wol",
      "hot_swap",
      "linked_storagebox",
    ]),
    deviations: {
      "$.server.server_ipv6_net: extra":
        "the 2021 capture lacks server_ipv6_net; the doc and the 2023 hrobot-rs captures have it",
    },
  },
  // os: the fixtures still offer "freebsd"; the contract's current list is ["linux","vkvm"].
  "boot-rescue-get-inactive.json": {
    servers: [S321],
    act: get("/boot/321/rescue"),
    values: under("rescue", [...IDENTITY, "arch", "active", "password", "authorized_key", "host_key"]),
  },
  "boot-rescue-delete.json": {
    servers: [S321],
    act: async (h) => {
      await rescueOn(321)(h);
      return (await h.raw("DELETE", "/boot/321/rescue")).json;
    },
    values: under("rescue", [...IDENTITY, "arch", "active", "password", "authorized_key", "host_key"]),
  },
  "boot-rescue-get-active.json": {
    servers: [S321],
    act: async (h) => {
      await rescueOn(321, `os=linux&authorized_key[]=${ADMIN.fingerprint}`)(h);
      return (await h.raw("GET", "/boot/321/rescue")).json;
    },
    values: under("rescue", [...IDENTITY, "active", "arch", "authorized_key", "host_key", "os"]),
    deviations: { "$.rescue.boot_time: extra": BOOT_TIME },
  },
  "boot-rescue-get-active.real.json": {
    servers: [AX51],
    act: async (h) => {
      await rescueOn(123456)(h);
      return (await h.raw("GET", "/boot/123456/rescue")).json;
    },
    values: under("rescue", [
      "server_ip",
      "server_number",
      "os",
      "arch",
      "active",
      "authorized_key",
      "host_key",
      "boot_time",
    ]),
    deviations: { "$.rescue.server_ipv6_net: extra": "the 2021 capture lacks server_ipv6_net, which the doc lists" },
  },
  // arch: the fixtures asked for the deprecated arch=32; we accept and ignore it and answer 64 (SOURCES.md note 2).
  "boot-rescue-post.json": {
    servers: [S321],
    act: async (h) => (await rescueOn(321, "os=linux&arch=32")(h)).json,
    values: under("rescue", [...IDENTITY, "os", "active", "authorized_key", "host_key"]),
    deviations: { "$.rescue.boot_time: extra": BOOT_TIME },
  },
  "boot-rescue-post-with-key.json": {
    servers: [S321],
    act: async (h) => (await rescueOn(321, `os=linux&arch=32&authorized_key[]=${ADMIN.fingerprint}`)(h)).json,
    values: under("rescue", [...IDENTITY, "os", "active", "authorized_key", "host_key"]),
    deviations: { "$.rescue.boot_time: extra": BOOT_TIME },
  },
  "boot-rescue-last.json": {
    servers: [S321],
    act: async (h) => {
      await rescueOn(321)(h);
      await h.raw("POST", "/reset/321", "type=hw");
      return (await h.raw("GET", "/boot/321/rescue/last")).json;
    },
    values: under("rescue", [...IDENTITY, "os", "arch", "active", "password", "authorized_key", "host_key"]),
    deviations: { "$.rescue.boot_time: extra": BOOT_TIME },
  },
  "reset-get.json": { servers: [S321], act: get("/reset/321"), values: "all" },
  "reset-get-power.json": { servers: [S111], act: get("/reset/111"), values: "all" },
  "reset-list.json": { servers: [S321, S111], act: get("/reset"), values: "all" },
  "reset-post.json": { servers: [S321], act: post("/reset/321", "type=hw"), values: "all" },
  "key-list.json": {
    servers: [S321],
    act: seedKeys,
    values: [0, 1].flatMap((i) => under(`[${i}].key`, ["name", "type", "size"])),
    deviations: {
      "$[0].key.created_at: extra": "created_at is in the current doc (key-list.doc.json); this older doc predates it",
      "$[1].key.created_at: extra": "same",
    },
  },
  "key-list.doc.json": {
    servers: [S321],
    act: seedKeys,
    values: [0, 1].flatMap((i) => under(`[${i}].key`, ["name", "type", "size"])),
  },
  "key-post.json": {
    servers: [S321],
    act: async (h) =>
      (
        await h.raw(
          "POST",
          "/key",
          form({
            name: "NewKey",
            data: openSshPublicKey(generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey),
          }),
        )
      ).json,
    values: ["key.name", "key.type"],
    deviations: { "$.key.created_at: extra": "created_at is in the current doc; this older doc predates it" },
  },
  "key-object.hrobot-rs.json": {
    servers: [S321],
    act: async (h) => (await h.raw("POST", "/key", form({ name: "hrobot-rs-test-key", data: ed25519() }))).json.key,
    values: ["name", "type", "size"],
    deviations: { "$.data: extra": "the hrobot-rs literal omits data, which the doc's GET /key lists" },
  },
  // The second fixture item is an additional IP; the simulator models main IPs only.
  "ip-list.json": {
    servers: [S321],
    act: get("/ip"),
    values: under("[0].ip", ["ip", "server_ip", "server_number", "locked", "separate_mac"]),
  },
  "ip-get.json": {
    servers: [S321],
    act: get("/ip/123.123.123.123"),
    values: under("ip", ["ip", "gateway", "mask", "broadcast", "server_ip", "server_number", "locked", "separate_mac"]),
  },
  // The fixture lists additional IPv4 subnets; the simulator lists each server's IPv6 /64, so only the shape and owners compare.
  "subnet-list.json": {
    servers: [S321, S421],
    act: get("/subnet"),
    values: [0, 1].flatMap((i) => under(`[${i}].subnet`, ["server_number", "failover", "locked"])),
  },
  // The doc example's first rule is named "rule 1" and stored with a bare src_ip "1.1.1.1". Robot refuses
  // digits in names (docs/contracts/robot-firewall.md RF-2) and stores a single address as /32 (RF-8),
  // so the request names it "rule one" and those two values are compared as stored.
  "firewall-post.json": {
    servers: [S321],
    act: post("/firewall/321", RULES),
    values: [
      ...under("firewall", [
        "server_ip",
        "server_number",
        "status",
        "filter_ipv6",
        "whitelist_hos",
        "port",
        "rules.output",
      ]),
      "firewall.rules.input[1]",
      ...under("firewall.rules.input[0]", [
        "ip_version",
        "dst_ip",
        "dst_port",
        "src_port",
        "protocol",
        "tcp_flags",
        "action",
      ]),
    ],
  },
  "firewall-template-list.json": {
    servers: [S321],
    values: "all",
    act: async (h) => {
      await h.raw(
        "POST",
        "/firewall/template",
        "name=My template&filter_ipv6=false&whitelist_hos=true&is_default=true",
      );
      await h.raw(
        "POST",
        "/firewall/template",
        "name=My second template&filter_ipv6=false&whitelist_hos=true&is_default=false",
      );
      return (await h.raw("GET", "/firewall/template")).json;
    },
  },
  "error-unauthorized.json": {
    servers: [S321],
    act: async (h) => (await h.raw("GET", "/server", undefined, "robot-user:wrong")).json,
    values: "all",
  },
  "error-server-not-found.json": { servers: [S321], act: get("/server/999"), values: "all" },
  "error-boot-not-available.json": { servers: [S421], act: get("/boot/421/rescue"), values: "all" },
  "error-invalid-input-authorized-key.real.json": {
    servers: [S321],
    act: post("/boot/321/rescue", "os=linux&authorized_key[]=00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff"),
    values: "all",
  },
  // A storage-box call in the fixture; our missing field is os on POST /boot/{n}/rescue, so `missing` values differ.
  "error-invalid-input-missing.real.json": {
    servers: [S321],
    act: post("/boot/321/rescue", ""),
    values: under("error", ["status", "code", "message", "invalid"]),
  },
  "error-key-list-empty.json": { servers: [S321], act: get("/key"), values: "all" },
  "error-rate-limit.json": {
    servers: [S321],
    act: async (h) => {
      h.sim.faults.rateLimitNext = 1;
      return (await h.raw("GET", "/server")).json;
    },
    values: under("error", ["status", "code", "message"]),
    deviations: { "$.error.max_requests: extra": LIVE_SPELLING, "$.error.max_request: missing": LIVE_SPELLING },
  },
  "error-reset-manual-active.json": {
    servers: [S321],
    act: async (h) => {
      await h.raw("POST", "/reset/321", "type=man");
      return (await h.raw("POST", "/reset/321", "type=hw")).json;
    },
    values: "all",
  },
  "error-reset-not-available.json": { servers: [S421], act: get("/reset/421"), values: "all" },
  "error-reset-failed.json": {
    servers: [S321],
    act: async (h) => {
      h.sim.faults.resetFailNext = 1;
      return (await h.raw("POST", "/reset/321", "type=hw")).json;
    },
    values: "all",
  },
};

/** Fixtures deliberately not reproduced. */
const NOT_SIMULATED: Record<string, string> = {
  "error-vswitch-in-process.json": "vSwitch is not simulated (the library does not use it)",
  "vswitch-list.json": "vSwitch is not simulated",
  "vswitch-get.doc.json": "vSwitch is not simulated",
  "vswitch-get.real.hrobot-rs.json": "vSwitch is not simulated",
  "rescue-ssh-lsblk.talos-manager.json": "rescue SSH output, not a Robot API body (the machines simulator's domain)",
};

async function seedKeys(h: RobotHarness): Promise<unknown> {
  await h.raw(
    "POST",
    "/key",
    form({ name: "key1", data: openSshPublicKey(generateKeyPairSync("ec", { namedCurve: "P-521" }).publicKey) }),
  );
  await h.raw("POST", "/key", form({ name: "key2", data: ed25519() }));
  return (await h.raw("GET", "/key")).json;
}

function valueAt(body: unknown, path: string): unknown {
  return path
    .split(/\.|(?=\[)/)
    .filter(Boolean)
    .reduce((v: any, part) => (v === undefined ? v : v[part.replace(/^\[(\d+)\]$/, "$1")]), body);
}

// Does not prove: that the fixtures match today's live API (see SOURCES.md grades), nor values the state does not determine (traffic, paid_until, passwords).
describe("Robot simulator fidelity to fixtures/robot", () => {
  for (const [name, c] of Object.entries(CASES)) {
    it(`reproduces ${name}`, async () => {
      const h = await startRobotHarness({ servers: c.servers });
      try {
        const actual = await c.act(h);
        const expected = fixture(name);
        const diffs = shapeDiff(actual, expected);
        assert.deepStrictEqual(
          diffs.filter((d) => !(d in (c.deviations ?? {}))),
          [],
          "shape",
        );
        assert.deepStrictEqual(
          Object.keys(c.deviations ?? {}).filter((d) => !diffs.includes(d)),
          [],
          "listed deviations that no longer occur",
        );
        if (c.values === "all") assert.deepStrictEqual(actual, expected);
        else for (const p of c.values) assert.deepStrictEqual(valueAt(actual, p), valueAt(expected, p), p);
      } finally {
        await h.stop();
      }
    });
  }

  it("covers every Robot API fixture or says why not", () => {
    const dir = process.env.ROBOT_FIXTURES ?? FIXTURES + "/robot";
    const json = fs.readdirSync(dir).filter((f) => f.endsWith(".json"));
    assert.deepStrictEqual(
      json.filter((f) => !(f in CASES) && !(f in NOT_SIMULATED)),
      [],
    );
  });

  it("created_at is Berlin local time in Robot's format", async () => {
    const h = await startRobotHarness({ servers: [S321] });
    try {
      assert.strictEqual(
        ((await CASES["key-object.hrobot-rs.json"].act(h)) as { created_at: string }).created_at,
        "2025-06-01 10:00:00",
      );
    } finally {
      await h.stop();
    }
  });
});
