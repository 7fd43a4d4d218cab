/**
 * On-disk signatures of what a previous owner left behind, laid out so that libblkid (`wipefs`,
 * `blkid`) and mdadm recognise them: md 1.2 superblocks, LVM2 labels, Ceph BlueStore labels.
 */
import * as zlib from "zlib";

/** Linux md superblock version 1.2 (lives 4 KiB into the member device). */
export function mdSuperblock12(o: {
  setUuid: string;
  deviceUuid: string;
  name: string;
  deviceSectors: number;
  devNumber: number;
}): Buffer {
  const maxDev = 2;
  const sb = Buffer.alloc(256 + maxDev * 2);
  const dataOffset = 2048;
  sb.writeUInt32LE(0xa92b4efc, 0);
  sb.writeUInt32LE(1, 4);
  uuidBytes(o.setUuid).copy(sb, 16);
  sb.write(o.name.slice(0, 32), 32, "latin1");
  sb.writeBigUInt64LE(BigInt(1600000000), 64);
  sb.writeUInt32LE(1, 72); // raid1
  sb.writeBigUInt64LE(BigInt(o.deviceSectors - dataOffset), 80);
  sb.writeUInt32LE(2, 92); // raid_disks
  sb.writeBigUInt64LE(BigInt(dataOffset), 128);
  sb.writeBigUInt64LE(BigInt(o.deviceSectors - dataOffset), 136);
  sb.writeBigUInt64LE(BigInt(8), 144); // super_offset in sectors: 4096 / 512
  sb.writeUInt32LE(o.devNumber, 160);
  uuidBytes(o.deviceUuid).copy(sb, 168);
  sb.writeBigUInt64LE(BigInt(1600000100), 192);
  sb.writeBigUInt64LE(BigInt(42), 200);
  sb.writeBigUInt64LE(BigInt("0xffffffffffffffff"), 208); // resync_offset = MaxSector: clean
  sb.writeUInt32LE(maxDev, 220);
  sb.writeUInt16LE(0, 256);
  sb.writeUInt16LE(1, 258);
  sb.writeUInt32LE(mdChecksum(sb), 216);
  return sb;
}

/** mdadm's calc_sb_1_csum: 32-bit little-endian word sum, carries folded back in. */
export function mdChecksum(sb: Buffer): number {
  const copy = Buffer.from(sb);
  copy.writeUInt32LE(0, 216);
  let sum = 0;
  for (let i = 0; i + 4 <= copy.length; i += 4) sum += copy.readUInt32LE(i);
  if (copy.length % 4 === 2) sum += copy.readUInt16LE(copy.length - 2);
  return ((sum % 0x100000000) + Math.floor(sum / 0x100000000)) >>> 0;
}

/** LVM2 physical-volume label (sector 1) with the PV header and one data area. */
export function lvmLabel(o: { pvUuid: string; deviceBytes: number }): Buffer {
  const s = Buffer.alloc(512);
  s.write("LABELONE", 0, "latin1");
  s.writeBigUInt64LE(BigInt(1), 8);
  s.writeUInt32LE(32, 20);
  s.write("LVM2 001", 24, "latin1");
  s.write(o.pvUuid.replace(/-/g, "").slice(0, 32), 32, "latin1");
  s.writeBigUInt64LE(BigInt(o.deviceBytes), 64);
  s.writeBigUInt64LE(BigInt(1024 * 1024), 72); // data area: offset 1 MiB, size 0 = rest of the disk
  s.writeBigUInt64LE(BigInt(4096), 104); // metadata area at 4 KiB, 1020 KiB long
  s.writeBigUInt64LE(BigInt(1020 * 1024), 112);
  s.writeUInt32LE(lvmCrc(s.subarray(20)), 16);
  return s;
}

/** LVM's calc_crc: reflected CRC-32 seeded with 0xf597a6cf and no final inversion. */
export function lvmCrc(b: Buffer): number {
  return (zlib.crc32(b, 0xf597a6cf ^ 0xffffffff) ^ 0xffffffff) >>> 0;
}

/** Ceph BlueStore block-device label (what `ceph-volume` writes at offset 0). */
export function bluestoreLabel(osdUuid: string): Buffer {
  return Buffer.from(`bluestore block device\n${osdUuid.toLowerCase()}\n`, "latin1");
}

function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ""), "hex");
}
