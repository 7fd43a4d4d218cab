import * as assert from "assert";
import { FIXTURES } from "../../helpers/fixtures";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkSmbiosUuid, inventoryScript, parseDisks, parseInventory } from "../../../provider/rescue/inventory";
import { parseMdstat, parseNicInfoPairs } from "../../../provider/rescue/commands-sysinfo";
import { IP_ADDR, IP_ROUTE, LSBLK_JSON, inventoryOutput } from "./inventory-fixtures";

const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES + "/robot", name), "utf8");
const bare = {
  byId: [],
  serial: null,
  rotational: false,
  transport: null,
  type: "nvme",
  fsType: null,
  signatures: [],
  partitions: [],
};

// Does not prove: that real util-linux/iproute2 in the Hetzner rescue print exactly these shapes (fixtures and
// the local tools are the evidence), nor how the script behaves on real block devices (see the rescue tests).
describe("rescue/inventory", () => {
  it("parses the talos-manager lsblk JSON fixture: loop skipped, md0 recorded as holder", () => {
    assert.deepStrictEqual(parseDisks(fixture("rescue-ssh-lsblk.talos-manager.json")), [
      {
        ...bare,
        name: "nvme2n1",
        path: "/dev/nvme2n1",
        sizeBytes: 3840755982336,
        model: "SAMSUNG MZQLB3T8HALS-00007",
        wwn: "eui.34333830521232390025384100000002",
        holders: ["md0"],
      },
      {
        ...bare,
        name: "nvme1n1",
        path: "/dev/nvme1n1",
        sizeBytes: 960197124096,
        model: "SAMSUNG MZQL2960HCJR-00A07",
        wwn: "eui.36344630528029720025384500000002",
        holders: [],
      },
      {
        ...bare,
        name: "nvme0n1",
        path: "/dev/nvme0n1",
        sizeBytes: 3840755982336,
        model: "SAMSUNG MZQL23T8HCLS-00A07",
        wwn: "eui.36344830544106740025384500000002",
        holders: ["md0"],
      },
    ]);
  });

  it("parses the CAPH lsblk pairs fixture", () => {
    assert.deepStrictEqual(parseDisks(fixture("rescue-ssh-lsblk-pairs.caph.txt")), [
      {
        ...bare,
        name: "nvme2n1",
        path: "/dev/nvme2n1",
        sizeBytes: 2048408248320,
        model: "SAMSUNG MZVL22T0HBLB-00B00",
        serial: "S677NF0R402742",
        wwn: "eui.002538b411b2cee8",
        holders: [],
      },
      {
        ...bare,
        name: "nvme1n1",
        path: "/dev/nvme1n1",
        sizeBytes: 512110190592,
        model: "SAMSUNG MZVLB512HAJQ-00000",
        serial: "S3W8NX0N811178",
        wwn: "eui.0025388801b4dff2",
        holders: [],
      },
    ]);
  });

  it("parses pairs with partitions, holders and \\x escapes", () => {
    const text = [
      'NAME="sda" TYPE="disk" SIZE="1000" MODEL="QEMU\\x20HARDDISK" ROTA="1" WWN="0x5000c500a1b2c3d4"',
      'NAME="sda1" TYPE="part" SIZE="400" FSTYPE="linux_raid_member" PARTTYPE="A19D880F-05FC-4D3B-A006-743F0F84911E"',
      'NAME="md0" TYPE="raid1" SIZE="390" FSTYPE="ext4"',
      'NAME="sda2" TYPE="part" SIZE="500" FSTYPE="LVM2_member"',
      'NAME="vg-root" TYPE="lvm" SIZE="500" FSTYPE="xfs"',
    ].join("\n");
    const [d] = parseDisks(text);
    assert.deepStrictEqual([d.model, d.type, d.wwn, d.holders], ["QEMU HARDDISK", "hdd", "0x5000c500a1b2c3d4", []]);
    assert.deepStrictEqual(
      d.partitions.map((p) => [p.name, p.fsType, p.partType, p.holders]),
      [
        ["sda1", "linux_raid_member", "a19d880f-05fc-4d3b-a006-743f0f84911e", ["md0"]],
        ["sda2", "LVM2_member", null, ["vg-root"]],
      ],
    );
  });

  it("parses a whole inventory: by-id, signatures, md arrays, NICs, boot mode, memory", () => {
    const inv = parseInventory(inventoryOutput(), { server: "robot-321" });
    assert.deepStrictEqual(
      inv.disks.map((d) => [d.name, d.type, d.byId, d.fsType, d.signatures, d.holders]),
      [
        [
          "nvme0n1",
          "nvme",
          [
            "/dev/disk/by-id/nvme-SAMSUNG_MZVLB512HAJQ-00000_S3W8NX0N811178",
            "/dev/disk/by-id/nvme-eui.0025388801b4dff2",
          ],
          null,
          [],
          [],
        ],
        ["nvme1n1", "nvme", ["/dev/disk/by-id/nvme-eui.0025388801b4dff3"], null, ["gpt", "PMBR"], []],
        [
          "sda",
          "hdd",
          ["/dev/disk/by-id/ata-HGST_HUS726T4TALA6L4_V6GXYZ1A", "/dev/disk/by-id/wwn-0x5000cca097c1d2e3"],
          "linux_raid_member",
          [],
          [],
        ],
        ["sdb", "hdd", ["/dev/disk/by-id/wwn-0x5000cca097c1d2e4"], "ceph_bluestore", ["ceph_bluestore"], []],
      ],
    );
    assert.deepStrictEqual(inv.disks[1].partitions[0], {
      name: "nvme1n1p1",
      path: "/dev/nvme1n1p1",
      sizeBytes: 268435456,
      partType: "c12a7328-f81f-11d2-ba4b-00a0c93ec93b",
      partLabel: "EFI System Partition",
      fsType: "vfat",
      signatures: ["vfat"],
      holders: [],
    });
    assert.deepStrictEqual(inv.mdArrays, [
      { name: "md0", state: "active", level: "raid1", members: ["sda", "nvme1n1p2"] },
    ]);
    assert.deepStrictEqual(inv.nics, [
      {
        name: "eth0",
        mac: "a8:a1:59:94:19:42",
        isDefaultRoute: true,
        ipv4: "23.88.6.239",
        prefix: 26,
        gateway: "23.88.6.193",
        ipv6: ["2a01:4f8:272:3e0f::2/64"],
      },
      { name: "eth1", mac: "a8:a1:59:94:19:43", isDefaultRoute: false },
    ]);
    assert.deepStrictEqual(
      [inv.bootMode, inv.smbiosUuid, inv.hostname, inv.memoryBytes],
      ["uefi", "4c4c4544-0042-3010-8051-b4c04f4d3332", "rescue", 67346464768],
    );
  });

  it("refuses a truncated or unparseable inventory, naming the server", () => {
    assert.throws(() => parseInventory(inventoryOutput({ end: false }), { server: "robot-321" }), {
      name: "InventoryError",
      message:
        "[robot-321] inventory output is incomplete (sections: lsblk,by-id,smbios,boot,addr,route,signatures,mdstat,meminfo,hostname; lsblk and end are required)",
    });
    assert.throws(
      () => parseInventory(inventoryOutput({ lsblk: "{not json" }), { server: "robot-321" }),
      (e: Error) => e.name === "InventoryError" && e.message.startsWith("[robot-321] cannot parse lsblk output: "),
    );
  });

  it("refuses an SMBIOS UUID with an all-zero tail or all zeros, advising a Hetzner ticket", () => {
    assert.throws(
      () => parseInventory(inventoryOutput({ uuid: "4C4C4544-0042-3010-8051-000000000000" }), { server: "robot-321" }),
      {
        name: "InventoryError",
        message:
          "[robot-321] SMBIOS system UUID 4c4c4544-0042-3010-8051-000000000000 is zero in its last 12 digits: the board was not initialised, so Talos node identities would collide; open a Hetzner support ticket asking them to set a unique system UUID for this server",
      },
    );
    assert.throws(
      () => checkSmbiosUuid("00000000-0000-0000-0000-000000000000", "robot-7"),
      /^InventoryError: \[robot-7\] SMBIOS system UUID 00000000-0000-0000-0000-000000000000 is all zero: /,
    );
    assert.throws(() => checkSmbiosUuid("", "robot-7"), {
      message:
        '[robot-7] dmidecode -s system-uuid printed no usable SMBIOS UUID (""); Talos needs one for its node identity',
    });
    assert.doesNotThrow(() => checkSmbiosUuid("4c4c4544-0042-3010-8051-b4c04f4d3332", "robot-7"));
    assert.strictEqual(
      parseInventory(inventoryOutput({ uuid: "00000000-0000-0000-0000-000000000000" }), {
        server: "x",
        checkSmbios: false,
      }).smbiosUuid,
      "00000000-0000-0000-0000-000000000000",
    );
  });

  it("parses CAPH nic-info pairs and inactive md arrays with spare markers", () => {
    assert.deepStrictEqual(parseNicInfoPairs(fixture("rescue-ssh-nic-info.caph.txt")), [
      {
        name: "eth0",
        mac: "a8:a1:59:94:19:42",
        isDefaultRoute: false,
        ipv4: "23.88.6.239",
        prefix: 26,
        ipv6: ["2a01:4f8:272:3e0f::2/64"],
      },
    ]);
    assert.deepStrictEqual(
      parseMdstat(
        "md127 : inactive sdb[1](S) sdc[0](S)\n      1000 blocks\nmd1 : active (auto-read-only) raid1 sda2[0] sdb2[1](F)\n",
      ),
      [
        { name: "md127", state: "inactive", members: ["sdb", "sdc"] },
        { name: "md1", state: "active", level: "raid1", members: ["sda2", "sdb2"] },
      ],
    );
  });

  it("the script runs in real bash and its output parses (fake lsblk/dmidecode/ip/find/hostname on PATH)", () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "inv-"));
    const tool = (name: string, body: string) =>
      fs.writeFileSync(path.join(bin, name), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
    fs.writeFileSync(path.join(bin, "lsblk.json"), LSBLK_JSON);
    tool(
      "lsblk",
      `[ "$*" = "-J -b -o NAME,KNAME,PATH,TYPE,SIZE,MODEL,SERIAL,WWN,ROTA,TRAN,FSTYPE,PARTTYPE,PARTLABEL" ] && cat ${bin}/lsblk.json`,
    );
    tool("dmidecode", `[ "$*" = "-s system-uuid" ] && echo 4C4C4544-0042-3010-8051-B4C04F4D3332`);
    tool("ip", `case "$*" in "-j addr") echo '${IP_ADDR}';; "-j route") echo '${IP_ROUTE}';; *) exit 1;; esac`);
    tool("find", `echo 'wwn-0x5000cca097c1d2e3 ../../sda'`);
    tool("hostname", "echo rescue");
    try {
      const out = execFileSync("bash", ["-c", `set -euo pipefail; ${inventoryScript()}`], {
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
      }).toString();
      const inv = parseInventory(out, { server: "robot-1" });
      assert.deepStrictEqual(
        [inv.disks.length, inv.disks[2].byId, inv.smbiosUuid, inv.hostname, inv.nics[0].gateway],
        [
          4,
          ["/dev/disk/by-id/wwn-0x5000cca097c1d2e3"],
          "4c4c4544-0042-3010-8051-b4c04f4d3332",
          "rescue",
          "23.88.6.193",
        ],
      );
      assert.strictEqual(inv.bootMode, fs.existsSync("/sys/firmware/efi") ? "uefi" : "bios");
      const mem = /^MemTotal:\s+(\d+) kB/m.exec(fs.readFileSync("/proc/meminfo", "utf8"));
      assert.strictEqual(inv.memoryBytes, Number(mem?.[1]) * 1024);
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });
});
