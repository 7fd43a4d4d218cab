/**
 * The simulated rescue system offers Hetzner's tool set and nothing else of the host's: the Debian
 * tools the install needs are on PATH, host-only programs (node, jq, git, the Go toolchain under
 * /usr/local) are not found with the shell's exit 127, smartctl and nvme answer for the machine's
 * own disks, /sys shows the machine's disks and NIC, and /proc its partitions and an md driver with no
 * arrays.
 * Does not prove: the exact package list of Hetzner's current rescue image (toolset.ts names the
 * request that would settle it).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { RescueSession } from "../../../../../provider/rescue/session";
import { LoopRescue, bootLoopRescue } from "../../../../../provider/sim/machines/rescue/loop-host";
import { rescueSkipReason } from "../../../../../provider/sim/machines/rescue/support";
import { MachineSpec } from "../../../../../provider/sim/types";

const NET = `127.${200 + (process.pid % 50)}.6`;
const SPEC: MachineSpec = {
  id: "toolset-1",
  kind: "robot",
  ipv4: `${NET}.2`,
  ipv4Prefix: 26,
  gateway: `${NET}.1`,
  ipv6Net: "2a01:4f8:10a:2006::/64",
  bootMode: "uefi",
  smbiosUuid: "4C4C4544-0051-3510-8052-B4C04F4E3332",
  arch: "amd64",
  memoryBytes: 2 ** 30,
  disks: [
    {
      name: "nvme0n1",
      model: "SAMSUNG MZVL2512HCJQ-00B00",
      serial: "S675NX0T123456",
      wwn: "eui.002538b931a0b1c2",
      sizeBytes: 512110190592,
      rotational: false,
      transport: "nvme",
    },
    {
      name: "sda",
      model: "TOSHIBA MG08ACA16TE",
      serial: "X0B0A0Z1FVGG",
      wwn: "0x5000039b38d0e1f2",
      sizeBytes: 16000900661248,
      rotational: true,
      transport: "sata",
    },
  ],
  nics: [{ rescueName: "eth0", talosName: "enp9s0", mac: "a8:a1:59:0c:3d:4e" }],
};
const SMART_BANNER =
  "smartctl 7.3 2022-02-28 r5338 [x86_64-linux-6.1.0] (local build)\nCopyright (C) 2002-22, Bruce Allen, Christian Franke, www.smartmontools.org\n\n";

describe("simulated rescue system: Hetzner's tool set, not the host's", function () {
  this.timeout(60_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rescue-toolset-"));
  let rescue: LoopRescue;
  let session: RescueSession;
  const run = async (script: string) => (await session.run(script, { timeoutMs: 30_000 })).stdout;

  before(async function () {
    const reason = rescueSkipReason();
    if (reason) {
      console.log(`    skipped: ${reason}`);
      return this.skip();
    }
    rescue = await bootLoopRescue(SPEC, { authorizedKeys: [], password: "toolset-pw" }, dir);
    session = await RescueSession.connect({ host: SPEC.ipv4!, password: "toolset-pw", deadlineMs: 10_000 });
  });
  after(async () => {
    await session?.close();
    await rescue?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("has the install's tools on Debian's root PATH", async () => {
    const tools = "sgdisk wipefs blkdiscard curl zstd xz openssl sha256sum mdadm lvm efibootmgr smartctl nvme parted";
    assert.strictEqual(
      await run(`echo "$PATH"; for t in ${tools}; do command -v "$t" >/dev/null || echo "missing $t"; done`),
      "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n",
    );
  });

  it("a host-only program fails as on Hetzner: not found, exit 127", async () => {
    const e = await session.run("jq --version", { timeoutMs: 10_000 }).then(
      () => assert.fail("jq ran in the rescue system"),
      (err: Error) => err,
    );
    assert.strictEqual(
      e.message,
      `command on rescue ${SPEC.ipv4}:22 exited with code 127:\nbash: line 1: jq: command not found`,
    );
    assert.strictEqual(
      await run(
        'for t in node git gcc hcloud /usr/local/go/bin/go; do command -v "$t" || echo "no $t"; done; ls /usr/local/bin | wc -l',
      ),
      "no node\nno git\nno gcc\nno hcloud\nno /usr/local/go/bin/go\n0\n",
    );
  });

  it("smartctl and nvme answer for the machine's own disks", async () => {
    assert.deepStrictEqual(
      [await run("smartctl -i -H /dev/sda"), await run("smartctl --scan")],
      [
        SMART_BANNER +
          "=== START OF INFORMATION SECTION ===\n" +
          "Device Model:     TOSHIBA MG08ACA16TE\n" +
          "Serial Number:    X0B0A0Z1FVGG\n" +
          "LU WWN Device Id: 5 000039 b38d0e1f2\n" +
          "User Capacity:    16,000,900,661,248 bytes [16.0 TB]\n" +
          "Rotation Rate:    7200 rpm\n" +
          "SMART support is: Available - device has SMART capability.\n" +
          "SMART support is: Enabled\n\n" +
          "=== START OF SMART DATA SECTION ===\nSMART overall-health self-assessment test result: PASSED\n\n",
        "/dev/nvme0 -d nvme # /dev/nvme0, NVMe device\n/dev/sda -d scsi # /dev/sda, SCSI device\n",
      ],
    );
    const list = JSON.parse(await run("nvme list -o json")) as { Devices: Record<string, unknown>[] };
    assert.deepStrictEqual(
      list.Devices.map((d) => [d.DevicePath, d.SerialNumber, d.ModelNumber, d.PhysicalSize]),
      [["/dev/nvme0n1", "S675NX0T123456", "SAMSUNG MZVL2512HCJQ-00B00", 512110190592]],
    );
  });

  it("/sys shows the machine's own disks and network card, read-only", async () => {
    assert.strictEqual(
      await run(
        "ls /sys/block /sys/class/net; cat /sys/block/sda/device/model /sys/block/sda/queue/rotational /sys/block/nvme0n1/size /sys/class/net/eth0/address; touch /sys/block/x 2>&1 || true",
      ),
      "/sys/block:\nnvme0n1\nsda\n\n/sys/class/net:\neth0\n" +
        "TOSHIBA MG08ACA16TE\n1\n1000215216\na8:a1:59:0c:3d:4e\n" +
        "touch: cannot touch '/sys/block/x': Read-only file system\n",
    );
  });

  it("/proc shows the machine's partitions and an md driver without arrays", async () => {
    assert.strictEqual(
      await run("cat /proc/partitions /proc/mdstat; cat /proc/self/comm"),
      "major minor  #blocks  name\n\n" +
        (await run("awk 'NR > 2' /proc/partitions")) +
        "Personalities : [raid1] [raid0] [raid10] [raid6] [raid5] [raid4] \nunused devices: <none>\ncat\n",
    );
    assert.deepStrictEqual((await run("awk 'NR > 2 { print $4 }' /proc/partitions")).split("\n"), [
      "nvme0n1",
      "sda",
      "",
    ]);
  });
});
