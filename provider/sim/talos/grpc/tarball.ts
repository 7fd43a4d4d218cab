/**
 * A one-file .tar.gz, as machined's Kubeconfig streams the admin kubeconfig (talosctl extracts the
 * first entry of the archive). ustar layout: 512-byte header, content padded to 512, two zero blocks.
 */
import * as zlib from "zlib";

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, "0") + "\0";
}

function header(name: string, size: number, mtime: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, "utf8");
  h.write(octal(0o600, 8), 100);
  h.write(octal(0, 8), 108);
  h.write(octal(0, 8), 116);
  h.write(octal(size, 12), 124);
  h.write(octal(mtime, 12), 136);
  h.write("        ", 148); // checksum field counts as spaces while summing
  h.write("0", 156);
  h.write("ustar\0", 257);
  h.write("00", 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + " ", 148);
  return h;
}

/** Gzipped tar holding `content` as `name`. */
export function tarGzOneFile(name: string, content: Buffer, mtime = Math.floor(Date.now() / 1000)): Buffer {
  const pad = Buffer.alloc((512 - (content.length % 512)) % 512);
  return zlib.gzipSync(Buffer.concat([header(name, content.length, mtime), content, pad, Buffer.alloc(1024)]));
}
