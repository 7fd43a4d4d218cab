/** Realistic rescue-system outputs and a bash runner shared by the inventory, selection, safety and commands tests (no tests here; named *.test.ts only because of file ownership). */
import { execFile } from "child_process";
import { strictScript } from "../../../provider/internal/shell";

const ESP = "c12a7328-f81f-11d2-ba4b-00a0c93ec93b";
const LINUX = "0fc63daf-8483-4772-8e79-3d69c72e3d47";
const RAID = "a19d880f-05fc-4d3b-a006-743f0f84911e";

interface Part {
  n: string;
  size: number;
  fs: string | null;
  type: string | null;
  label?: string | null;
  children?: unknown[];
}

function part(disk: string, p: Part): unknown {
  return {
    name: p.n,
    kname: p.n,
    path: `/dev/${p.n}`,
    type: "part",
    size: p.size,
    model: null,
    serial: null,
    wwn: null,
    rota: false,
    tran: null,
    fstype: p.fs,
    parttype: p.type,
    partlabel: p.label ?? null,
    ...(p.children ? { children: p.children } : {}),
  };
}

function disk(
  name: string,
  size: number,
  model: string,
  serial: string,
  wwn: string,
  tran: string,
  rota: boolean,
  parts: Part[],
  fs: string | null = null,
): unknown {
  return {
    name,
    kname: name,
    path: `/dev/${name}`,
    type: "disk",
    size,
    model,
    serial,
    wwn,
    rota,
    tran,
    fstype: fs,
    parttype: null,
    partlabel: null,
    ...(parts.length ? { children: parts.map((p) => part(name, p)) } : {}),
  };
}

const md0 = {
  name: "md0",
  kname: "md0",
  path: "/dev/md0",
  type: "raid1",
  size: 1071644672,
  model: null,
  serial: null,
  wwn: null,
  rota: false,
  tran: null,
  fstype: "ext3",
  parttype: null,
  partlabel: null,
};

/** lsblk -J of an AX-style box: nvme0n1 empty, nvme1n1 an old Linux (ESP + md RAID1 /boot + ext4 root), sda an HDD with a whole-disk md member of the same md0, sdb Ceph. */
export const LSBLK_JSON = JSON.stringify(
  {
    blockdevices: [
      {
        name: "loop0",
        kname: "loop0",
        path: "/dev/loop0",
        type: "loop",
        size: 3068773888,
        model: null,
        serial: null,
        wwn: null,
        rota: false,
        tran: null,
        fstype: "ext2",
        parttype: null,
        partlabel: null,
      },
      disk(
        "nvme0n1",
        512110190592,
        "SAMSUNG MZVLB512HAJQ-00000",
        "S3W8NX0N811178",
        "eui.0025388801b4dff2",
        "nvme",
        false,
        [],
      ),
      disk(
        "nvme1n1",
        512110190592,
        "SAMSUNG MZVLB512HAJQ-00000",
        "S3W8NX0N811179",
        "eui.0025388801b4dff3",
        "nvme",
        false,
        [
          { n: "nvme1n1p1", size: 268435456, fs: "vfat", type: ESP, label: "EFI System Partition" },
          { n: "nvme1n1p2", size: 1073741824, fs: "linux_raid_member", type: RAID, children: [md0] },
          { n: "nvme1n1p3", size: 510766956032, fs: "ext4", type: LINUX },
        ],
      ),
      disk(
        "sda",
        4000787030016,
        "HGST HUS726T4TALA6L4",
        "V6GXYZ1A",
        "0x5000cca097c1d2e3",
        "sata",
        true,
        [],
        "linux_raid_member",
      ),
      disk(
        "sdb",
        4000787030016,
        "HGST HUS726T4TALA6L4",
        "V6GXYZ1B",
        "0x5000cca097c1d2e4",
        "sata",
        true,
        [],
        "ceph_bluestore",
      ),
    ],
  },
  null,
  3,
);

/** `find /dev/disk/by-id -printf '%f %l\n'` for the same box. */
export const BY_ID = [
  "nvme-eui.0025388801b4dff2 ../../nvme0n1",
  "nvme-SAMSUNG_MZVLB512HAJQ-00000_S3W8NX0N811178 ../../nvme0n1",
  "nvme-eui.0025388801b4dff3 ../../nvme1n1",
  "nvme-eui.0025388801b4dff3-part1 ../../nvme1n1p1",
  "wwn-0x5000cca097c1d2e3 ../../sda",
  "ata-HGST_HUS726T4TALA6L4_V6GXYZ1A ../../sda",
  "wwn-0x5000cca097c1d2e4 ../../sdb",
].join("\n");

/** `ip -j addr` with lo and one NIC carrying the DHCP /26 and an IPv6 address. */
export const IP_ADDR = JSON.stringify([
  {
    ifindex: 1,
    ifname: "lo",
    link_type: "loopback",
    address: "00:00:00:00:00:00",
    addr_info: [{ family: "inet", local: "127.0.0.1", prefixlen: 8, scope: "host" }],
  },
  {
    ifindex: 2,
    ifname: "eth0",
    link_type: "ether",
    address: "A8:A1:59:94:19:42",
    addr_info: [
      { family: "inet", local: "23.88.6.239", prefixlen: 26, scope: "global" },
      { family: "inet6", local: "2a01:4f8:272:3e0f::2", prefixlen: 64, scope: "global" },
      { family: "inet6", local: "fe80::aaa1:59ff:fe94:1942", prefixlen: 64, scope: "link" },
    ],
  },
  { ifindex: 3, ifname: "eth1", link_type: "ether", address: "a8:a1:59:94:19:43", addr_info: [] },
]);

/** `ip -j route` for the same NIC. */
export const IP_ROUTE = JSON.stringify([
  { dst: "default", gateway: "23.88.6.193", dev: "eth0", protocol: "dhcp", flags: [] },
  { dst: "23.88.6.192/26", dev: "eth0", protocol: "kernel", scope: "link", prefsrc: "23.88.6.239", flags: [] },
]);

/** /proc/mdstat with md0 assembled from nvme1n1p2 and the whole sda. */
export const MDSTAT = [
  "Personalities : [raid1] [linear] [multipath] [raid0] [raid6] [raid5] [raid4] [raid10]",
  "md0 : active raid1 sda[1] nvme1n1p2[0]",
  "      1046528 blocks super 1.2 [2/2] [UU]",
  "      ",
  "unused devices: <none>",
].join("\n");

/** The `@@dev` + `wipefs -J` blocks for a few devices. */
export const SIGNATURES = [
  "@@dev /dev/nvme0n1",
  '{\n   "signatures": [\n\n   ]\n}',
  "@@dev /dev/nvme1n1",
  '{"signatures":[{"device":"nvme1n1","offset":"0x200","type":"gpt","uuid":null,"label":null},{"device":"nvme1n1","offset":"0x1fe","type":"PMBR","uuid":null,"label":null}]}',
  "@@dev /dev/nvme1n1p1",
  '{"signatures":[{"device":"nvme1n1p1","offset":"0x52","type":"vfat","uuid":"1234-ABCD","label":null}]}',
  "@@dev /dev/sdb",
  '{"signatures":[{"device":"sdb","offset":"0x0","type":"ceph_bluestore","uuid":null,"label":null}]}',
].join("\n");

/** A whole inventory script output as the rescue system prints it. */
export function inventoryOutput(o: { uuid?: string; boot?: string; lsblk?: string; end?: boolean } = {}): string {
  const s = (name: string, body: string) => `\n@@talos-hetzner:${name}@@\n${body}`;
  return [
    s("lsblk", o.lsblk ?? LSBLK_JSON),
    s("by-id", BY_ID),
    s("smbios", o.uuid ?? "4c4c4544-0042-3010-8051-b4c04f4d3332"),
    s("boot", o.boot ?? "uefi"),
    s("addr", IP_ADDR),
    s("route", IP_ROUTE),
    s("signatures", SIGNATURES),
    s("mdstat", MDSTAT),
    s("meminfo", "MemTotal:       65768032 kB"),
    s("hostname", "rescue"),
    o.end === false ? "" : s("end", ""),
  ].join("\n");
}

/** Runs a script in real bash (async, so the in-process HTTP server keeps serving). */
export function runBash(
  script: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("bash", ["-c", strictScript(script)], { env, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
    });
  });
}
