import * as assert from "assert";
import { inboundFilter, synMatches } from "../../../../../provider/sim/apis/robot/firewall-filter";
import { FirewallRule, parseFirewallRules } from "../../../../../provider/sim/apis/robot/firewall-rules";
import { parsePhpForm } from "../../../../../provider/sim/apis/robot/form";
import { ipInCidr, ipv4Broadcast } from "../../../../../provider/sim/apis/robot/ip";

const TARGET = { ipv4: "127.10.0.2", ipv6Net: "2a01:4f8:10a:1001::/64" };
const rule = (r: Partial<FirewallRule>): FirewallRule => ({
  ip_version: null,
  name: null,
  dst_ip: null,
  src_ip: null,
  dst_port: null,
  src_port: null,
  protocol: null,
  tcp_flags: null,
  action: "accept",
  ...r,
});

// Does not prove: the live firewall's treatment of established connections or output rules (not modelled).
describe("Robot firewall semantics (simulator)", () => {
  it("first matching input rule decides; no match discards", () => {
    const allow = inboundFilter(
      [
        rule({ name: "ssh from office", src_ip: "203.0.113.0/24", dst_port: "22", protocol: "tcp" }),
        rule({ name: "no ssh otherwise", dst_port: "22", action: "discard" }),
        rule({ name: "talos", dst_port: "50000-50001", protocol: "tcp", ip_version: "ipv4" }),
        rule({ name: "kubespan", dst_port: "51820", protocol: "udp" }),
      ],
      false,
      TARGET,
    );
    const table: ["tcp" | "udp", number, string, boolean][] = [
      ["tcp", 22, "203.0.113.9", true],
      ["tcp", 22, "198.51.100.1", false],
      ["udp", 22, "203.0.113.9", false], // rule 1 is tcp only, rule 2 discards
      ["tcp", 50000, "198.51.100.1", true],
      ["tcp", 50001, "198.51.100.1", true],
      ["tcp", 50002, "198.51.100.1", false], // no match → discard
      ["udp", 51820, "198.51.100.1", true],
      ["tcp", 51820, "198.51.100.1", false],
      ["tcp", 22, "2001:db8::1", true], // IPv6 is not filtered unless filter_ipv6
    ];
    for (const [proto, port, ip, want] of table)
      assert.strictEqual(allow(proto, port, ip), want, `${proto} ${port} ${ip}`);
  });

  it("filters IPv6 with filter_ipv6, honours ip_version, dst_ip, src_port and tcp flags", () => {
    const allow = inboundFilter(
      [
        rule({ ip_version: "ipv6", src_ip: "2001:db8::/32", dst_port: "443" }),
        rule({ dst_ip: "127.10.0.3/32", dst_port: "80" }), // another address: never this server
        rule({ src_port: "1024-65535", dst_port: "8080" }), // source port of a new connection is unknown
        rule({ protocol: "tcp", tcp_flags: "ack", dst_port: "9000" }), // a SYN has no ack
        rule({ protocol: "tcp", tcp_flags: "syn|fin", dst_port: "9001" }),
      ],
      true,
      TARGET,
    );
    assert.deepStrictEqual(
      [
        allow("tcp", 443, "2001:db8::5"),
        allow("tcp", 443, "2a00::1"),
        allow("tcp", 443, "203.0.113.1"),
        allow("tcp", 80, "203.0.113.1"),
        allow("tcp", 8080, "203.0.113.1"),
        allow("tcp", 9000, "203.0.113.1"),
        allow("tcp", 9001, "203.0.113.1"),
      ],
      [true, false, false, false, false, false, true],
    );
    assert.deepStrictEqual(["syn", "ack", "syn|ack", "syn&ack", "fin|rst"].map(synMatches), [
      true,
      false,
      true,
      false,
      false,
    ]);
  });

  it("validates rules field by field and limits them to 10 per direction", () => {
    const parse = (body: string) => {
      try {
        return parseFirewallRules(parsePhpForm(body).rules);
      } catch (e) {
        return (e as { body(): unknown }).body();
      }
    };
    assert.deepStrictEqual(
      parse(
        "rules[input][0][dst_port]=22&rules[input][1][action]=drop&rules[input][1][src_ip]=1.2.3.4/33&rules[output][0][action]=accept&rules[output][0][ip_version]=ipv4&rules[output][0][dst_ip]=::1",
      ),
      {
        error: {
          status: 400,
          code: "INVALID_INPUT",
          message: "invalid input",
          missing: ["rules[input][0][action]"],
          invalid: ["rules[input][1][src_ip]", "rules[input][1][action]", "rules[output][0][dst_ip]"],
        },
      },
    );
    const eleven = Array.from({ length: 11 }, (_, i) => `rules[input][${i}][action]=accept`).join("&");
    assert.deepStrictEqual(parse(eleven), {
      error: {
        status: 409,
        code: "FIREWALL_RULE_LIMIT_EXCEEDED",
        message: "Firewall rule limit exceeded (10 input rules)",
      },
    });
    assert.deepStrictEqual(parse("rules[input][0][action]=accept&rules[input][0][dst_port]=65536"), {
      error: {
        status: 400,
        code: "INVALID_INPUT",
        message: "invalid input",
        missing: null,
        invalid: ["rules[input][0][dst_port]"],
      },
    });
  });

  it("refuses what live clients report Robot refuses (docs/contracts/robot-firewall.md RF-2..RF-7) and stores single addresses as /32", () => {
    const parse = (body: string) => {
      try {
        return parseFirewallRules(parsePhpForm(body).rules);
      } catch (e) {
        return (e as { body(): unknown }).body();
      }
    };
    const invalid = (rule: string) =>
      (parse(`rules[input][0][action]=accept&${rule}`) as { error: { invalid: string[] | null } }).error?.invalid ??
      null;
    const r = (fields: Record<string, string>) =>
      Object.entries(fields)
        .map(([k, v]) => `rules[input][0][${k}]=${encodeURIComponent(v)}`)
        .join("&");
    const table: [Record<string, string>, string[] | null][] = [
      [{ name: "cluster node 1" }, ["rules[input][0][name]"]], // RF-2: digits
      [{ name: "allow, please" }, ["rules[input][0][name]"]], // RF-2: comma
      [{ name: "Allow.all-the_things+more@home" }, null],
      [{ protocol: "udp", dst_port: "51820" }, ["rules[input][0][protocol]"]], // RF-3: protocol needs ip_version
      [{ src_ip: "203.0.113.0/24" }, ["rules[input][0][src_ip]"]], // RF-3: address needs ip_version
      [{ dst_port: "51820" }, null], // ports alone apply to both families
      [{ ip_version: "ipv6", src_ip: "2001:db8::/32" }, ["rules[input][0][src_ip]"]], // RF-4: no addresses on IPv6 rules
      [{ ip_version: "ipv6", protocol: "udp", dst_port: "32768-65535" }, null],
      [{ ip_version: "ipv4", src_ip: "2001:db8::/32" }, ["rules[input][0][src_ip]"]], // RF-5
      [{ ip_version: "ipv4", protocol: "tcp", tcp_flags: "ack" }, null], // RF-6
      [{ ip_version: "ipv4", protocol: "tcp", tcp_flags: "syn|ece" }, ["rules[input][0][tcp_flags]"]],
      [{ ip_version: "ipv4", protocol: "udp", tcp_flags: "syn" }, ["rules[input][0][tcp_flags]"]], // RF-7
    ];
    for (const [fields, want] of table) assert.deepStrictEqual(invalid(r(fields)), want, JSON.stringify(fields));
    const stored = parse(
      `rules[input][0][action]=accept&${r({ ip_version: "ipv4", src_ip: "203.0.113.7", dst_ip: "127.10.0.0/24" })}`,
    ) as { input: FirewallRule[] };
    assert.deepStrictEqual([stored.input[0].src_ip, stored.input[0].dst_ip], ["203.0.113.7/32", "127.10.0.0/24"]); // RF-8
  });

  it("ip helpers: broadcast and CIDR membership", () => {
    assert.deepStrictEqual(
      [ipv4Broadcast("123.123.123.123", 27), ipv4Broadcast("127.10.0.70", 26), ipv4Broadcast("10.0.0.1", 32)],
      ["123.123.123.127", "127.10.0.127", "10.0.0.1"],
    );
    assert.deepStrictEqual(
      [
        ipInCidr("10.1.2.3", "10.0.0.0/8"),
        ipInCidr("11.1.2.3", "10.0.0.0/8"),
        ipInCidr("2a01:4f8::1", "2a01:4f8::/32"),
        ipInCidr("2a01:4f9::1", "2a01:4f8::/32"),
        ipInCidr("10.0.0.1", "::/0"),
        ipInCidr("1.1.1.1", "1.1.1.1"),
      ],
      [true, false, true, false, false, true],
    );
  });
});
