/**
 * Builds each synthetic Talos image once, compresses it with the real xz/zstd tools, caches the
 * result under `<stateDir>/factory/` and registers the image in `world.servedImages`.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { inspectDisk } from "../../machines/disk/inspect";
import { buildTalosImage } from "../../machines/disk/talos-image";
import { ServedImage, SimWorld } from "../../types";
import { ImageExt } from "./paths";

/** Compressor command lines (defaults of the real tools, one thread so tests stay predictable on 2 cores). */
const COMPRESSORS: Record<ImageExt, [string, string[]]> = {
  xz: ["xz", ["-T1", "-c"]],
  zst: ["zstd", ["-q", "-c"]],
};

/** Compressed images by identity and compression, built on first request. */
export class ImageStore {
  private readonly files = new Map<string, Promise<string>>();

  constructor(private readonly world: SimWorld) {}

  /** Path of the compressed image file (built, cached and registered on first use). */
  file(id: ServedImage, ext: ImageExt): Promise<string> {
    const name = `${id.schematic}/${id.version}/${id.platform}-${id.arch}.raw.${ext}`;
    let p = this.files.get(name);
    if (!p) {
      p = this.build(id, ext, path.join(this.world.stateDir, "factory", name));
      p.catch(() => this.files.delete(name));
      this.files.set(name, p);
    }
    return p;
  }

  private async build(id: ServedImage, ext: ImageExt, dest: string): Promise<string> {
    const raw = buildTalosImage(id);
    const key = inspectDisk(raw).talos?.key;
    if (!key) throw new Error(`synthetic image ${id.version}/${id.platform}-${id.arch} has no manifest`);
    this.world.servedImages.set(key, id);
    if (fs.existsSync(dest)) return dest;
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    const tmp = `${dest}.${process.pid}.tmp`;
    await compress(raw, ext, tmp);
    fs.renameSync(tmp, dest);
    return dest;
  }
}

/** Pipes `data` through the compressor into `dest`. */
export function compress(data: Buffer, ext: ImageExt, dest: string): Promise<void> {
  const [cmd, args] = COMPRESSORS[ext];
  return new Promise((resolve, reject) => {
    const out = fs.createWriteStream(dest);
    const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", (e) =>
      reject(new Error(`${cmd} could not run (install ${cmd === "xz" ? "xz-utils" : "zstd"}): ${e.message}`)),
    );
    const written = new Promise<void>((r) => out.on("close", () => r()));
    child.stdout.pipe(out);
    child.on("close", (code) => {
      void written.then(() =>
        code === 0 ? resolve() : reject(new Error(`${cmd} exited with ${code}: ${stderr.trim()}`)),
      );
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(data);
  });
}
