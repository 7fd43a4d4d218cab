/**
 * Writes GUID partition tables (UEFI spec ch. 5): protective MBR, primary header + entry array,
 * backup entry array + header at the last LBA, CRC32s over header and entries.
 */
import * as zlib from "zlib";
import { guidToBytes } from "./guid";
import { Device } from "./device";

/** Logical sector size of every simulated disk. */
export const SECTOR = 512;
/** Entries in the partition array (the common 128 × 128 bytes = 32 sectors). */
export const GPT_ENTRIES = 128;
const ENTRY_SIZE = 128;
const ARRAY_SECTORS = (GPT_ENTRIES * ENTRY_SIZE) / SECTOR;

/** Partition type GUIDs used by the simulator. */
export const PART_TYPE = {
  efi: "C12A7328-F81F-11D2-BA4B-00A0C93EC93B",
  bios: "21686148-6449-6E6F-744E-656564454649",
  linux: "0FC63DAF-8483-4772-8E79-3D69D8477DE4",
  linuxRaid: "A19D880F-05FC-4D3B-A006-743F0F84911E",
} as const;

/** One GPT partition entry. */
export interface GptPartition {
  typeGuid: string;
  uniqueGuid: string;
  firstLba: number;
  lastLba: number;
  attributes: bigint;
  name: string;
  /** 1-based entry number (the N of /dev/sdaN); set when read from disk, ignored when writing. */
  number?: number;
}

/** What a GPT describes. */
export interface GptLayout {
  diskGuid: string;
  totalSectors: number;
  partitions: GptPartition[];
}

/** CRC32 as GPT uses it (IEEE, the zlib one). */
export function crc32(b: Buffer): number {
  return zlib.crc32(b) >>> 0;
}

/** Encodes the 128-entry partition array. */
export function encodeEntries(parts: GptPartition[]): Buffer {
  const buf = Buffer.alloc(GPT_ENTRIES * ENTRY_SIZE);
  parts.forEach((p, i) => {
    const o = i * ENTRY_SIZE;
    guidToBytes(p.typeGuid).copy(buf, o);
    guidToBytes(p.uniqueGuid).copy(buf, o + 16);
    buf.writeBigUInt64LE(BigInt(p.firstLba), o + 32);
    buf.writeBigUInt64LE(BigInt(p.lastLba), o + 40);
    buf.writeBigUInt64LE(p.attributes, o + 48);
    buf.write(p.name.slice(0, 36), o + 56, "utf16le");
  });
  return buf;
}

function encodeHeader(l: GptLayout, current: number, backup: number, entriesLba: number, entriesCrc: number): Buffer {
  const h = Buffer.alloc(SECTOR);
  h.write("EFI PART", 0, "latin1");
  h.writeUInt32LE(0x00010000, 8);
  h.writeUInt32LE(92, 12);
  h.writeBigUInt64LE(BigInt(current), 24);
  h.writeBigUInt64LE(BigInt(backup), 32);
  h.writeBigUInt64LE(BigInt(2 + ARRAY_SECTORS), 40);
  h.writeBigUInt64LE(BigInt(l.totalSectors - 2 - ARRAY_SECTORS), 48);
  guidToBytes(l.diskGuid).copy(h, 56);
  h.writeBigUInt64LE(BigInt(entriesLba), 72);
  h.writeUInt32LE(GPT_ENTRIES, 80);
  h.writeUInt32LE(ENTRY_SIZE, 84);
  h.writeUInt32LE(entriesCrc, 88);
  h.writeUInt32LE(crc32(h.subarray(0, 92)), 16);
  return h;
}

/** The protective MBR: one 0xEE entry covering the disk, plus optional boot code (GRUB's boot.img). */
export function protectiveMbr(totalSectors: number, bootCode?: Buffer): Buffer {
  const m = Buffer.alloc(SECTOR);
  if (bootCode) bootCode.copy(m, 0, 0, Math.min(440, bootCode.length));
  const e = 446;
  m.writeUInt8(0x00, e);
  m.writeUIntLE(0x000200, e + 1, 3);
  m.writeUInt8(0xee, e + 4);
  m.writeUIntLE(0xffffff, e + 5, 3);
  m.writeUInt32LE(1, e + 8);
  m.writeUInt32LE(Math.min(totalSectors - 1, 0xffffffff), e + 12);
  m.writeUInt16LE(0xaa55, 510);
  return m;
}

/** Writes protective MBR, both headers and both entry arrays of `layout` onto `dev`. */
export function writeGpt(dev: Device, layout: GptLayout, bootCode?: Buffer): void {
  const last = layout.totalSectors - 1;
  const entries = encodeEntries(layout.partitions);
  const ecrc = crc32(entries);
  const backupEntriesLba = last - ARRAY_SECTORS;
  dev.write(0, protectiveMbr(layout.totalSectors, bootCode));
  dev.write(SECTOR, encodeHeader(layout, 1, last, 2, ecrc));
  dev.write(2 * SECTOR, entries);
  dev.write(backupEntriesLba * SECTOR, entries);
  dev.write(last * SECTOR, encodeHeader(layout, last, 1, backupEntriesLba, ecrc));
}

/** First LBA usable by partitions when aligned to 1 MiB, as sgdisk/parted do. */
export const FIRST_ALIGNED_LBA = 2048;
/** Sectors the GPT needs at the end of the disk (backup array + header). */
export const GPT_TAIL_SECTORS = ARRAY_SECTORS + 1;
