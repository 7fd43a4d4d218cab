/**
 * The simulated rescue system as a sandbox: it identifies as the Hetzner rescue system, its /dev holds
 * only the machine's disks, and nothing a rescue command does reaches host block devices, the host's
 * hostname or the host's files; loopback services stay reachable.
 * Does not prove: that every possible escape is closed (only the ones named here), nor anything about
 * a real Hetzner rescue system beyond the contract's markers.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { RescueSession } from "../../../../../provider/rescue/session";
import { LoopRescue, bootLoopRescue } from "../../../../../provider/sim/machines/rescue/loop-host";
import { rescueSkipReason } from "../../../../../provider/sim/machines/rescue/support";
import { robotServerScenario } from "../../../../../provider/sim/apis/robot/scenario";
import { MachineSpec } from "../../../../../provider/sim/types";

// Loopback addresses of this process's machines: another process running these tests at the same time gets other ones.
const NET = `127.${200 + (process.pid % 50)}.1`;

const PASSWORD = "rescue-isolation-pw";

function spec(bootMode: "uefi" | "bios", last: number): MachineSpec {
  return robotServerScenario(1, {
    machine: { id: `iso-${bootMode}`, ipv4: `${NET}.${last}`, gateway: `${NET}.1`, bootMode },
  }).machine;
}

/** The host's first real block device from /proc/partitions (name, major, minor). */
function hostDisk(): { name: string; major: string; minor: string } {
  const rows = fs
    .readFileSync("/proc/partitions", "utf8")
    .split("\n")
    .slice(2)
    .map((l) => l.trim().split(/\s+/));
  const r = rows.find((x) => x.length === 4 && !/^(loop|ram|zram)/.test(x[3])) ?? ["8", "0", "0", "sda"];
  return { name: r[3], major: r[0], minor: r[1] };
}

describe("simulated rescue system: identity and isolation", function () {
  this.timeout(60_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rescue-iso-"));
  let uefi: LoopRescue;
  let session: RescueSession;
  const run = async (script: string) => (await session.run(script, { timeoutMs: 20_000 })).stdout;

  before(async function () {
    const reason = rescueSkipReason();
    if (reason) {
      console.log(`    skipped: ${reason}`);
      return this.skip();
    }
    uefi = await bootLoopRescue(spec("uefi", 2), { authorizedKeys: [], password: PASSWORD }, dir);
    session = await RescueSession.connect({ host: `${NET}.2`, password: PASSWORD, deadlineMs: 10_000 });
  });
  after(async () => {
    await session?.close();
    await uefi?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("identifies as the Hetzner rescue system on a UEFI machine and leaves the host's hostname alone", async () => {
    const before = os.hostname();
    assert.strictEqual(
      await run(
        "hostname; grep -c 'Welcome to the Hetzner Rescue System.' /etc/motd; test -f /etc/hetzner-build && echo build; test -d /sys/firmware/efi && echo efi",
      ),
      "rescue\n1\nbuild\nefi\n",
    );
    await session.verifyRescue();
    assert.strictEqual(os.hostname(), before);
    assert.strictEqual(fs.readFileSync("/proc/sys/kernel/hostname", "utf8").trim(), before);
  });

  it("has no /sys/firmware/efi on a BIOS machine", async () => {
    const bios = await bootLoopRescue(spec("bios", 3), { authorizedKeys: [], password: PASSWORD }, dir);
    try {
      const s = await RescueSession.connect({ host: `${NET}.3`, password: PASSWORD, deadlineMs: 10_000 });
      assert.strictEqual(
        (await s.run("ls -A /sys/firmware; test -d /sys/firmware/efi || echo no-efi", { timeoutMs: 10_000 })).stdout,
        "no-efi\n",
      );
      await s.close();
    } finally {
      await bios.stop();
    }
  });

  it("shows only the standard character devices and the machine's disks in /dev", async () => {
    assert.strictEqual(
      await run("ls /dev | tr '\\n' ' '"),
      "disk fd full null nvme0n1 nvme1n1 random stderr stdin stdout tty urandom zero ",
    );
    const ids = robotServerScenario(1)
      .machine.disks.flatMap((d) => [`nvme-${d.model.replace(/ /g, "_")}_${d.serial}`, `nvme-${d.wwn}`])
      .sort();
    assert.strictEqual(await run("ls /dev/disk/by-id | tr '\\n' ' '"), ids.join(" ") + " ");
    assert.strictEqual(
      await run("stat -c '%F %t:%T' /dev/nvme0n1"),
      `block special file 7:${await loopMinorHex(uefi, 0)}\n`,
    );
  });

  it("cannot open, create or mount a node for a host block device", async () => {
    const host = hostDisk();
    // The host's disk may share a name with a machine disk (nvme0n1 on NVMe CI hosts): then that name is the machine's.
    const clash = ["nvme0n1", "nvme1n1"].includes(host.name);
    const out = await run(
      [
        clash ? "true" : `cat /dev/${host.name} 2>&1 || echo "rc=$?"`,
        `head -c1 /dev/loop0 2>&1 || echo "rc=$?"`,
        `ls /dev/loop* 2>&1 || echo "rc=$?"`,
        `mknod /tmp/hostdisk b ${host.major} ${host.minor} 2>&1 || echo "rc=$?"`,
        `mount -t devtmpfs devtmpfs /mnt 2>&1 || echo "rc=$?"`,
        `ls -A /mnt`,
        `find / \\( -path /proc -o -path /sys \\) -prune -o -type b -print 2>/dev/null | sort | xargs stat -c '%n %t:%T'`,
        `cat /proc/1/comm`,
      ].join("; "),
    );
    assert.strictEqual(
      out,
      (clash ? "" : `cat: /dev/${host.name}: No such file or directory\nrc=1\n`) +
        "head: cannot open '/dev/loop0' for reading: No such file or directory\nrc=1\n" +
        "ls: cannot access '/dev/loop*': No such file or directory\nrc=2\n" +
        "mknod: /tmp/hostdisk: Operation not permitted\nrc=1\n" +
        "mount: /mnt: permission denied.\n       dmesg(1) may have more information after failed mount system call.\nrc=32\n" +
        `/dev/nvme0n1 7:${await loopMinorHex(uefi, 0)}\n/dev/nvme1n1 7:${await loopMinorHex(uefi, 1)}\n` +
        "bash\n",
    );
  });

  it("keeps every write inside the rescue's RAM disk and hides the host's /tmp", async () => {
    const hostFile = path.join(os.tmpdir(), `rescue-iso-host-${process.pid}`);
    fs.writeFileSync(hostFile, "host");
    try {
      const marker = `/usr/local/rescue-marker-${process.pid}`;
      assert.strictEqual(
        await run(`echo x > ${marker}; echo y > /etc/rescue-marker; cat ${marker}; ls -A /tmp | wc -l`),
        "x\n0\n",
      );
      assert.strictEqual(fs.existsSync(marker), false);
      assert.strictEqual(fs.existsSync("/etc/rescue-marker"), false);
    } finally {
      fs.rmSync(hostFile, { force: true });
    }
  });

  it("reaches HTTP services on the host's loopback (the image factory lives there)", async () => {
    const server = http.createServer((_req, res) => res.end("factory says hi\n"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as { port: number }).port;
      assert.strictEqual(
        await run(`curl -fsS http://127.0.0.1:${port}/; wget -qO- http://127.0.0.1:${port}/`),
        "factory says hi\nfactory says hi\n",
      );
    } finally {
      server.close();
    }
  });
});

async function loopMinorHex(r: LoopRescue, disk: number): Promise<string> {
  const dev = (await r.host.attachLoopDevices())[disk].loopDevice;
  return Number(
    fs
      .readFileSync(`/sys/block/${path.basename(dev)}/dev`, "utf8")
      .trim()
      .split(":")[1],
  ).toString(16);
}
