/**
 * Disk seeds (what a previous owner left on a disk) as util-linux and mdadm see them, and the
 * firmware's choice of boot disk over combinations of seeds.
 * Does not prove: that the ESP or ext4 root contain files (only their superblocks exist), or that
 * mdadm could assemble the md member.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { withFileDevice } from "../../../../../provider/sim/machines/disk/device";
import { firmwareBootDisk } from "../../../../../provider/sim/machines/disk/firmware";
import { inspectDisk } from "../../../../../provider/sim/machines/disk/inspect";
import { SeedTarget, writeSeed } from "../../../../../provider/sim/machines/disk/seeds";
import { readStateConfig } from "../../../../../provider/sim/machines/disk/state";
import { skipOrFail, toolMissing } from "../../../../../provider/sim/testing/machine";
import { DiskSeed, DiskSpec, MachineSpec, ServedImage } from "../../../../../provider/sim/types";

const MiB = 1024 * 1024;
const TALOS: DiskSeed = { talos: { version: "v1.12.4", arch: "amd64", platform: "metal", configured: false } };

describe("disk seeds", () => {
  let dir: string;
  const registered = new Map<string, ServedImage>();
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "disk-seeds-test-"))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function seeded(name: string, seed: DiskSeed, sizeBytes = 256 * MiB): Promise<string> {
    const file = path.join(dir, `${name}.img`);
    fs.writeFileSync(file, "");
    fs.truncateSync(file, sizeBytes);
    const disk: DiskSpec = {
      name: "sda",
      model: "SAMSUNG MZ7LH480",
      serial: name,
      wwn: null,
      sizeBytes,
      rotational: false,
      transport: "sata",
      seed,
    };
    const machine = {
      id: "robot-7",
      ipv4: "127.10.0.7",
      ipv6Net: "2a01:4f8:10a:1f2d::/64",
      disks: [disk],
    } as MachineSpec;
    const t: SeedTarget = { file, disk, machine, registerImage: (k, img) => registered.set(k, img) };
    await writeSeed(t);
    return file;
  }
  const wipefs = (file: string) => {
    const out = execFileSync("wipefs", ["-n", "-J", file]).toString().trim();
    const sigs: { offset: string; type: string; label?: string }[] = out === "" ? [] : JSON.parse(out).signatures;
    return sigs.map((s) => `${s.offset} ${s.type}${s.label ? ` ${s.label}` : ""}`);
  };
  function needTool(ctx: Mocha.Context, tool: string, pkg: string): void {
    const missing = toolMissing(tool, pkg);
    if (missing) skipOrFail(ctx, missing);
  }

  it("old-linux-efi: wipefs sees the GPT copies and the PMBR; blkid sees FAT32 on the ESP and ext4 on the root", async function () {
    needTool(this, "wipefs", "util-linux");
    const f = await seeded("old-linux", "old-linux-efi");
    assert.deepStrictEqual(wipefs(f), ["0x200 gpt", "0xffffe00 gpt", "0x1fe PMBR"]);
    const parts = inspectDisk(f).gpt.partitions;
    assert.deepStrictEqual(
      parts.map((p) => [p.name, p.firstLba]),
      [
        ["EFI System Partition", 2048],
        ["root", 67584],
      ],
    );
    const blkid = (lba: number) => execFileSync("blkid", ["-p", "-o", "export", "-O", String(lba * 512), f]).toString();
    assert.match(blkid(2048), /^TYPE=vfat$/m);
    assert.match(blkid(2048), /^VERSION=FAT32$/m);
    assert.match(blkid(67584), /^TYPE=ext4$/m);
  });

  it("md-member: a version-1.2 superblock at 4 KiB that wipefs and mdadm recognise", async function () {
    needTool(this, "wipefs", "util-linux");
    const f = await seeded("md", "md-member");
    assert.deepStrictEqual(wipefs(f), ["0x1000 linux_raid_member rescue:0"]);
    needTool(this, "mdadm", "mdadm");
    const examine = execFileSync("mdadm", ["--examine", f]).toString();
    assert.match(examine, /Version : 1\.2/);
    assert.match(examine, /Checksum : [0-9a-f]+ - correct/);
    assert.match(examine, /Raid Level : raid1/);
  });

  it("ceph and lvm-pv: the labels wipefs recognises", async function () {
    needTool(this, "wipefs", "util-linux");
    assert.deepStrictEqual(wipefs(await seeded("ceph", "ceph")), ["0x0 ceph_bluestore"]);
    assert.deepStrictEqual(wipefs(await seeded("lvm", "lvm-pv")), ["0x218 LVM2_member"]);
    assert.deepStrictEqual(wipefs(await seeded("empty", "empty")), []);
  });

  it("a previous Talos install: registered as served, configured or not", async () => {
    const plain = await seeded("talos", TALOS, 128 * MiB);
    const found = inspectDisk(plain).talos!;
    assert.deepStrictEqual(found.problems, []);
    assert.deepStrictEqual(registered.get(found.key!), {
      version: "v1.12.4",
      arch: "amd64",
      platform: "metal",
      schematic: "376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba",
    });
    assert.strictEqual(
      withFileDevice(plain, false, (d) => readStateConfig(d, found.state!)),
      null,
    );
    const configured = await seeded("talos-cfg", { talos: { ...TALOS.talos, configured: true } }, 128 * MiB);
    const config = withFileDevice(configured, false, (d) => readStateConfig(d, inspectDisk(configured).talos!.state!));
    assert.match(config!, /^    clusterName: previous-owner$/m);
    assert.match(config!, /^        endpoint: https:\/\/127\.10\.0\.7:6443$/m);
    assert.match(config!, /^        disk: \/dev\/sda$/m);
    assert.match(
      Buffer.from(/^        crt: (\S+)$/m.exec(config!)![1], "base64").toString(),
      /^-----BEGIN CERTIFICATE-----/,
    );
  });

  it("refuses a Talos seed on a disk smaller than the image", async () => {
    await assert.rejects(seeded("tiny", TALOS, 16 * MiB), {
      message: "disk robot-7/sda: 16777216 bytes cannot hold a 31457280-byte Talos image",
    });
  });

  it("firmware: UEFI boots the first disk with an ESP, BIOS the first with boot code", async () => {
    const [old, talos, md, ceph, empty] = [
      await seeded("f-old", "old-linux-efi"),
      await seeded("f-talos", TALOS),
      await seeded("f-md", "md-member"),
      await seeded("f-ceph", "ceph"),
      await seeded("f-empty", "empty"),
    ];
    const table: [string[], "uefi" | "bios", number][] = [
      [[old, talos], "uefi", 0],
      [[talos, old], "uefi", 0],
      [[old, talos], "bios", 1],
      [[empty, md, talos], "uefi", 2],
      [[md, ceph, empty], "uefi", -1],
      [[md, ceph, old], "bios", -1],
    ];
    for (const [files, mode, want] of table) {
      assert.strictEqual(
        firmwareBootDisk(files, mode),
        want,
        `${mode} ${files.map((f) => path.basename(f)).join(",")}`,
      );
    }
  });
});
