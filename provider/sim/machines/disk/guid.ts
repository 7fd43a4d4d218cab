/** GUIDs as GPT stores them: the first three fields little-endian ("mixed endian"), the rest as bytes. */
import { createHash } from "crypto";

/** Encodes "C12A7328-F81F-11D2-BA4B-00A0C93EC93B" into its 16 on-disk bytes. */
export function guidToBytes(guid: string): Buffer {
  const hex = guid.replace(/-/g, "");
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`invalid GUID "${guid}"`);
  const raw = Buffer.from(hex, "hex");
  const out = Buffer.from(raw);
  out.writeUInt32LE(raw.readUInt32BE(0), 0);
  out.writeUInt16LE(raw.readUInt16BE(4), 4);
  out.writeUInt16LE(raw.readUInt16BE(6), 6);
  return out;
}

/** Decodes 16 on-disk bytes into the upper-case textual GUID. */
export function bytesToGuid(b: Buffer): string {
  const raw = Buffer.alloc(16);
  b.copy(raw, 0, 0, 16);
  raw.writeUInt32BE(b.readUInt32LE(0), 0);
  raw.writeUInt16BE(b.readUInt16LE(4), 4);
  raw.writeUInt16BE(b.readUInt16LE(6), 6);
  const h = raw.toString("hex").toUpperCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A version-4-shaped GUID derived from a seed, so generated disks are reproducible. */
export function seededGuid(seed: string): string {
  const h = createHash("sha256").update(seed).digest();
  h[6] = (h[6] & 0x0f) | 0x40;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString("hex").toUpperCase();
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
