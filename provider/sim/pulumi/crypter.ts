/**
 * Passphrase secrets for the runner's state file, after Pulumi's passphrase secrets provider:
 * AES-256-GCM per value, key derived from the passphrase and a per-stack salt, and an encrypted
 * known plaintext so a wrong passphrase is detected before anything is decrypted.
 */
import * as crypto from "crypto";
import { InputError } from "../../internal/errors";

const CHECK_PLAINTEXT = "pulumi-talos-hetzner";

/** Encrypts and decrypts strings under one key. */
export interface Crypter {
  /** The stored salt state (`v1:<salt>:<encrypted check>`), kept in the state file. */
  readonly saltState: string;
  encrypt(plaintext: string): string;
  decrypt(ciphertext: string): string;
}

function deriveKey(passphrase: string, salt: Buffer): Buffer {
  return crypto.scryptSync(passphrase, salt, 32, { N: 1 << 14, r: 8, p: 1 });
}

function encryptWith(key: Buffer, plaintext: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `v1:${iv.toString("base64")}:${body.toString("base64")}`;
}

function decryptWith(key: Buffer, ciphertext: string): string {
  const [version, ivText, bodyText] = ciphertext.split(":");
  if (version !== "v1" || !ivText || !bodyText) throw new Error("unrecognized ciphertext format");
  const body = Buffer.from(bodyText, "base64");
  const decipher = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(ivText, "base64"));
  decipher.setAuthTag(body.subarray(body.length - 16));
  return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString("utf8");
}

/** A crypter for a passphrase: new salt when `saltState` is absent, else verifies the passphrase against it. */
export function passphraseCrypter(passphrase: string, saltState?: string): Crypter {
  let salt: Buffer;
  let key: Buffer;
  if (saltState) {
    const [, saltText, ...check] = saltState.split(":");
    salt = Buffer.from(saltText ?? "", "base64");
    key = deriveKey(passphrase, salt);
    try {
      if (decryptWith(key, check.join(":")) !== CHECK_PLAINTEXT) throw new Error("check mismatch");
    } catch {
      throw new InputError("PULUMI_CONFIG_PASSPHRASE", "incorrect passphrase: it does not decrypt this state file");
    }
  } else {
    salt = crypto.randomBytes(16);
    key = deriveKey(passphrase, salt);
  }
  const state = saltState ?? `v1:${salt.toString("base64")}:${encryptWith(key, CHECK_PLAINTEXT)}`;
  return { saltState: state, encrypt: (p) => encryptWith(key, p), decrypt: (c) => decryptWith(key, c) };
}
