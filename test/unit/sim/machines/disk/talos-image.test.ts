/**
 * Synthetic Talos images: GPT validity (checked by sgdisk as an independent reader), manifest
 * verification, what counts as damage, and the STATE config blob.
 * Does not prove: that the images resemble real Talos images beyond partition names/types, or
 * anything about booting (see test/integration/machine-boot.test.ts).
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { withFileDevice } from "../../../../../provider/sim/machines/disk/device";
import { PART_TYPE } from "../../../../../provider/sim/machines/disk/gpt";
import { inspectDisk, isIntactTalos } from "../../../../../provider/sim/machines/disk/inspect";
import { readStateConfig, writeStateFile } from "../../../../../provider/sim/machines/disk/state";
import { TALOS_IMAGE_BYTES, buildTalosImage } from "../../../../../provider/sim/machines/disk/talos-image";
import { skipOrFail, toolMissing } from "../../../../../provider/sim/testing/machine";
import { ServedImage } from "../../../../../provider/sim/types";

const ID: ServedImage = {
  version: "v1.13.9",
  arch: "amd64",
  platform: "metal",
  schematic: "376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba",
};

describe("synthetic Talos image", () => {
  let dir: string;
  let img: Buffer;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "disk-image-test-"));
    img = buildTalosImage(ID);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, data: Buffer, size?: number) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, data);
    if (size) fs.truncateSync(f, size);
    return f;
  };

  it("is small, fast to build and deterministic", () => {
    const t0 = Date.now();
    const again = buildTalosImage(ID);
    assert.ok(Date.now() - t0 < 1000, `build took ${Date.now() - t0} ms`);
    assert.strictEqual(img.length, 30 * 1024 * 1024);
    assert.strictEqual(TALOS_IMAGE_BYTES, img.length);
    assert.ok(again.equals(img));
  });

  it("has Talos's partitions, and inspectDisk verifies it against its manifest", () => {
    const i = inspectDisk(img);
    assert.deepStrictEqual(
      i.gpt.partitions.map((p) => [p.number, p.name, p.typeGuid]),
      [
        [1, "EFI", PART_TYPE.efi],
        [2, "BIOS", PART_TYPE.bios],
        [3, "BOOT", PART_TYPE.linux],
        [4, "META", PART_TYPE.linux],
        [5, "STATE", PART_TYPE.linux],
      ],
    );
    assert.ok(isIntactTalos(i));
    const { version, arch, platform, schematic, format } = i.talos!.manifest!;
    assert.deepStrictEqual({ version, arch, platform, schematic, format }, { ...ID, format: "talos-sim-image/1" });
    assert.match(i.talos!.key!, /^[0-9a-f]{64}$/);
  });

  it("differs per version, platform and schematic", () => {
    const keys = [
      ID,
      { ...ID, version: "v1.12.4" },
      { ...ID, platform: "hcloud" as const },
      { ...ID, schematic: "9".repeat(64) },
    ].map((id) => inspectDisk(buildTalosImage(id)).talos!.key);
    assert.strictEqual(new Set(keys).size, 4);
  });

  it("passes sgdisk's verification and lists the partition names", function () {
    const missing = toolMissing("sgdisk", "gdisk");
    if (missing) return skipOrFail(this, missing);
    const f = file("talos.raw", img);
    assert.match(execFileSync("sgdisk", ["-v", f]).toString(), /No problems found/);
    const table = execFileSync("sgdisk", ["-p", f]).toString();
    assert.deepStrictEqual(
      [...table.matchAll(/^\s+\d+\s+\d+\s+\d+\s+\S+ \S+\s+(\S+)\s+(\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`),
      ["EF00 EFI", "EF02 BIOS", "8300 BOOT", "8300 META", "8300 STATE"],
    );
  });

  it("stays intact when written to the start of a larger disk (backup GPT found through the primary header)", () => {
    assert.deepStrictEqual(inspectDisk(file("big.img", img, 256 * 1024 * 1024)).talos!.problems, []);
  });

  it("reports a truncated download, a damaged partition and a damaged header", () => {
    assert.deepStrictEqual(inspectDisk(img.subarray(0, 20 * 1024 * 1024)).talos!.problems, [
      "backup GPT header missing at LBA 61439",
    ]);
    const boot = Buffer.from(img);
    boot[(20480 + 200) * 512] ^= 0xff;
    assert.deepStrictEqual(inspectDisk(boot).talos!.problems, ["BOOT content does not match the image manifest"]);
    const hdr = Buffer.from(img);
    hdr[512 + 40] ^= 0x01;
    assert.deepStrictEqual(inspectDisk(hdr).talos!.problems, ["primary GPT header CRC mismatch"]);
  });

  it("stores, reads and wipes the machine config on STATE", () => {
    const f = file("state.img", img, 64 * 1024 * 1024);
    const read = () => withFileDevice(f, false, (d) => readStateConfig(d, inspectDisk(f).talos!.state!));
    assert.strictEqual(read(), null);
    writeStateFile(f, "version: v1alpha1\nmachine:\n    type: worker\n");
    assert.strictEqual(read(), "version: v1alpha1\nmachine:\n    type: worker\n");
    assert.ok(isIntactTalos(inspectDisk(f)), "STATE is not part of the immutable content");
    writeStateFile(f, null);
    assert.strictEqual(read(), null);
    assert.throws(() => writeStateFile(f, "x".repeat(7 * 1024 * 1024)), {
      message: "machine config of 7340032 bytes does not fit the 6291456-byte STATE partition",
    });
  });

  it("loses the config when the blob is damaged", () => {
    const f = file("damaged.img", img);
    writeStateFile(f, "version: v1alpha1\n");
    const at = inspectDisk(f).talos!.state!.firstLba * 512 + 44;
    withFileDevice(f, true, (d) => d.write(at, Buffer.from("X")));
    assert.strictEqual(
      withFileDevice(f, false, (d) => readStateConfig(d, inspectDisk(f).talos!.state!)),
      null,
    );
  });
});
