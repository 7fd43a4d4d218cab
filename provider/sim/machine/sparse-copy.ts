/** Copies a disk image into a disk file without filling its holes (snapshots and images are mostly zeros). */
import * as fs from "fs";

const CHUNK = 1024 * 1024;

/** Writes the non-zero chunks of `src` at the start of the fixed-size disk file `dest`. */
export function copySparse(src: string, dest: string, what: string): void {
  const size = fs.statSync(src).size;
  const destSize = fs.statSync(dest).size;
  if (size > destSize) throw new Error(`disk ${what}: image ${src} (${size} bytes) does not fit the ${destSize}-byte disk`);
  const inFd = fs.openSync(src, "r");
  const outFd = fs.openSync(dest, "r+");
  try {
    const buf = Buffer.alloc(CHUNK);
    for (let off = 0; off < size; off += CHUNK) {
      const n = fs.readSync(inFd, buf, 0, Math.min(CHUNK, size - off), off);
      const chunk = buf.subarray(0, n);
      if (chunk.some((b) => b !== 0)) fs.writeSync(outFd, chunk, 0, n, off);
    }
  } finally {
    fs.closeSync(inFd);
    fs.closeSync(outFd);
  }
}
