/** Snapshot files: sparse copies of a server's disk under <stateDir>/images. */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";

const run = promisify(execFile);

/** Where the disk of snapshot `id` is stored. */
export function snapshotFile(stateDir: string, id: number): string {
  return path.join(stateDir, "images", `${id}.img`);
}

/** Copies a disk file keeping holes (`cp --sparse=always`), so a 40 GB disk with 200 MB of data stays small. */
export async function copySparse(src: string, dst: string): Promise<void> {
  fs.mkdirSync(path.dirname(dst), { recursive: true });
  try {
    await run("cp", ["--sparse=always", src, dst]);
  } catch (e) {
    throw new Error(`copying disk ${src} failed: ${(e as { stderr?: string }).stderr?.trim() || (e as Error).message}`);
  }
}

/** Size of the non-zero content in GB as the API reports `image_size` (allocated blocks of the sparse copy). */
export function imageSizeGb(file: string): number {
  const bytes = fs.statSync(file).blocks * 512;
  return Math.ceil((bytes / 1e9) * 100) / 100;
}
