import * as assert from "assert";
import { FIXTURES } from "../../helpers/fixtures";
import * as fs from "fs";
import { parseAllDocuments } from "yaml";
import { applyConfigPatches } from "../../../provider/talos/config";
import { contractAtLeast } from "../../../provider/talos/versions";
import { hetznerIpv6Address, hetznerNetworkPatch } from "../../../provider/talos/network-patch";

const BOTH = {
  mac: "A8:A1:59:94:19:42",
  ipv4: "23.88.6.239",
  gateway: "23.88.6.193",
  ipv6Net: "2a01:4f8:272:3e0f::/64",
};

// Does not prove: that a real Talos node accepts these documents (only the project's patch engine merges them here,
// and the talosctl stand-in does not validate routes); shapes follow contracts/talosctl.md §18 and Talos's link.go/testdata.
describe("talos/network-patch", () => {
  it("v1.11 (pre-v1.12): v1alpha1 interface selected by MAC, /32 + on-link gateway route + default, IPv6 ::1/64 via fe80::1", () => {
    assert.strictEqual(
      hetznerNetworkPatch({ talosVersion: "v1.11.5", ...BOTH }),
      [
        "machine:",
        "    network:",
        "        interfaces:",
        "            - deviceSelector:",
        "                  hardwareAddr: a8:a1:59:94:19:42",
        "              dhcp: false",
        "              addresses:",
        "                  - 23.88.6.239/32",
        "                  - 2a01:4f8:272:3e0f::1/64",
        "              routes:",
        "                  - network: 23.88.6.193/32",
        "                  - network: 0.0.0.0/0",
        "                    gateway: 23.88.6.193",
        "                  - network: ::/0",
        "                    gateway: fe80::1",
        "",
      ].join("\n"),
    );
  });

  it("v1.12+: LinkAliasConfig by permanent MAC + LinkConfig; default routes have no destination", () => {
    const expected = [
      "apiVersion: v1alpha1",
      "kind: LinkAliasConfig",
      "name: net0",
      "selector:",
      '    match: mac(link.permanent_addr) == "a8:a1:59:94:19:42"',
      "---",
      "apiVersion: v1alpha1",
      "kind: LinkConfig",
      "name: net0",
      "up: true",
      "addresses:",
      "    - address: 23.88.6.239/32",
      "    - address: 2a01:4f8:272:3e0f::1/64",
      "routes:",
      "    - destination: 23.88.6.193/32",
      "    - gateway: 23.88.6.193",
      "    - gateway: fe80::1",
      "",
    ].join("\n");
    assert.strictEqual(hetznerNetworkPatch({ talosVersion: "v1.12.0", ...BOTH }), expected);
    assert.strictEqual(
      hetznerNetworkPatch({ talosVersion: "v1.13.9", ...BOTH, ipv6Net: "2a01:4f8:272:3e0f::" }),
      expected,
    );
  });

  it("IPv4-only and IPv6-only variants", () => {
    const v4 = hetznerNetworkPatch({ talosVersion: "v1.13.9", mac: BOTH.mac, ipv4: BOTH.ipv4, gateway: BOTH.gateway });
    assert.deepStrictEqual(parseAllDocuments(v4)[1].toJS(), {
      apiVersion: "v1alpha1",
      kind: "LinkConfig",
      name: "net0",
      up: true,
      addresses: [{ address: "23.88.6.239/32" }],
      routes: [{ destination: "23.88.6.193/32" }, { gateway: "23.88.6.193" }],
    });
    const v6 = hetznerNetworkPatch({ talosVersion: "v1.10.3", mac: BOTH.mac, ipv6Net: "2a01:4f8:c0c:1a2b::/64" });
    assert.strictEqual(
      v6,
      [
        "machine:",
        "    network:",
        "        interfaces:",
        "            - deviceSelector:",
        "                  hardwareAddr: a8:a1:59:94:19:42",
        "              dhcp: false",
        "              addresses:",
        "                  - 2a01:4f8:c0c:1a2b::1/64",
        "              routes:",
        "                  - network: ::/0",
        "                    gateway: fe80::1",
        "",
      ].join("\n"),
    );
    const v6doc = parseAllDocuments(
      hetznerNetworkPatch({ talosVersion: "v1.12.4", mac: BOTH.mac, ipv6Net: "2001:db8::/64", linkName: "public" }),
    );
    assert.deepStrictEqual(
      v6doc.map((d) => d.toJS().name),
      ["public", "public"],
    );
    assert.deepStrictEqual(v6doc[1].toJS().routes, [{ gateway: "fe80::1" }]);
  });

  it("computes <net>::1/64 in canonical form", () => {
    const table: [string, string][] = [
      ["2a01:4f8:272:3e0f::/64", "2a01:4f8:272:3e0f::1/64"],
      ["2a01:4f8:0:3e0f:0:0:0:0/64", "2a01:4f8:0:3e0f::1/64"],
      ["2001:DB8::", "2001:db8::1/64"],
      ["2a01:4f8:272:3e0f::abcd/64", "2a01:4f8:272:3e0f::1/64"],
    ];
    assert.deepStrictEqual(
      table.map(([n]) => [n, hetznerIpv6Address(n)]),
      table,
    );
  });

  it("applies to Talos's own gen-config output of the same version with the project's patch engine", () => {
    for (const v of ["v1.6", "v1.11", "v1.12", "v1.13"]) {
      const base = fs.readFileSync(`${FIXTURES}/talos/gen-config/${v}/base-worker.yaml`, "utf8");
      const patched = parseAllDocuments(
        applyConfigPatches(base, [hetznerNetworkPatch({ talosVersion: `${v}.0`, ...BOTH })], {
          talosVersion: `${v}.0`,
        }),
      ).map((d) => d.toJS());
      const link = patched.find((d) => d.kind === "LinkConfig");
      const iface = patched[0].machine.network?.interfaces?.[0];
      const got = [iface?.deviceSelector, link?.addresses.length, link?.routes.length];
      assert.deepStrictEqual(
        got,
        contractAtLeast(v, "v1.12") ? [undefined, 2, 3] : [{ hardwareAddr: "a8:a1:59:94:19:42" }, undefined, undefined],
        v,
      );
    }
    assert.throws(
      () =>
        applyConfigPatches(
          "version: v1alpha1\nmachine: {}\n",
          [hetznerNetworkPatch({ talosVersion: "v1.12.0", ...BOTH })],
          { talosVersion: "v1.11.5" },
        ),
      /LinkAliasConfig/,
    );
  });

  it("names the bad field", () => {
    const table: [Record<string, unknown>, string][] = [
      [
        { mac: "a8-a1-59-94-19-42", ipv4: "1.2.3.4", gateway: "1.2.3.1" },
        '[mac] must be a MAC like "a8:a1:59:94:19:42", got "a8-a1-59-94-19-42"',
      ],
      [{ mac: BOTH.mac }, "[network] needs ipv4 (with gateway) or ipv6Net"],
      [
        { mac: BOTH.mac, ipv4: "1.2.3.4/32", gateway: "1.2.3.1" },
        '[ipv4] must be an IPv4 address without prefix, got "1.2.3.4/32"',
      ],
      [{ mac: BOTH.mac, ipv4: "1.2.3.4" }, "[gateway] must be the IPv4 gateway of 1.2.3.4, got undefined"],
      [
        { mac: BOTH.mac, ipv6Net: "2a01:4f8::/56" },
        '[ipv6Net] must be an IPv6 /64 like "2a01:4f8:272:3e0f::/64", got "2a01:4f8::/56"',
      ],
      [
        { mac: BOTH.mac, ipv6Net: "10.0.0.0/64" },
        '[ipv6Net] must be an IPv6 /64 like "2a01:4f8:272:3e0f::/64", got "10.0.0.0/64"',
      ],
    ];
    for (const [o, message] of table) {
      assert.throws(() => hetznerNetworkPatch({ talosVersion: "v1.13.9", ...o } as never), {
        name: "InputError",
        message,
      });
    }
    assert.throws(() => hetznerNetworkPatch({ talosVersion: "1.13", ...BOTH }), {
      name: "InputError",
      message: '[talosVersion] must look like "v1.13.9", got "1.13"',
    });
  });
});
