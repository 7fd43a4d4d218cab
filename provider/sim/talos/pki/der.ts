/** Minimal DER (ASN.1) encoder: just what X.509 certificate building needs. */

/** Encodes a definite length. */
function encodeLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** One tag-length-value element. */
export function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

/** SEQUENCE of already-encoded elements. */
export function seq(...items: Buffer[]): Buffer {
  return tlv(0x30, Buffer.concat(items));
}

/** SET of already-encoded elements. */
export function set(...items: Buffer[]): Buffer {
  return tlv(0x31, Buffer.concat(items));
}

/** INTEGER from unsigned big-endian bytes (a leading zero is added when the high bit is set). */
export function uint(bytes: Buffer): Buffer {
  let b = bytes;
  while (b.length > 1 && b[0] === 0 && (b[1] & 0x80) === 0) b = b.subarray(1);
  if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

/** Small non-negative INTEGER. */
export function smallInt(n: number): Buffer {
  return uint(Buffer.from([n]));
}

/** OBJECT IDENTIFIER from dotted notation. */
export function oid(dotted: string): Buffer {
  const parts = dotted.split(".").map(Number);
  const out: number[] = [parts[0] * 40 + parts[1]];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/** NULL. */
export const NULL = Buffer.from([0x05, 0x00]);

/** BOOLEAN. */
export function bool(v: boolean): Buffer {
  return tlv(0x01, Buffer.from([v ? 0xff : 0]));
}

/** BIT STRING with no unused bits. */
export function bitString(content: Buffer): Buffer {
  return tlv(0x03, Buffer.concat([Buffer.from([0]), content]));
}

/** OCTET STRING. */
export function octetString(content: Buffer): Buffer {
  return tlv(0x04, content);
}

/** UTF8String. */
export function utf8(s: string): Buffer {
  return tlv(0x0c, Buffer.from(s, "utf8"));
}

/** UTCTime before 2050, GeneralizedTime after (RFC 5280 §4.1.2.5). */
export function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, "").slice(0, 14) + "Z";
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2))) : tlv(0x18, Buffer.from(iso));
}

/** Context-specific explicit tag [n]. */
export function explicit(n: number, content: Buffer): Buffer {
  return tlv(0xa0 + n, content);
}

/** Context-specific implicit primitive tag [n] (used in GeneralName). */
export function implicit(n: number, content: Buffer): Buffer {
  return tlv(0x80 + n, content);
}

/** KeyUsage bit string with the named bits set (bit 0 = digitalSignature, RFC 5280 §4.2.1.3). */
export function keyUsageBits(bits: number[]): Buffer {
  let value = 0;
  for (const b of bits) value |= 0x8000 >> b;
  const bytes = value & 0xff ? [value >> 8, value & 0xff] : [value >> 8];
  const last = bytes[bytes.length - 1];
  let unused = 0;
  while (unused < 7 && (last & (1 << unused)) === 0) unused++;
  return tlv(0x03, Buffer.from([unused, ...bytes]));
}

/** The elements directly inside a constructed DER element (each with its own tag and length bytes). */
export function children(element: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let i = headerLength(element);
  while (i < element.length) {
    const end = i + headerLength(element.subarray(i)) + contentLength(element.subarray(i));
    out.push(element.subarray(i, end));
    i = end;
  }
  return out;
}

function headerLength(el: Buffer): number {
  return el[1] < 0x80 ? 2 : 2 + (el[1] & 0x7f);
}

function contentLength(el: Buffer): number {
  if (el[1] < 0x80) return el[1];
  let n = 0;
  for (let k = 0; k < (el[1] & 0x7f); k++) n = n * 256 + el[2 + k];
  return n;
}
