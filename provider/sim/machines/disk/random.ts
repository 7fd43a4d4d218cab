/** Deterministic pseudo-random bytes (AES-256-CTR keystream), so generated disks are reproducible and incompressible where real binaries are. */
import { createCipheriv, createHash } from "crypto";

/** `length` bytes determined only by `seed`. */
export function pseudoRandom(seed: string, length: number): Buffer {
  const key = createHash("sha256").update(seed).digest();
  const iv = createHash("md5").update(seed).digest();
  const cipher = createCipheriv("aes-256-ctr", key, iv);
  return Buffer.concat([cipher.update(Buffer.alloc(length)), cipher.final()]);
}

/** Hex sha256 of a buffer. */
export function sha256(b: Buffer | string): string {
  return createHash("sha256").update(b).digest("hex");
}
