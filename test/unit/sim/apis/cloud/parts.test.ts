import * as assert from "assert";
import { cidrContains, inboundFilter, parseIp } from "../../../../../provider/sim/apis/cloud/firewall-rules";
import { RateLimiter } from "../../../../../provider/sim/apis/cloud/ratelimit";
import { sortItems } from "../../../../../provider/sim/apis/cloud/pagination";
import { md5Fingerprint } from "../../../../../provider/sim/apis/cloud/ssh-keys";
import { CloudState, FirewallRuleRecord, ImageRecord } from "../../../../../provider/sim/apis/cloud/state";
import { buildServer } from "../../../../../provider/sim/apis/cloud/server-create";
import { findServerType } from "../../../../../provider/sim/apis/cloud/catalog";
import { SimWorld } from "../../../../../provider/sim/types";

// Does not prove: that these parts are wired into the HTTP pipeline (test/integration/cloud-sim.test.ts does).
describe("cloud sim: firewall rules, rate limiter, sorting, fingerprints", () => {
  it("matches IPv4 and IPv6 CIDRs, with IPv4-mapped IPv6 sources counted as IPv4", () => {
    const table: [string, string, boolean][] = [
      ["0.0.0.0/0", "127.0.0.1", true],
      ["10.0.0.0/8", "10.255.1.2", true],
      ["10.0.0.0/8", "11.0.0.1", false],
      ["127.20.0.2/32", "127.20.0.2", true],
      ["127.20.0.2/32", "127.20.0.3", false],
      ["::/0", "2a01:4f8::1", true],
      ["::/0", "127.0.0.1", false],
      ["2a01:4f8:c0c:3e9::/64", "2a01:4f8:c0c:3e9::1", true],
      ["2a01:4f8:c0c:3e9::/64", "2a01:4f8:c0c:3ea::1", false],
      ["127.0.0.0/8", "::ffff:127.0.0.1", true],
    ];
    for (const [cidr, ip, expected] of table) assert.strictEqual(cidrContains(cidr, ip), expected, `${cidr} ∋ ${ip}`);
    assert.strictEqual(parseIp("1.2.3.256"), undefined);
    assert.strictEqual(parseIp("1::2::3"), undefined);
    assert.deepStrictEqual(parseIp("::1"), { value: 1n, bits: 128 });
  });

  it("allows inbound only when an in-rule of any firewall matches protocol, port range and source", () => {
    const rule = (r: Partial<FirewallRuleRecord>): FirewallRuleRecord => ({
      direction: "in",
      protocol: "tcp",
      port: null,
      source_ips: ["0.0.0.0/0"],
      destination_ips: [],
      description: null,
      ...r,
    });
    const kubespan = [rule({ protocol: "udp", port: "51820", source_ips: ["0.0.0.0/0", "::/0"] })];
    const admin = [rule({ port: "50000-50001", source_ips: ["10.0.0.0/8"] }), rule({ direction: "out", port: "443" })];
    const f = inboundFilter([kubespan, admin]);
    assert.strictEqual(f("udp", 51820, "127.0.0.1"), true);
    assert.strictEqual(f("tcp", 51820, "127.0.0.1"), false);
    assert.strictEqual(f("tcp", 50001, "10.1.2.3"), true);
    assert.strictEqual(f("tcp", 50002, "10.1.2.3"), false);
    assert.strictEqual(f("tcp", 50000, "127.0.0.1"), false);
    assert.strictEqual(f("tcp", 443, "127.0.0.1"), false, "an out rule admits nothing inbound");
    assert.strictEqual(
      inboundFilter([[rule({ direction: "out", port: "443" })]])("tcp", 22, "127.0.0.1"),
      false,
      "no in rule drops all inbound",
    );
  });

  it("recovers one request per scaled interval and reports the reset time of full recovery", () => {
    let t = 1_000_000;
    const rl = new RateLimiter(3, 1000, () => t);
    assert.deepStrictEqual([rl.take(), rl.take(), rl.take(), rl.take()], [true, true, true, false]);
    assert.deepStrictEqual(rl.headers(), {
      "RateLimit-Limit": "3",
      "RateLimit-Remaining": "0",
      "RateLimit-Reset": "1003",
    });
    t += 1500;
    assert.deepStrictEqual([rl.take(), rl.take()], [true, false]);
    assert.strictEqual(RateLimiter.scaled(3600, 0.001).msPerToken, 1);
    assert.strictEqual(RateLimiter.scaled(3600, 0).take(), true);
  });

  it("sorts by repeated field[:asc|:desc] keys and rejects unknown fields", () => {
    const items = [
      { id: 1, name: "b" },
      { id: 2, name: "a" },
      { id: 3, name: "b" },
    ];
    const fields = { id: (x: { id: number }) => x.id, name: (x: { name: string }) => x.name };
    assert.deepStrictEqual(
      sortItems(items, ["name", "id:desc"], fields).map((x) => x.id),
      [2, 3, 1],
    );
    assert.deepStrictEqual(
      sortItems(items, [], fields).map((x) => x.id),
      [1, 2, 3],
    );
    assert.throws(() => sortItems(items, ["size"], fields), {
      message: "invalid input in field 'sort': invalid sort field or direction 'size'",
    });
  });

  it("fingerprints an OpenSSH key as MD5 colon-hex of its blob and rejects non-keys", () => {
    const blob = Buffer.concat([
      Buffer.from([0, 0, 0, 11]),
      Buffer.from("ssh-ed25519"),
      Buffer.from([0, 0, 0, 32]),
      Buffer.alloc(32, 7),
    ]);
    const line = `ssh-ed25519 ${blob.toString("base64")} me@host`;
    const expected = require("crypto").createHash("md5").update(blob).digest("hex").match(/../g).join(":");
    assert.strictEqual(md5Fingerprint(line), expected);
    assert.strictEqual(md5Fingerprint(`ssh-rsa ${blob.toString("base64")}`), undefined, "type must match the blob");
    assert.strictEqual(md5Fingerprint("not a key"), undefined);
  });
});

describe("cloud sim: server addresses", () => {
  const world = {} as SimWorld;
  const server = (state: CloudState) =>
    buildServer(state, {
      name: "w",
      type: findServerType("cx33")!,
      location: state.locations[0],
      image: {} as ImageRecord,
      sshKeys: [],
      labels: {},
      firewallIds: [],
      startAfterCreate: true,
      ipv4: true,
      ipv6: false,
    }).spec.ipv4;

  it("hands out 127.20.x.y by default and another /16 with addressOctet, so two simulators can share a machine", () => {
    const a = new CloudState(world, { token: "t" }, {});
    const b = new CloudState(world, { token: "t", addressOctet: 21 }, {});
    assert.deepStrictEqual([server(a), server(a), server(b)], ["127.20.0.2", "127.20.0.3", "127.21.0.2"]);
  });

  it("refuses an octet outside 20–99 (127.10.x.y belongs to the Robot servers)", () => {
    assert.throws(() => new CloudState(world, { token: "t", addressOctet: 10 }, {}), {
      message: "cloud.addressOctet must be an integer from 20 to 99, got 10",
    });
  });
});
