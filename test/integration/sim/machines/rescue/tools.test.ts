/**
 * The rescue system's inventory commands answer in the real tools' formats for a known machine:
 * lsblk JSON (talos-manager's columns) and pairs (CAPH's columns), partitions appearing only after
 * the table is re-read, dmidecode, ip -j addr/route; and the library's inventory parser reads it all.
 * Does not prove: byte-exact human (table) layouts for every column set, nor formats of other
 * util-linux/iproute2 versions than bookworm's (2.38 / 6.1).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseInventory, inventoryScript } from "../../../../../provider/rescue/inventory";
import { RescueSession } from "../../../../../provider/rescue/session";
import { LoopRescue, bootLoopRescue } from "../../../../../provider/sim/machines/rescue/loop-host";
import { rescueSkipReason } from "../../../../../provider/sim/machines/rescue/support";
import { MachineSpec } from "../../../../../provider/sim/types";

// Loopback addresses of this process's machines: another process running these tests at the same time gets other ones.
const NET = `127.${200 + (process.pid % 50)}.2`;

const SPEC: MachineSpec = {
  id: "tools-1",
  kind: "robot",
  ipv4: `${NET}.2`,
  ipv4Prefix: 26,
  gateway: `${NET}.1`,
  ipv6Net: "2a01:4f8:10a:2002::/64",
  bootMode: "uefi",
  smbiosUuid: "4C4C4544-0051-3510-8052-B4C04F4E3332",
  arch: "amd64",
  memoryBytes: 64 * 2 ** 30,
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
  nics: [
    { rescueName: "eth0", talosName: "enp9s0", mac: "A8:A1:59:0C:3D:4E" },
    { rescueName: "eth1", talosName: "enp10s0", mac: "a8:a1:59:0c:3d:4f" },
  ],
};

describe("simulated rescue system: inventory tools", function () {
  this.timeout(60_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rescue-tools-"));
  let rescue: LoopRescue;
  let session: RescueSession;
  const run = async (script: string) => (await session.run(script, { timeoutMs: 30_000 })).stdout;

  before(async function () {
    const reason = rescueSkipReason();
    if (reason) {
      console.log(`    skipped: ${reason}`);
      return this.skip();
    }
    rescue = await bootLoopRescue(SPEC, { authorizedKeys: [], password: "tools-pw" }, dir);
    session = await RescueSession.connect({ host: SPEC.ipv4!, password: "tools-pw", deadlineMs: 10_000 });
  });
  after(async () => {
    await session?.close();
    await rescue?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("lsblk --json with talos-manager's columns, as util-linux 2.38 prints it", async () => {
    assert.strictEqual(
      await run("lsblk --output NAME,TYPE,SIZE,UUID,MODEL,WWN --bytes --json"),
      `{
   "blockdevices": [
      {
         "name": "nvme0n1",
         "type": "disk",
         "size": 512110190592,
         "uuid": null,
         "model": "SAMSUNG MZVL2512HCJQ-00B00",
         "wwn": "eui.002538b931a0b1c2"
      },{
         "name": "sda",
         "type": "disk",
         "size": 16000900661248,
         "uuid": null,
         "model": "TOSHIBA MG08ACA16TE",
         "wwn": "0x5000039b38d0e1f2"
      }
   ]
}
`,
    );
  });

  it("lsblk -P with CAPH's columns, and the human-readable table", async () => {
    assert.strictEqual(
      await run("lsblk -b -P -o NAME,TYPE,SIZE,VENDOR,MODEL,SERIAL,WWN,HCTL,ROTA"),
      'NAME="nvme0n1" TYPE="disk" SIZE="512110190592" VENDOR="" MODEL="SAMSUNG MZVL2512HCJQ-00B00" SERIAL="S675NX0T123456" WWN="eui.002538b931a0b1c2" HCTL="" ROTA="0"\n' +
        'NAME="sda" TYPE="disk" SIZE="16000900661248" VENDOR="ATA     " MODEL="TOSHIBA MG08ACA16TE" SERIAL="X0B0A0Z1FVGG" WWN="0x5000039b38d0e1f2" HCTL="1:0:0:0" ROTA="1"\n',
    );
    const loops = await rescue.host.attachLoopDevices();
    const minor = (i: number) =>
      fs
        .readFileSync(`/sys/block/${path.basename(loops[i].loopDevice)}/dev`, "utf8")
        .trim()
        .split(":")[1];
    assert.strictEqual(
      await run("lsblk"),
      "NAME    MAJ:MIN RM   SIZE RO TYPE MOUNTPOINTS\n" +
        `nvme0n1   7:${minor(0).padEnd(3)}  0 476.9G  0 disk \n` +
        `sda       7:${minor(1).padEnd(3)}  0  14.6T  0 disk \n`,
    );
  });

  it("shows partitions written with sgdisk only after the table is re-read (partprobe)", async () => {
    const cols = "lsblk -J -b -o NAME,TYPE,SIZE,PARTTYPE,PARTLABEL,TRAN /dev/nvme0n1";
    const before = await run(
      `sgdisk -n1:0:+100M -t1:ef00 -c1:EFI -n2:0:+200M -t2:8300 -c2:STATE /dev/nvme0n1 >/dev/null; ${cols}`,
    );
    assert.strictEqual(JSON.parse(before).blockdevices[0].children, undefined);
    const after = await run(
      `partprobe /dev/nvme0n1; ${cols}; ls /dev | grep nvme0n1; readlink /dev/disk/by-id/nvme-eui.002538b931a0b1c2-part2`,
    );
    const part = (name: string, size: number, type: string, label: string) =>
      `            {\n               "name": "${name}",\n               "type": "part",\n               "size": ${size},\n               "parttype": "${type}",\n               "partlabel": "${label}",\n               "tran": "nvme"\n            }`;
    assert.strictEqual(
      after,
      `{\n   "blockdevices": [\n      {\n         "name": "nvme0n1",\n         "type": "disk",\n         "size": 512110190592,\n         "parttype": null,\n         "partlabel": null,\n         "tran": "nvme",\n         "children": [\n` +
        part("nvme0n1p1", 104857600, "c12a7328-f81f-11d2-ba4b-00a0c93ec93b", "EFI") +
        "," +
        part("nvme0n1p2", 209715200, "0fc63daf-8483-4772-8e79-3d69d8477de4", "STATE").trimStart() +
        "\n         ]\n      }\n   ]\n}\nnvme0n1\nnvme0n1p1\nnvme0n1p2\n../../nvme0n1p2\n",
    );
    assert.strictEqual(
      await run("wipefs -a /dev/nvme0n1 >/dev/null; blockdev --rereadpt /dev/nvme0n1; ls /dev | grep -c nvme0n1"),
      "1\n",
    );
  });

  it("runs the real disk tools (zstd, dd, sgdisk, wipefs, blkdiscard, mdadm, sync) on the machine's disks", async () => {
    const out = await run(
      [
        `printf 'hello disk' | zstd -q | zstd -dq | dd of=/dev/sda bs=512 conv=fsync status=none`,
        "head -c 10 /dev/sda; echo",
        "sgdisk -n1:0:+1M /dev/sda >/dev/null",
        "wipefs -a /dev/sda | grep erased",
        "blkdiscard -f /dev/sda 2>/dev/null",
        "head -c 4 /dev/sda | od -An -tx1",
        `mdadm --examine /dev/sda 2>&1 || echo "rc=$?"`,
        "sync && echo synced",
      ].join("; "),
    );
    assert.strictEqual(
      out,
      "hello disk\n" +
        "/dev/sda: 8 bytes were erased at offset 0x00000200 (gpt): 45 46 49 20 50 41 52 54\n" +
        "/dev/sda: 8 bytes were erased at offset 0xe8d7ffffe00 (gpt): 45 46 49 20 50 41 52 54\n" +
        "/dev/sda: 2 bytes were erased at offset 0x000001fe (PMBR): 55 aa\n" +
        " 00 00 00 00\nmdadm: No md superblock detected on /dev/sda.\nrc=1\nsynced\n",
    );
  });

  it("answers through the absolute paths scripts use, not only through PATH", async () => {
    assert.strictEqual(
      await run(
        "/usr/bin/lsblk -dn -o NAME; /bin/lsblk -dn -o NAME | head -1; /usr/sbin/dmidecode -s system-uuid; /sbin/ip -br link | head -1; /usr/sbin/ip -4 route show default; command -v lsblk",
      ),
      "nvme0n1\nsda\nnvme0n1\n4c4c4544-0051-3510-8052-b4c04f4e3332\nlo               UNKNOWN        00:00:00:00:00:00 <LOOPBACK,UP,LOWER_UP> \n" +
        `default via ${NET}.1 dev eth0 \n/usr/bin/lsblk\n`,
    );
  });

  it("dmidecode reports the machine's SMBIOS strings", async () => {
    assert.strictEqual(
      await run("dmidecode -s system-uuid; dmidecode -s system-serial-number"),
      "4c4c4544-0051-3510-8052-b4c04f4e3332\n1\n",
    );
    assert.strictEqual(
      await run("dmidecode -t system"),
      "# dmidecode 3.4\nGetting SMBIOS data from sysfs.\nSMBIOS 3.2.0 present.\n\nHandle 0x0001, DMI type 1, 27 bytes\nSystem Information\n" +
        "\tManufacturer: Hetzner Online GmbH\n\tProduct Name: Dedicated Server\n\tVersion: 1.0\n\tSerial Number: 1\n" +
        "\tUUID: 4c4c4544-0051-3510-8052-b4c04f4e3332\n\tWake-up Type: Power Switch\n\tSKU Number: Not Specified\n\tFamily: Server\n\n",
    );
  });

  it("ip -j addr / route report the NIC with its DHCP /26, gateway and the rescue's ::2", async () => {
    const life = '"valid_life_time":4294967295,"preferred_life_time":4294967295';
    const lo = `{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"qdisc":"noqueue","operstate":"UNKNOWN","group":"default","txqlen":1000,"link_type":"loopback","address":"00:00:00:00:00:00","broadcast":"00:00:00:00:00:00","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host","label":"lo",${life}},{"family":"inet6","local":"::1","prefixlen":128,"scope":"host",${life}}]}`;
    const eth0 = `{"ifindex":2,"ifname":"eth0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"qdisc":"mq","operstate":"UP","group":"default","txqlen":1000,"link_type":"ether","address":"a8:a1:59:0c:3d:4e","broadcast":"ff:ff:ff:ff:ff:ff","addr_info":[{"family":"inet","local":"${NET}.2","prefixlen":26,"broadcast":"${NET}.63","scope":"global","label":"eth0",${life}},{"family":"inet6","local":"2a01:4f8:10a:2002::2","prefixlen":64,"scope":"global",${life}},{"family":"inet6","local":"fe80::aaa1:59ff:fe0c:3d4e","prefixlen":64,"scope":"link",${life}}]}`;
    const eth1 = `{"ifindex":3,"ifname":"eth1","flags":["BROADCAST","MULTICAST"],"mtu":1500,"qdisc":"noop","operstate":"DOWN","group":"default","txqlen":1000,"link_type":"ether","address":"a8:a1:59:0c:3d:4f","broadcast":"ff:ff:ff:ff:ff:ff","addr_info":[]}`;
    assert.strictEqual(await run("ip -j addr"), `[${lo},${eth0},${eth1}]\n`);
    assert.strictEqual(
      await run("ip -j route"),
      `[{"dst":"default","gateway":"${NET}.1","dev":"eth0","flags":[]},{"dst":"${NET}.0/26","dev":"eth0","protocol":"kernel","scope":"link","prefsrc":"${NET}.2","flags":[]}]\n`,
    );
    assert.strictEqual(
      await run("ip -6 route; ip route"),
      "2a01:4f8:10a:2002::/64 dev eth0 proto kernel metric 256 pref medium\nfe80::/64 dev eth0 proto kernel metric 256 pref medium\ndefault via fe80::1 dev eth0 metric 1024 pref medium\n" +
        `default via ${NET}.1 dev eth0 \n${NET}.0/26 dev eth0 proto kernel scope link src ${NET}.2 \n`,
    );
    assert.strictEqual(
      await run("ip addr add 10.0.0.1/24 dev eth0 2>&1 || echo rc=$?"),
      "RTNETLINK answers: Operation not permitted\nrc=2\n",
    );
  });

  it("is read correctly by the library's inventory script and parser", async () => {
    const inv = parseInventory(await run(inventoryScript()), { server: "tools-1" });
    assert.deepStrictEqual(
      inv.disks.map((d) => [d.path, d.sizeBytes, d.wwn, d.type, d.byId]),
      [
        [
          "/dev/nvme0n1",
          512110190592,
          "eui.002538b931a0b1c2",
          "nvme",
          [
            "/dev/disk/by-id/nvme-SAMSUNG_MZVL2512HCJQ-00B00_S675NX0T123456",
            "/dev/disk/by-id/nvme-eui.002538b931a0b1c2",
          ],
        ],
        [
          "/dev/sda",
          16000900661248,
          "0x5000039b38d0e1f2",
          "hdd",
          ["/dev/disk/by-id/ata-TOSHIBA_MG08ACA16TE_X0B0A0Z1FVGG", "/dev/disk/by-id/wwn-0x5000039b38d0e1f2"],
        ],
      ],
    );
    assert.deepStrictEqual(
      [inv.hostname, inv.bootMode, inv.smbiosUuid, inv.memoryBytes],
      ["rescue", "uefi", "4c4c4544-0051-3510-8052-b4c04f4e3332", 64 * 2 ** 30],
    );
    assert.deepStrictEqual(inv.nics[0], {
      name: "eth0",
      mac: "a8:a1:59:0c:3d:4e",
      ipv4: `${NET}.2`,
      prefix: 26,
      gateway: `${NET}.1`,
      ipv6: ["2a01:4f8:10a:2002::2/64"],
      isDefaultRoute: true,
    });
  });
});
