/** SSH key helpers shared by the rescue session and the simulated rescue server. */
import { createHash } from "crypto";
import { utils } from "ssh2";

/** OpenSSH's fingerprint of a public key blob: "SHA256:" + unpadded base64 of its SHA-256. */
export function sshFingerprint(publicKeyBlob: Buffer): string {
  return "SHA256:" + createHash("sha256").update(publicKeyBlob).digest("base64").replace(/=+$/, "");
}

/** The fingerprint of an OpenSSH public key line ("ssh-ed25519 AAAA... comment"). */
export function fingerprintOfPublicKey(line: string): string {
  const key = utils.parseKey(line);
  if (key instanceof Error) throw new Error(`not an OpenSSH public key: ${key.message}`);
  return sshFingerprint(key.getPublicSSH());
}
