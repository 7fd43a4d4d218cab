/**
 * The image-streaming pipeline: download → decompress → hash → write, with no copy of the image
 * in the rescue RAM disk (its root is ~960 MB, contracts/hetzner-cloud.md §3) and pipefail so a 404
 * or a truncated stream fails the step (hcloud-upload-image issue #33: a 404 made an empty snapshot).
 */
import { InputError, TalosHetznerError } from "../internal/errors";
import { joinCommands, shellQuote } from "../internal/shell";

/** How the downloaded stream is compressed. */
export type ImageCompression = "xz" | "zst" | "bz2" | "gz" | "raw";

/** Inputs of `installImageCommand`. */
export interface InstallImageOptions {
  /** http(s) URL of the disk image (Image Factory or release asset). */
  url: string;
  /** Compression of the stream. @default from the URL extension (`.xz`, `.zst`, `.bz2`, `.gz`, else raw) */
  compression?: ImageCompression;
  /** Block device (or file) to write. */
  target: string;
  /** Expected sha256 of the DECOMPRESSED image; a mismatch fails the step and erases the signatures just written. */
  expectedSha256?: string;
  /** Directory for the small hash file and fifo (a private subdirectory is created). @default "/run" */
  workDir?: string;
}

/** Prefix of the line the pipeline prints with the image's sha256. */
export const SHA256_LINE = "talos-image-sha256=";

const DECOMPRESS: Record<ImageCompression, string> = {
  xz: "xz -dc",
  zst: "zstd -dc",
  bz2: "bzip2 -dc",
  gz: "gzip -dc",
  raw: "cat",
};

/** Compression implied by a URL's file extension (query strings ignored). */
export function compressionFromUrl(url: string): ImageCompression {
  const file = url.split(/[?#]/)[0].toLowerCase();
  const ext = /\.(xz|zst|bz2|gz)$/.exec(file);
  return ext ? (ext[1] as ImageCompression) : "raw";
}

function validate(o: InstallImageOptions): void {
  let proto = "";
  try {
    proto = new URL(o.url).protocol;
  } catch {
    throw new InputError("url", `must be an absolute http(s) URL, got ${JSON.stringify(o.url)}`);
  }
  if (proto !== "http:" && proto !== "https:")
    throw new InputError("url", `must be an http(s) URL, got ${JSON.stringify(o.url)}`);
  if (o.expectedSha256 !== undefined && !/^[0-9a-f]{64}$/.test(o.expectedSha256)) {
    throw new InputError(
      "expectedSha256",
      `must be 64 lowercase hex characters, got ${JSON.stringify(o.expectedSha256)}`,
    );
  }
  if (!o.target.startsWith("/"))
    throw new InputError("target", `must be an absolute device path, got ${JSON.stringify(o.target)}`);
}

/**
 * Compressions whose decompressor costs less than copying the decompressed stream a second time:
 * for these the hash decompresses its own copy of the download, so GNU tee (8 KiB per read) moves
 * the compressed third of the bytes instead of all of them (zstd: pipeline 1.3–1.6 s against 1.9–2.4 s
 * for 512 MiB on this project's 2-core machine, bench/pipeline.ts). xz and bzip2 decompress slowly,
 * gzip was not measured, and a raw image has nothing to decompress: for them the hash reads the
 * stream dd writes.
 */
const HASH_OWN_COPY = new Set<ImageCompression>(["zst"]);

/**
 * Shell text (run under `set -euo pipefail`) that streams the image onto the target and prints
 * `talos-image-sha256=<hex>` of the decompressed image. The hash runs beside `dd` through a fifo and
 * is waited for before it is read (a `>(…)` process substitution could still be writing); a failing
 * hash branch fails the step too (its pipeline's status is what `wait` returns, and a dead reader
 * fails tee). It is openssl's where the rescue system has it (SHA-NI: under half of sha256sum's CPU
 * time for the same image, measured on this project's machine). `iflag=fullblock` makes dd write
 * whole 4 MiB blocks and `oflag=direct` hands them to the disk without a second copy in the page
 * cache (GNU dd writes a short last block without it); `conv=fsync` still flushes the disk's cache.
 * curl's `--retry` only retries failures before any body byte (connect errors, 408/429/5xx), so it
 * never splices streams. The hash's own decompressor is silent: it reads the same bytes as the one
 * feeding dd, which reports any damage once (both printed "premature end" for a truncated download).
 */
export function installImageCommand(o: InstallImageOptions): string {
  validate(o);
  const t = shellQuote(o.target);
  const expected = o.expectedSha256;
  const work = shellQuote(`${o.workDir ?? "/run"}/talos-image.XXXXXX`);
  const compression = o.compression ?? compressionFromUrl(o.url);
  const decompress = DECOMPRESS[compression];
  const ownCopy = HASH_OWN_COPY.has(compression);
  const download = `curl -fsSL --retry 3 ${shellQuote(o.url)}`;
  const write = `dd of=${t} bs=4M iflag=fullblock oflag=direct conv=fsync,notrunc status=none`;
  return joinCommands(
    "(",
    "set -euo pipefail",
    `d=$(mktemp -d ${work} 2>/dev/null || mktemp -d)`,
    `hp=""; trap 'if [ -n "$hp" ]; then kill "$hp" 2>/dev/null || true; fi; rm -rf "$d"' EXIT`,
    `mkfifo "$d/fifo"`,
    `if command -v openssl >/dev/null 2>&1; then hash="openssl dgst -sha256 -r"; else hash=sha256sum; fi`,
    ownCopy
      ? `${decompress} < "$d/fifo" 2>/dev/null | $hash > "$d/sha256" & hp=$!`
      : `$hash < "$d/fifo" > "$d/sha256" & hp=$!`,
    ownCopy
      ? `${download} | tee "$d/fifo" | ${decompress} | ${write}`
      : `${download} | ${decompress} | tee "$d/fifo" | ${write}`,
    `wait "$hp"; hp=""`,
    `sum=$(cut -d' ' -f1 "$d/sha256")`,
    `echo "${SHA256_LINE}$sum"`,
    expected &&
      `if [ "$sum" != ${expected} ]; then echo "image sha256 mismatch: expected ${expected}, got $sum; erasing signatures on ${o.target}" >&2; wipefs -af ${t} >/dev/null 2>&1 || true; exit 1; fi`,
    ")",
  );
}

/** The image's sha256 printed by the pipeline; throws when the line is missing (the step did not finish). */
export function parseImageSha256(stdout: string): string {
  const m = new RegExp(`^${SHA256_LINE}([0-9a-f]{64})$`, "m").exec(stdout);
  if (!m) throw new TalosHetznerError(`image pipeline printed no "${SHA256_LINE}<hex>" line; it did not finish`);
  return m[1];
}
