/**
 * OpenSSH public keys as the Robot webservice sees them: the MD5 colon-hex fingerprint that
 * `GET /key` and `authorized_key[]` use, and the type/size Robot reports ("ED25519"/256).
 */
import { KeyObject, createHash, createPublicKey } from "crypto";

/** What Robot derives from an OpenSSH public key line. */
export interface SshPublicKeyInfo {
  /** Algorithm name from the key line, e.g. "ssh-ed25519". */
  algorithm: string;
  /** Robot's type label: "RSA", "DSA", "ECDSA" or "ED25519". */
  type: "RSA" | "DSA" | "ECDSA" | "ED25519";
  /** Key size in bits as Robot reports it (RSA modulus, DSA p, ECDSA curve, 256 for Ed25519). */
  size: number;
  /** MD5 of the key blob as colon-separated hex (`ssh-keygen -l -E md5` without the prefix). */
  fingerprint: string;
  /** The `<algorithm> <base64>` part without the comment. */
  keyData: string;
}

const ECDSA_SIZES: Record<string, number> = {
  "ecdsa-sha2-nistp256": 256,
  "ecdsa-sha2-nistp384": 384,
  "ecdsa-sha2-nistp521": 521,
};

/** Parses an OpenSSH public key line (`ssh-ed25519 AAAA… comment`); undefined when it is not one. */
export function parseSshPublicKey(line: string): SshPublicKeyInfo | undefined {
  const [algorithm, b64] = line.trim().split(/\s+/);
  if (!algorithm || !b64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return undefined;
  const blob = Buffer.from(b64, "base64");
  try {
    const [name, rest] = readString(blob, 0);
    if (name.toString("latin1") !== algorithm) return undefined;
    const kind = typeAndSize(algorithm, blob, rest);
    if (!kind) return undefined;
    return { algorithm, ...kind, fingerprint: md5Fingerprint(blob), keyData: `${algorithm} ${b64}` };
  } catch {
    return undefined;
  }
}

/** The MD5 colon-hex fingerprint of an OpenSSH public key line; throws when the line is not a key. */
export function sshKeyFingerprint(line: string): string {
  const info = parseSshPublicKey(line);
  if (!info) throw new Error("not an OpenSSH public key line (expected '<algorithm> <base64> [comment]')");
  return info.fingerprint;
}

/** Encodes a Node public (or private) key as an OpenSSH public key line; Ed25519, RSA and ECDSA P-256/384/521. */
export function openSshPublicKey(key: KeyObject, comment?: string): string {
  const jwk = (key.type === "public" ? key : createPublicKey(key)).export({ format: "jwk" });
  const b = (v: string | undefined) => Buffer.from(String(v), "base64url");
  let algorithm: string;
  let parts: Buffer[];
  if (jwk.kty === "OKP" && jwk.crv === "Ed25519") {
    [algorithm, parts] = ["ssh-ed25519", [sshString(b(jwk.x))]];
  } else if (jwk.kty === "RSA") {
    [algorithm, parts] = ["ssh-rsa", [sshString(mpint(b(jwk.e))), sshString(mpint(b(jwk.n)))]];
  } else if (jwk.kty === "EC" && /^P-(256|384|521)$/.test(String(jwk.crv))) {
    const curve = `nistp${String(jwk.crv).slice(2)}`;
    [algorithm, parts] = [
      `ecdsa-sha2-${curve}`,
      [sshString(Buffer.from(curve)), sshString(Buffer.concat([Buffer.from([4]), b(jwk.x), b(jwk.y)]))],
    ];
  } else {
    throw new Error(`unsupported key type ${key.asymmetricKeyType} for an OpenSSH public key`);
  }
  const blob = Buffer.concat([sshString(Buffer.from(algorithm)), ...parts]);
  return `${algorithm} ${blob.toString("base64")}${comment ? ` ${comment}` : ""}`;
}

function sshString(value: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(value.length);
  return Buffer.concat([length, value]);
}

/** SSH mpint: big-endian, with a leading zero byte when the top bit is set (positive numbers). */
function mpint(value: Buffer): Buffer {
  return value[0] & 0x80 ? Buffer.concat([Buffer.from([0]), value]) : value;
}

function typeAndSize(
  algorithm: string,
  blob: Buffer,
  offset: number,
): Pick<SshPublicKeyInfo, "type" | "size"> | undefined {
  if (algorithm === "ssh-ed25519")
    return readString(blob, offset)[0].length === 32 ? { type: "ED25519", size: 256 } : undefined;
  if (algorithm in ECDSA_SIZES) return { type: "ECDSA", size: ECDSA_SIZES[algorithm] };
  if (algorithm === "ssh-rsa") {
    const [, afterE] = readString(blob, offset); // public exponent e, then modulus n
    return { type: "RSA", size: mpintBits(readString(blob, afterE)[0]) };
  }
  if (algorithm === "ssh-dss") return { type: "DSA", size: mpintBits(readString(blob, offset)[0]) };
  return undefined;
}

function readString(buf: Buffer, offset: number): [Buffer, number] {
  const length = buf.readUInt32BE(offset);
  const start = offset + 4;
  if (start + length > buf.length) throw new RangeError("truncated key blob");
  return [buf.subarray(start, start + length), start + length];
}

function mpintBits(value: Buffer): number {
  let i = 0;
  while (i < value.length && value[i] === 0) i++;
  return i === value.length ? 0 : (value.length - i - 1) * 8 + (32 - Math.clz32(value[i]));
}

function md5Fingerprint(blob: Buffer): string {
  return createHash("md5").update(blob).digest("hex").match(/../g)!.join(":");
}
