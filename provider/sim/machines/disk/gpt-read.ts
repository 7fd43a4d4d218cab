/** Reads and verifies GUID partition tables: signature, header CRC, entry-array CRC, both copies. */
import { bytesToGuid } from "./guid";
import { Device } from "./device";
import { GptPartition, SECTOR, crc32 } from "./gpt";

/** The fields of a GPT header the simulator needs. */
export interface GptHeader {
  currentLba: number;
  backupLba: number;
  firstUsableLba: number;
  lastUsableLba: number;
  diskGuid: string;
  entriesLba: number;
  entryCount: number;
  entrySize: number;
}

/** One verified copy of the table, or why it is not valid. */
export type GptCopy = { ok: true; header: GptHeader; partitions: GptPartition[] } | { ok: false; problem: string };

/** Both copies of a disk's GPT; `partitions` come from the primary, else the backup. */
export interface GptRead {
  primary: GptCopy;
  backup: GptCopy;
  partitions: GptPartition[];
}

/** Reads and verifies the header at `lba` and its entry array. */
export function readGptCopy(dev: Device, lba: number, label: string): GptCopy {
  const h = dev.read(lba * SECTOR, SECTOR);
  if (h.toString("latin1", 0, 8) !== "EFI PART")
    return { ok: false, problem: `${label} GPT header missing at LBA ${lba}` };
  const size = h.readUInt32LE(12);
  const stored = h.readUInt32LE(16);
  const copy = Buffer.from(h.subarray(0, size));
  copy.writeUInt32LE(0, 16);
  if (size < 92 || size > SECTOR || crc32(copy) !== stored)
    return { ok: false, problem: `${label} GPT header CRC mismatch` };
  const header = parseHeader(h);
  if (header.currentLba !== lba)
    return { ok: false, problem: `${label} GPT header claims LBA ${header.currentLba}, found at ${lba}` };
  const entries = dev.read(header.entriesLba * SECTOR, header.entryCount * header.entrySize);
  if (crc32(entries) !== h.readUInt32LE(88))
    return { ok: false, problem: `${label} GPT partition entries CRC mismatch` };
  return { ok: true, header, partitions: parseEntries(entries, header) };
}

/** Reads the primary at LBA 1 and the backup where the primary says it is (else at the last LBA). */
export function readGpt(dev: Device): GptRead {
  const primary = readGptCopy(dev, 1, "primary");
  const backupLba = primary.ok ? primary.header.backupLba : Math.floor(dev.size / SECTOR) - 1;
  const backup = readGptCopy(dev, backupLba, "backup");
  const partitions = primary.ok ? primary.partitions : backup.ok ? backup.partitions : [];
  return { primary, backup, partitions };
}

function parseHeader(h: Buffer): GptHeader {
  return {
    currentLba: Number(h.readBigUInt64LE(24)),
    backupLba: Number(h.readBigUInt64LE(32)),
    firstUsableLba: Number(h.readBigUInt64LE(40)),
    lastUsableLba: Number(h.readBigUInt64LE(48)),
    diskGuid: bytesToGuid(h.subarray(56, 72)),
    entriesLba: Number(h.readBigUInt64LE(72)),
    entryCount: h.readUInt32LE(80),
    entrySize: h.readUInt32LE(84),
  };
}

function parseEntries(buf: Buffer, h: GptHeader): GptPartition[] {
  const out: GptPartition[] = [];
  for (let i = 0; i < h.entryCount; i++) {
    const e = buf.subarray(i * h.entrySize, (i + 1) * h.entrySize);
    if (e.subarray(0, 16).every((b) => b === 0)) continue;
    out.push({
      typeGuid: bytesToGuid(e.subarray(0, 16)),
      uniqueGuid: bytesToGuid(e.subarray(16, 32)),
      firstLba: Number(e.readBigUInt64LE(32)),
      lastLba: Number(e.readBigUInt64LE(40)),
      attributes: e.readBigUInt64LE(48),
      name: e.toString("utf16le", 56, 128).replace(/\0.*$/s, ""),
      number: i + 1,
    });
  }
  return out;
}
