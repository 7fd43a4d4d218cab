/**
 * The rescue system's SSH host key: a new one per boot, ed25519 unless the machine's spec asks for
 * an RSA-only rescue (older Hetzner rescue images and some SSH setups offer only ssh-rsa, served
 * with rsa-sha2-256/512 signatures). The fingerprint is OpenSSH's SHA256 of the public key blob.
 */
import { createHash, generateKeyPairSync } from "crypto";
import { utils } from "ssh2";
import { generateEd25519KeyPair } from "../../../rescue/session-keys";
import { MachineSpec } from "../../types";

/** A private key for ssh2's server and the fingerprint clients will see. */
export function rescueHostKey(spec: MachineSpec): { private: string; fingerprint: string } {
  if (spec.hostKeyType !== "rsa") {
    const k = generateEd25519KeyPair();
    return { private: k.private, fingerprint: k.fingerprint };
  }
  const pem = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey;
  const parsed = utils.parseKey(pem);
  if (parsed instanceof Error) throw parsed;
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  return {
    private: pem,
    fingerprint: `SHA256:${createHash("sha256").update(key.getPublicSSH()).digest("base64").replace(/=+$/, "")}`,
  };
}
