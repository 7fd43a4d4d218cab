/** Copies a disk image into a disk file without filling its holes (snapshots and images are mostly zeros). */
import { execFile } from "child_process";
import * as fs from "fs";
import { promisify } from "util";

const run = promisify(execFile);

/**
 * Puts `src` at the start of the fixed-size disk file `dest`. `cp --sparse=always` skips holes with
 * SEEK_DATA/SEEK_HOLE, so a 40 GB snapshot holding 30 MB of data copies in milliseconds (a byte-wise
 * scan in JavaScript took ~27 s per GiB); the disk keeps its size afterwards.
 */
export async function copySparse(src: string, dest: string, what: string): Promise<void> {
  const size = fs.statSync(src).size;
  const destSize = fs.statSync(dest).size;
  if (size > destSize)
    throw new Error(`disk ${what}: image ${src} (${size} bytes) does not fit the ${destSize}-byte disk`);
  try {
    await run("cp", ["--sparse=always", src, dest]);
  } catch (e) {
    throw new Error(
      `disk ${what}: copying ${src} failed: ${(e as { stderr?: string }).stderr?.trim() || (e as Error).message}`,
    );
  }
  fs.truncateSync(dest, destSize);
}
