import * as assert from "assert";
import { execFileSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  ensureUefiBootOrderCommand,
  parsePartitionCheck,
  rereadPartitionsCommand,
  stopArraysCommand,
  wipeDiskCommand,
} from "../../../provider/rescue/commands";
import { runBash } from "./inventory-fixtures";

const MiB = 1024 * 1024;

// Does not prove: effects on real block devices (partition nodes, discard, md arrays, NVRAM) — files and fake
// mdadm/efibootmgr stand in here; the rescue integration tests run the same text against loop devices.
describe("rescue/commands: disk commands run by real bash", function () {
  this.timeout(60000);
  let dir: string;
  // tmpfs when available: the wipe test fsyncs 200 MiB, which is slow on a shared disk.
  before(() => {
    dir = fs.mkdtempSync(path.join(fs.existsSync("/dev/shm") ? "/dev/shm" : os.tmpdir(), "disk-cmds-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function disk(size: number): string {
    const f = path.join(dir, `d-${randomBytes(4).toString("hex")}.img`);
    fs.writeFileSync(f, "");
    fs.truncateSync(f, size);
    // sfdisk, not sgdisk: sgdisk syncs every filesystem and sleeps a second after each write.
    execFileSync("sfdisk", ["-q", f], { input: "label: gpt\nsize=8M, type=U\ntype=L, name=STATE\n" });
    return f;
  }
  function stamp(f: string, offset: number): Buffer {
    const b = randomBytes(4096);
    const fd = fs.openSync(f, "r+");
    fs.writeSync(fd, b, 0, b.length, offset);
    fs.closeSync(fd);
    return b;
  }
  function read(f: string, offset: number, len: number): Buffer {
    const b = Buffer.alloc(len);
    const fd = fs.openSync(f, "r");
    fs.readSync(fd, b, 0, len, offset);
    fs.closeSync(fd);
    return b;
  }
  const zero = (b: Buffer) => b.equals(Buffer.alloc(b.length));

  it("wipe zeroes exactly the first and last 100 MiB, keeps the middle and the size, destroys the GPT", async () => {
    const size = 300 * MiB + 4096; // not a MiB multiple: the backup GPT sits in the last sectors
    const f = disk(size);
    const middle = stamp(f, 150 * MiB);
    for (const off of [0, 100 * MiB - 4096, size - 100 * MiB, size - 4096]) stamp(f, off);
    const before = read(f, 100 * MiB, 4096);
    const r = await runBash(wipeDiskCommand(f, size));
    assert.deepStrictEqual([r.code, r.stderr], [0, ""]);
    assert.strictEqual(fs.statSync(f).size, size);
    assert.ok(zero(read(f, 0, 100 * MiB)) && zero(read(f, size - 100 * MiB, 100 * MiB)));
    assert.ok(read(f, 150 * MiB, 4096).equals(middle) && read(f, 100 * MiB, 4096).equals(before));
    assert.strictEqual(execFileSync("wipefs", ["-n", f]).toString(), "");
  });

  it("wipe clamps to small disks (one dd, whole disk zeroed)", async () => {
    const f = disk(50 * MiB);
    stamp(f, 20 * MiB);
    const cmd = wipeDiskCommand({ path: f }, 50 * MiB);
    assert.strictEqual(cmd.split("\n").filter((l) => l.startsWith("dd ")).length, 1);
    assert.strictEqual((await runBash(cmd)).code, 0);
    assert.ok(zero(fs.readFileSync(f)) && fs.statSync(f).size === 50 * MiB);
  });

  it("wipe text: partition globs follow the kernel naming rule; inputs are validated", () => {
    const first = (p: string) => wipeDiskCommand(p, 1e12).split("\n")[0];
    assert.strictEqual(
      first("/dev/nvme0n1"),
      'for p in /dev/nvme0n1p[0-9]*; do if [ -b "$p" ]; then wipefs -af "$p" >/dev/null; fi; done',
    );
    assert.strictEqual(
      first("/dev/sda"),
      'for p in /dev/sda[0-9]*; do if [ -b "$p" ]; then wipefs -af "$p" >/dev/null; fi; done',
    );
    assert.strictEqual(
      first("/dev/disk/by-id/wwn-0x5000cca097c1d2e3"),
      'for p in /dev/disk/by-id/wwn-0x5000cca097c1d2e3-part[0-9]*; do if [ -b "$p" ]; then wipefs -af "$p" >/dev/null; fi; done',
    );
    assert.throws(() => wipeDiskCommand("sda", 1), {
      name: "InputError",
      message: '[disk] must be an absolute device path, got "sda"',
    });
    assert.throws(() => wipeDiskCommand("/dev/sda", 0), {
      name: "InputError",
      message: "[sizeBytes] must be a positive integer, got 0",
    });
  });

  it("stopArrays stops named arrays and arrays on the disks found in mdstat, nothing else", async () => {
    const bin = fs.mkdtempSync(path.join(dir, "bin-"));
    const log = path.join(bin, "log");
    fs.writeFileSync(path.join(bin, "mdadm"), `#!/bin/bash\necho "$*" >> ${log}\n`, { mode: 0o755 });
    const mdstat = path.join(bin, "mdstat");
    fs.writeFileSync(
      mdstat,
      [
        "Personalities : [raid1]",
        "md0 : active raid1 sdb1[1] sdc1[0]",
        "md1 : active raid1 nvme0n1p2[0] nvme1n1p2[1]",
        "md2 : active raid1 nvme0n10[0] sdd[1]",
        "md127 : inactive sda[0](S)",
        "unused devices: <none>",
      ].join("\n"),
    );
    const cmd = stopArraysCommand(["/dev/md0", "md9"], { disks: ["/dev/nvme0n1", "sda"], mdstatPath: mdstat });
    const r = await runBash(cmd, { ...process.env, PATH: `${bin}:${process.env.PATH}` });
    assert.deepStrictEqual(
      [r.code, r.stdout, fs.readFileSync(log, "utf8")],
      [
        0,
        "stopping /dev/md0\nstopping /dev/md1\nstopping /dev/md127\n",
        "--stop /dev/md0\n--stop /dev/md1\n--stop /dev/md127\n",
      ],
    );
    assert.strictEqual(stopArraysCommand([]), "");
    assert.throws(() => stopArraysCommand(["md0;reboot"]), {
      name: "InputError",
      message: '[arrays] invalid device name "md0;reboot"',
    });
  });

  it("reread + check: a written image passes (expected backup-GPT note ignored), blank and corrupt disks do not", async () => {
    const img = disk(32 * MiB);
    const t = path.join(dir, "target.img");
    fs.writeFileSync(t, "");
    fs.truncateSync(t, 64 * MiB);
    execFileSync("dd", [`if=${img}`, `of=${t}`, "conv=notrunc", "status=none"]);
    const ok = parsePartitionCheck((await runBash(rereadPartitionsCommand(t))).stdout);
    assert.deepStrictEqual(ok, {
      blank: false,
      problems: [],
      partitions: [
        { number: 1, startSector: 2048, endSector: 18431, code: "EF00", name: "" },
        { number: 2, startSector: 18432, endSector: 63487, code: "8300", name: "STATE" },
      ],
    });
    const blank = path.join(dir, "blank.img");
    fs.writeFileSync(blank, "");
    fs.truncateSync(blank, 8 * MiB);
    assert.deepStrictEqual(parsePartitionCheck((await runBash(rereadPartitionsCommand(blank))).stdout), {
      blank: true,
      partitions: [],
      problems: [],
    });
    const zeroHeader = (f: string) =>
      execFileSync("dd", ["if=/dev/zero", `of=${f}`, "bs=512", "seek=1", "count=1", "conv=notrunc", "status=none"]);
    zeroHeader(t); // the backup GPT is mid-disk, so nothing is found any more
    assert.strictEqual(parsePartitionCheck((await runBash(rereadPartitionsCommand(t))).stdout).blank, true);
    zeroHeader(img); // the backup GPT is at the end: sgdisk recovers but reports the broken main header
    const bad = parsePartitionCheck((await runBash(rereadPartitionsCommand(img))).stdout);
    assert.deepStrictEqual(
      [bad.blank, bad.partitions.length, bad.problems],
      [
        false,
        2,
        [
          "Caution: Found protective or hybrid MBR and corrupt GPT. Using GPT, but disk verification and recovery are STRONGLY recommended.",
          "Problem: The CRC for the main partition table is invalid. This table may be corrupt. Consider loading the backup partition table ('c' on the recovery & transformation menu). This report may be a false alarm if you've already corrected other problems.",
          "Main header: ERROR",
          "Main partition table: ERROR",
        ],
      ],
    );
  });

  it("UEFI boot order: deletes stale OS loaders, keeps fallback/Talos, puts network first; no-op without EFI", async () => {
    const bin = fs.mkdtempSync(path.join(dir, "efi-"));
    const state = path.join(bin, "state");
    fs.writeFileSync(
      state,
      [
        "Boot0000* debian\tHD(1,GPT,aa)/File(\\EFI\\debian\\shimx64.efi)",
        "Boot0001* UEFI: PXE IPv4 Intel(R) I210\tPciRoot(0x0)/MAC(a8a159941942,0)/IPv4(0.0.0.0)",
        "Boot0002* UEFI OS\tHD(1,GPT,bb)/File(\\EFI\\BOOT\\BOOTX64.EFI)",
        "Boot0003* Talos Linux UKI\tHD(1,GPT,cc)/File(\\EFI\\Linux\\Talos-v1.13.9.efi)",
        "Boot0004* ubuntu\tHD(1,GPT,dd)/File(\\EFI\\ubuntu\\grubx64.efi)",
      ].join("\n") + "\n",
    );
    fs.writeFileSync(path.join(bin, "order"), "0000,0004,0002,0001,0003");
    fs.writeFileSync(
      path.join(bin, "efibootmgr"),
      [
        "#!/bin/bash",
        `S=${state}; O=${bin}/order`,
        'case "$*" in',
        '  "-v") cat "$S";;',
        '  "") echo "BootOrder: $(cat $O)"; cut -f1 "$S";;',
        '  "-q -b "*" -B") grep -v "^Boot$3" "$S" > "$S.n"; mv "$S.n" "$S"; sed -i "s/$3,\\?//; s/,$//" "$O";;',
        '  "-q -o "*) echo -n "$3" > "$O";;',
        "  *) exit 9;;",
        "esac",
      ].join("\n"),
      { mode: 0o755 },
    );
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    const none = await runBash(ensureUefiBootOrderCommand({ efiDir: path.join(bin, "missing") }), env);
    assert.deepStrictEqual(
      [none.code, none.stdout, fs.readFileSync(path.join(bin, "order"), "utf8")],
      [0, "", "0000,0004,0002,0001,0003"],
    );
    fs.mkdirSync(path.join(bin, "efi"));
    const r = await runBash(ensureUefiBootOrderCommand({ efiDir: path.join(bin, "efi") }), env);
    assert.deepStrictEqual(
      [r.code, r.stderr, r.stdout],
      [
        0,
        "",
        "deleting UEFI boot entry Boot0000\ndeleting UEFI boot entry Boot0004\nUEFI BootOrder 0002,0001,0003 -> 0001,0002,0003\n",
      ],
    );
    assert.strictEqual(fs.readFileSync(path.join(bin, "order"), "utf8"), "0001,0002,0003");
    fs.writeFileSync(
      path.join(bin, "efibootmgr"),
      "#!/bin/bash\necho 'EFI variables are not supported on this system.' >&2; exit 2\n",
    );
    const unreadable = await runBash(ensureUefiBootOrderCommand({ efiDir: path.join(bin, "efi") }), env);
    assert.deepStrictEqual([unreadable.code, unreadable.stdout], [0, ""]);
  });
});
