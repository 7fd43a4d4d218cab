import * as assert from "assert";
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import {
  installImageCommand,
  parseImageSha256,
  parsePartitionCheck,
  rereadPartitionsCommand,
  stopArraysCommand,
  wipeDiskCommand,
} from "../../../provider/rescue/commands";
import { Inventory, inventoryScript, parseInventory } from "../../../provider/rescue/inventory";
import { evaluateOtherDisks } from "../../../provider/rescue/safety";
import { selectInstallDisk } from "../../../provider/rescue/select";
import { RescueSession } from "../../../provider/rescue/session";
import { LoopRescue, bootLoopRescue } from "../../../provider/sim/machines/rescue/loop-host";
import { rescueSkipReason } from "../../../provider/sim/machines/rescue/support";
import { MachineSpec } from "../../../provider/sim/types";

const GiB = 1024 ** 3;
const SPEC: MachineSpec = {
  id: "helpers-1",
  kind: "robot",
  ipv4: "127.77.9.2",
  ipv4Prefix: 26,
  gateway: "127.77.9.1",
  ipv6Net: "2a01:4f8:10a:2009::/64",
  bootMode: "uefi",
  smbiosUuid: "4C4C4544-0051-3510-8052-B4C04F4E3339",
  arch: "amd64",
  memoryBytes: 64 * GiB,
  disks: [
    {
      name: "nvme0n1",
      model: "SAMSUNG MZVL2512HCJQ-00B00",
      serial: "S675NX0T900001",
      wwn: "eui.002538b931a0b9c1",
      sizeBytes: 2 * GiB,
      rotational: false,
      transport: "nvme",
    },
    {
      name: "sda",
      model: "TOSHIBA MG08ACA16TE",
      serial: "X0B0A0Z1FV99",
      wwn: "0x5000039b38d0e999",
      sizeBytes: 1 * GiB,
      rotational: true,
      transport: "sata",
    },
  ],
  nics: [{ rescueName: "eth0", talosName: "enp9s0", mac: "a8:a1:59:0c:3d:99" }],
};

// Does not prove: the RobotServer orchestration around these blocks (reset, reboot, Talos boot) — the resource
// tests do; this runs the pure builders' text over real SSH against loop-backed disks in the simulated rescue.
describe("rescue building blocks inside a simulated rescue system (loop devices)", function () {
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "helpers-rescue-"));
  let rescue: LoopRescue;
  let session: RescueSession;
  let server: http.Server;
  let imageUrl = "";
  let imageSha = "";
  const run = async (script: string) => (await session.run(script, { timeoutMs: 60_000 })).stdout;
  const inventory = async (): Promise<Inventory> => parseInventory(await run(inventoryScript()), { server: SPEC.id });

  before(async function () {
    const reason = rescueSkipReason();
    if (reason) {
      console.log(`    skipped: ${reason}`);
      return this.skip();
    }
    const img = path.join(dir, "metal-amd64.raw");
    fs.writeFileSync(img, "");
    fs.truncateSync(img, 64 * 1024 * 1024);
    execFileSync("sfdisk", ["-q", img], {
      input: "label: gpt\nsize=16M, type=U, name=EFI\nsize=1M, name=META\ntype=L, name=STATE\n",
    });
    imageSha = createHash("sha256").update(fs.readFileSync(img)).digest("hex");
    execFileSync("zstd", ["-q", img]);
    const body = fs.readFileSync(`${img}.zst`);
    server = http.createServer((_req, res) => res.writeHead(200, { "content-length": body.length }).end(body));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    imageUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/image/x/v1.13.9/metal-amd64.raw.zst`;
    rescue = await bootLoopRescue(SPEC, { authorizedKeys: [], password: "helpers-pw" }, dir);
    session = await RescueSession.connect({ host: SPEC.ipv4!, password: "helpers-pw", deadlineMs: 10_000 });
    // An old OS on sda (ESP + two ext4) and an old Talos STATE filesystem on the future target.
    await run(
      [
        "sgdisk -n1:0:+64M -t1:ef00 -n2:0:+128M -t2:8300 -n3:0:0 -t3:8300 /dev/sda >/dev/null",
        "sgdisk -n1:0:+16M -t1:ef00 -c1:EFI -n2:0:+1M -c2:META -n3:0:+256M -c3:STATE /dev/nvme0n1 >/dev/null",
        "partprobe /dev/sda; partprobe /dev/nvme0n1",
        "mkfs.ext4 -q /dev/sda2; mkfs.ext4 -q /dev/sda3; mkfs.ext4 -q -L STATE /dev/nvme0n1p3",
      ].join("\n"),
    );
  });
  after(async () => {
    await session?.close();
    await rescue?.stop();
    server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("inventory → select → refuse → wipe → install → reread: the old STATE is gone, the image is intact", async () => {
    const inv = await inventory();
    const target = selectInstallDisk(inv, { wwn: "eui.002538B931A0B9C1" }, SPEC.id);
    assert.deepStrictEqual(
      [target.path, target.partitions.map((p) => [p.name, p.partLabel, p.fsType])],
      [
        "/dev/nvme0n1",
        [
          ["nvme0n1p1", "EFI", null],
          ["nvme0n1p2", "META", null],
          ["nvme0n1p3", "STATE", "ext4"],
        ],
      ],
    );
    assert.throws(() => evaluateOtherDisks(inv, target, "refuse", { server: SPEC.id }), {
      name: "SafetyError",
      message:
        /^\[helpers-1\] refusing to install to nvme0n1: .*:\n {2}- sda: EFI system partition \/dev\/sda1; Linux filesystem ext4 on \/dev\/sda2, ext4 on \/dev\/sda3 that looks like an installed OS$/,
    });
    const plan = evaluateOtherDisks(inv, target, "wipe");
    assert.deepStrictEqual([plan.wipe.map((d) => d.name), plan.stopArrays], [["sda"], []]);
    await run(
      [
        stopArraysCommand(plan.stopArrays, { disks: [target.name, ...plan.wipe.map((d) => d.name)] }),
        ...[target, ...plan.wipe].map((d) => wipeDiskCommand(d, d.sizeBytes)),
      ].join("\n"),
    );
    const wiped = await inventory();
    assert.deepStrictEqual(
      wiped.disks.map((d) => [d.name, d.partitions.length, d.signatures]),
      [
        ["nvme0n1", 0, []],
        ["sda", 0, []],
      ],
    );
    assert.deepStrictEqual(evaluateOtherDisks(wiped, wiped.disks[0]), { wipe: [], stopArrays: [], problems: [] });

    const out = await run(installImageCommand({ url: imageUrl, target: target.path, expectedSha256: imageSha }));
    assert.strictEqual(parseImageSha256(out), imageSha);
    const check = parsePartitionCheck(await run(rereadPartitionsCommand(target.path)));
    assert.deepStrictEqual(
      [check.blank, check.problems, check.partitions.map((p) => p.name)],
      [false, [], ["EFI", "META", "STATE"]],
    );
    const after = await inventory();
    assert.deepStrictEqual(
      after.disks[0].partitions.map((p) => [p.partLabel, p.fsType, p.signatures]),
      [
        ["EFI", null, []],
        ["META", null, []],
        ["STATE", null, []],
      ],
    );
  });
});
