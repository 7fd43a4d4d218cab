import * as assert from "assert";
import { robotServerScenario } from "../../../../../provider/sim/apis/robot/scenario";

// Does not prove: that these machines boot (the machines engineer's world does); only that the specs are realistic and unique.
describe("robotServerScenario", () => {
  it("builds an AX41-NVMe on a loopback /26 with a /64", () => {
    const s = robotServerScenario(1);
    assert.deepStrictEqual(
      [s.number, s.name, s.product, s.resetTypes, s.rescue],
      [2321001, "robot-1", "AX41-NVMe", ["power", "power_long", "hw", "man"], true],
    );
    const m = s.machine;
    assert.deepStrictEqual(
      [m.id, m.kind, m.ipv4, m.ipv4Prefix, m.gateway, m.ipv6Net, m.bootMode, m.arch],
      ["robot-2321001", "robot", "127.10.0.2", 26, "127.10.0.1", "2a01:4f8:10a:1001::/64", "uefi", "amd64"],
    );
    assert.deepStrictEqual(
      m.disks.map((d) => [d.name, d.transport, d.sizeBytes, /^eui\.002538b9[0-9a-f]{8}$/.test(d.wwn!)]),
      [
        ["nvme0n1", "nvme", 512110190592, true],
        ["nvme1n1", "nvme", 512110190592, true],
      ],
    );
    assert.match(m.smbiosUuid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.doesNotMatch(m.smbiosUuid, /-000000000000$/);
    assert.match(m.nics[0].mac, /^a8:a1:59(:[0-9a-f]{2}){3}$/);
  });

  it("gives every server its own address, WWNs and MAC, and moves to the next /26 after 61 hosts", () => {
    const all = Array.from({ length: 250 }, (_, i) => robotServerScenario(i + 1).machine);
    for (const key of ["ipv4", "ipv6Net", "smbiosUuid", "id"] as const)
      assert.strictEqual(new Set(all.map((m) => m[key])).size, 250, key);
    assert.strictEqual(new Set(all.flatMap((m) => m.disks.map((d) => d.wwn))).size, 500);
    assert.deepStrictEqual(
      [all[60].ipv4, all[60].gateway, all[61].ipv4, all[61].gateway, all[183].ipv4, all[244].ipv4, all[244].gateway],
      ["127.10.0.62", "127.10.0.1", "127.10.0.66", "127.10.0.65", "127.10.0.194", "127.10.1.2", "127.10.1.1"],
    );
  });

  it("applies overrides, merging the machine field by field", () => {
    const s = robotServerScenario(3, {
      name: "cp-1",
      rescue: false,
      resetTypes: ["sw", "hw"],
      machine: { ipv4: null, power: "off" },
    });
    assert.deepStrictEqual(
      [s.name, s.rescue, s.resetTypes, s.machine.ipv4, s.machine.power, s.machine.gateway],
      ["cp-1", false, ["sw", "hw"], null, "off", "127.10.0.1"],
    );
    assert.throws(() => robotServerScenario(0), /^RangeError: \[n\] must be an integer from 1 to 62464, got 0$/);
  });
});
