import * as assert from "assert";
import { parseInventory } from "../../../provider/rescue/inventory";
import {
  DiskSelector,
  formatBytes,
  normalizeWwn,
  selectInstallDisk,
  stableDevicePath,
  validateDiskSelector,
} from "../../../provider/rescue/select";
import { inventoryOutput } from "./inventory-fixtures";

const inv = parseInventory(inventoryOutput(), { server: "robot-321" });
const DISKS = [
  '  - nvme0n1: 512110190592 bytes (476.9 GiB), nvme, model "SAMSUNG MZVLB512HAJQ-00000", serial "S3W8NX0N811178", wwn eui.0025388801b4dff2, by-id nvme-SAMSUNG_MZVLB512HAJQ-00000_S3W8NX0N811178, nvme-eui.0025388801b4dff2',
  '  - nvme1n1: 512110190592 bytes (476.9 GiB), nvme, model "SAMSUNG MZVLB512HAJQ-00000", serial "S3W8NX0N811179", wwn eui.0025388801b4dff3, by-id nvme-eui.0025388801b4dff3',
  '  - sda: 4000787030016 bytes (3.6 TiB), hdd, model "HGST HUS726T4TALA6L4", serial "V6GXYZ1A", wwn 0x5000cca097c1d2e3, by-id ata-HGST_HUS726T4TALA6L4_V6GXYZ1A, wwn-0x5000cca097c1d2e3',
  '  - sdb: 4000787030016 bytes (3.6 TiB), hdd, model "HGST HUS726T4TALA6L4", serial "V6GXYZ1B", wwn 0x5000cca097c1d2e4, by-id wwn-0x5000cca097c1d2e4',
].join("\n");

// Does not prove: that the WWN spellings seen on every Hetzner model are covered (SATA naa/0x and NVMe eui are).
describe("rescue/select", () => {
  it("normalises WWN spellings", () => {
    const table: [string, string][] = [
      ["0x5000CCA097C1D2E3", "5000cca097c1d2e3"],
      ["naa.5000cca097c1d2e3", "5000cca097c1d2e3"],
      ["wwn-0x5000cca097c1d2e3", "5000cca097c1d2e3"],
      ["eui.0025388801B4DFF2", "0025388801b4dff2"],
      ["/dev/disk/by-id/nvme-eui.0025388801b4dff2", "0025388801b4dff2"],
      [" 0x1 ", "1"],
    ];
    assert.deepStrictEqual(
      table.map(([w]) => [w, normalizeWwn(w)]),
      table,
    );
  });

  it("picks exactly one disk for each kind of selector", () => {
    const table: [DiskSelector, string][] = [
      [{ wwn: "naa.5000CCA097C1D2E3" }, "sda"],
      [{ wwn: "wwn-0x5000cca097c1d2e4" }, "sdb"],
      [{ wwn: "eui.0025388801b4dff3" }, "nvme1n1"],
      [{ serial: "s3w8nx0n811178" }, "nvme0n1"],
      [{ byId: "/dev/disk/by-id/nvme-SAMSUNG_MZVLB512HAJQ-00000_S3W8NX0N811178" }, "nvme0n1"],
      [{ byId: "ata-HGST_HUS726T4TALA6L4_V6GXYZ1A" }, "sda"],
      [{ model: "SAMSUNG*", serial: "S3W8NX0N811179" }, "nvme1n1"],
      [{ type: "hdd", serial: "V6GXYZ1B" }, "sdb"],
      [{ type: "nvme", maxSizeBytes: 512110190592, serial: "S3W8NX0N811178" }, "nvme0n1"],
    ];
    assert.deepStrictEqual(
      table.map(([s]) => [s, selectInstallDisk(inv, s).name]),
      table,
    );
  });

  it("lists every disk when nothing matches", () => {
    assert.throws(() => selectInstallDisk(inv, { wwn: "0x5000cca097c1d2e9" }, "robot-321"), {
      name: "DiskSelectionError",
      message: `[installDisk] {"wwn":"0x5000cca097c1d2e9"} matched no disk on robot-321; disks:\n${DISKS}`,
    });
  });

  it("lists every disk when several match", () => {
    assert.throws(() => selectInstallDisk(inv, { type: "nvme", minSizeBytes: 500e9 }, "robot-321"), {
      name: "DiskSelectionError",
      message: `[installDisk] {"type":"nvme","minSizeBytes":500000000000} matched 2 disks on robot-321 (nvme0n1, nvme1n1), add wwn or serial to pick one; disks:\n${DISKS}`,
    });
    assert.throws(
      () => selectInstallDisk(inv, { model: "hgst*" }),
      (e: { matched: { name: string }[] }) => {
        assert.deepStrictEqual(
          e.matched.map((d) => d.name),
          ["sda", "sdb"],
        );
        return true;
      },
    );
    assert.throws(() => selectInstallDisk({ disks: [] }, { type: "ssd" }), {
      message: '[installDisk] {"type":"ssd"} matched no disk on server; disks:\n  (none)',
    });
  });

  it("validates the selector itself without an inventory", () => {
    const table: [unknown, string][] = [
      [{}, "[installDisk] must set at least one of wwn, serial, model, byId, minSizeBytes, maxSizeBytes, type"],
      [
        null,
        "[installDisk] must be an object with at least one of wwn, serial, model, byId, minSizeBytes, maxSizeBytes, type",
      ],
      [
        ["sda"],
        "[installDisk] must be an object with at least one of wwn, serial, model, byId, minSizeBytes, maxSizeBytes, type",
      ],
      [
        { name: "sda" },
        '[installDisk] unknown field "name" (known: wwn, serial, model, byId, minSizeBytes, maxSizeBytes, type)',
      ],
      [{ wwn: " " }, "[installDisk.wwn] must be a non-empty string"],
      [{ minSizeBytes: -1 }, "[installDisk.minSizeBytes] must be a positive integer number of bytes, got -1"],
      [{ maxSizeBytes: "1TB" }, '[installDisk.maxSizeBytes] must be a positive integer number of bytes, got "1TB"'],
      [{ type: "sd" }, '[installDisk.type] must be "nvme", "ssd" or "hdd", got "sd"'],
      [{ minSizeBytes: 10, maxSizeBytes: 5 }, "[installDisk] minSizeBytes (10) is larger than maxSizeBytes (5)"],
    ];
    for (const [sel, message] of table) assert.throws(() => validateDiskSelector(sel), { name: "InputError", message });
    assert.throws(() => validateDiskSelector({}, "nodes[2].installDisk"), {
      message: /^\[nodes\[2\]\.installDisk\] must set/,
    });
    assert.deepStrictEqual(validateDiskSelector({ wwn: "0x1", type: "ssd" }), { wwn: "0x1", type: "ssd" });
  });

  it("prefers wwn-, then nvme-eui. links as the stable device path", () => {
    assert.deepStrictEqual(inv.disks.map(stableDevicePath), [
      "/dev/disk/by-id/nvme-eui.0025388801b4dff2",
      "/dev/disk/by-id/nvme-eui.0025388801b4dff3",
      "/dev/disk/by-id/wwn-0x5000cca097c1d2e3",
      "/dev/disk/by-id/wwn-0x5000cca097c1d2e4",
    ]);
    assert.strictEqual(stableDevicePath({ ...inv.disks[0], byId: [] }), "/dev/nvme0n1");
    assert.deepStrictEqual([0, 1023, 1024, 1536, 5 * 1024 ** 3].map(formatBytes), [
      "0 B",
      "1023 B",
      "1.0 KiB",
      "1.5 KiB",
      "5.0 GiB",
    ]);
  });
});
