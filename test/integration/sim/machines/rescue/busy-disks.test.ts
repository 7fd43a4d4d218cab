/**
 * A simulated rescue system over a previous installimage with SWRAID 1 + LVM (seed raid1-lvm-swap on
 * two NVMe disks, swap in use): /proc/mdstat and /proc/swaps as the kernel prints them, the real
 * kernel's EBUSY for exclusive opens and partition-table re-reads while the arrays and swaps hold the
 * member partitions, mdadm's refusal to stop an array under an active volume group, and the library's
 * release command taking the stack down in order so the same commands then succeed.
 * Does not prove: Hetzner's own array naming and swap policy (contracts note them as unconfirmed).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { releaseDisksCommand } from "../../../../../provider/rescue/commands";
import { RescueSession } from "../../../../../provider/rescue/session";
import { writeSeed } from "../../../../../provider/sim/machines/disk/seeds";
import { LoopRescue, bootLoopRescue } from "../../../../../provider/sim/machines/rescue/loop-host";
import { rescueSkipReason } from "../../../../../provider/sim/machines/rescue/support";
import { DiskSpec, MachineSpec } from "../../../../../provider/sim/types";

const NET = `127.${200 + (process.pid % 50)}.5`;
const disk = (i: number): DiskSpec => ({
  name: `nvme${i}n1`,
  model: "SAMSUNG MZVL2512HCJQ-00B00",
  serial: `S675NX0T00000${i}`,
  wwn: `eui.002538b93100000${i}`,
  sizeBytes: 64 * 2 ** 20,
  rotational: false,
  transport: "nvme",
  seed: "raid1-lvm-swap",
});
const SPEC: MachineSpec = {
  id: "busy-1",
  kind: "robot",
  ipv4: `${NET}.2`,
  ipv4Prefix: 26,
  gateway: `${NET}.1`,
  ipv6Net: "2a01:4f8:10a:2005::/64",
  bootMode: "uefi",
  smbiosUuid: "4C4C4544-0051-3510-8052-B4C04F4E3332",
  arch: "amd64",
  memoryBytes: 2 ** 30,
  disks: [disk(0), disk(1)],
  nics: [{ rescueName: "eth0", talosName: "enp9s0", mac: "a8:a1:59:0c:3d:4e" }],
  rescueSwapOn: true,
};
const MDSTAT = [
  "Personalities : [raid1] [raid0] [raid10] [raid6] [raid5] [raid4] ",
  "md1 : active raid1 nvme1n1p2[1] nvme0n1p2[0]",
  "      46080 blocks super 1.2 [2/2] [UU]",
  "      ",
  "md0 : active raid1 nvme1n1p1[1] nvme0n1p1[0]",
  "      7168 blocks super 1.2 [2/2] [UU]",
  "      ",
  "unused devices: <none>",
  "",
].join("\n");

describe("simulated rescue system: busy disks of a previous installation", function () {
  this.timeout(60_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rescue-busy-"));
  let rescue: LoopRescue;
  let session: RescueSession;
  const run = async (script: string) => {
    const r = await session.run(`${script} 2>&1 || echo "exit $?"`, { timeoutMs: 30_000 });
    return r.stdout;
  };

  before(async function () {
    const reason = rescueSkipReason();
    if (reason) {
      console.log(`    skipped: ${reason}`);
      return this.skip();
    }
    for (const [i, d] of SPEC.disks.entries()) {
      const file = path.join(dir, `${SPEC.id}-disk${i}.img`);
      fs.writeFileSync(file, "");
      fs.truncateSync(file, d.sizeBytes);
      await writeSeed({ file, disk: d, machine: SPEC, registerImage: () => undefined });
    }
    rescue = await bootLoopRescue(SPEC, { authorizedKeys: [], password: "busy-pw" }, dir);
    session = await RescueSession.connect({ host: SPEC.ipv4!, password: "busy-pw", deadlineMs: 10_000 });
  });
  after(async () => {
    await session?.close();
    await rescue?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("assembles both arrays, activates vg0 on md1 and has the swaps in use, as /proc and lsblk show", async () => {
    assert.strictEqual(await run("cat /proc/mdstat"), MDSTAT);
    assert.strictEqual(
      await run("cat /proc/swaps"),
      "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n" +
        `${"/dev/nvme0n1p3".padEnd(40)}partition\t8188\t\t0\t\t-2\n` +
        `${"/dev/nvme1n1p3".padEnd(40)}partition\t8188\t\t0\t\t-3\n`,
    );
    // Trailing blanks of an empty last column are the table renderer's business, not this test's.
    const lsblk = await run("lsblk -lnpo KNAME,TYPE,NAME,MOUNTPOINT /dev/nvme0n1");
    assert.strictEqual(
      lsblk.replace(/ +$/gm, ""),
      [
        "/dev/nvme0n1   disk  /dev/nvme0n1",
        "/dev/nvme0n1p1 part  /dev/nvme0n1p1",
        "/dev/md0       raid1 /dev/md0",
        "/dev/nvme0n1p2 part  /dev/nvme0n1p2",
        "/dev/md1       raid1 /dev/md1",
        "/dev/dm-0      lvm   /dev/mapper/vg0-root",
        "/dev/dm-1      lvm   /dev/mapper/vg0-data",
        "/dev/nvme0n1p3 part  /dev/nvme0n1p3       [SWAP]",
        "",
      ].join("\n"),
    );
  });

  it("the kernel refuses exclusive opens and the partition-table re-read with EBUSY; mdadm will not stop md1 under vg0", async () => {
    assert.deepStrictEqual(
      [
        await run("wipefs -a /dev/nvme0n1p2"),
        await run("mkswap /dev/nvme0n1p3"),
        await run("blockdev --rereadpt /dev/nvme0n1"),
        await run("mdadm --stop /dev/md1"),
      ],
      [
        "wipefs: error: /dev/nvme0n1p2: probing initialization failed: Device or resource busy\nexit 1\n",
        "mkswap: error: /dev/nvme0n1p3 is mounted; will not make swapspace\nexit 1\n",
        "blockdev: ioctl error on BLKRRPART: Device or resource busy\nexit 1\n",
        "mdadm: Cannot get exclusive access to /dev/md1:Perhaps a running process, mounted filesystem or active volume group?\nexit 1\n",
      ],
    );
  });

  it("the library's release command takes swap, vg0 and both arrays down for nvme0n1; then the disk is free", async () => {
    const release = await session.run(
      releaseDisksCommand(["/dev/disk/by-id/nvme-SAMSUNG_MZVL2512HCJQ-00B00_S675NX0T000000"]),
      {
        timeoutMs: 30_000,
      },
    );
    assert.deepStrictEqual(
      [release.stdout, await run("cat /proc/mdstat; cat /proc/swaps; vgs --noheadings")],
      [
        "swapoff /dev/nvme0n1p3\ndeactivating volume group vg0\nstopping /dev/md1\nstopping /dev/md0\n",
        "Personalities : [raid1] [raid0] [raid10] [raid6] [raid5] [raid4] \nunused devices: <none>\n" +
          "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n" +
          `${"/dev/nvme1n1p3".padEnd(40)}partition\t8188\t\t0\t\t-2\n`,
      ],
    );
    assert.strictEqual(
      await run("wipefs -a /dev/nvme0n1p2; blockdev --rereadpt /dev/nvme0n1 && echo reread"),
      "/dev/nvme0n1p2: 4 bytes were erased at offset 0x00001000 (linux_raid_member): fc 4e 2b a9\nreread\n",
    );
  });
});
