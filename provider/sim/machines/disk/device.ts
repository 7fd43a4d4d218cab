/**
 * Byte access to a disk: a disk file (fixed size, like a block device) or an in-memory image.
 * Reads past the end come back as zeros (a truncated image simply ends); writes past the end fail.
 */
import * as fs from "fs";

/** A fixed-size byte range that can be read and written at offsets. */
export interface Device {
  readonly size: number;
  read(offset: number, length: number): Buffer;
  write(offset: number, data: Buffer): void;
}

/** A device over an in-memory buffer. */
export function bufferDevice(buf: Buffer): Device {
  return {
    size: buf.length,
    read(offset, length) {
      const out = Buffer.alloc(length);
      if (offset < buf.length) buf.copy(out, 0, offset, Math.min(buf.length, offset + length));
      return out;
    },
    write(offset, data) {
      checkBounds(offset, data.length, buf.length);
      data.copy(buf, offset);
    },
  };
}

/** Opens a disk file, runs `fn` on it and closes it again. */
export function withFileDevice<T>(file: string, writable: boolean, fn: (d: Device) => T): T {
  const fd = fs.openSync(file, writable ? "r+" : "r");
  try {
    const size = fs.fstatSync(fd).size;
    return fn({
      size,
      read(offset, length) {
        const out = Buffer.alloc(length);
        if (offset < size) fs.readSync(fd, out, 0, Math.min(length, size - offset), offset);
        return out;
      },
      write(offset, data) {
        checkBounds(offset, data.length, size);
        fs.writeSync(fd, data, 0, data.length, offset);
      },
    });
  } finally {
    fs.closeSync(fd);
  }
}

/** Runs `fn` on a file path or an in-memory image. */
export function withDevice<T>(source: string | Buffer, writable: boolean, fn: (d: Device) => T): T {
  return typeof source === "string" ? withFileDevice(source, writable, fn) : fn(bufferDevice(source));
}

function checkBounds(offset: number, length: number, size: number): void {
  // Block devices refuse writes past their end (ENOSPC); a disk file must not grow either.
  if (offset < 0 || offset + length > size) {
    throw new Error(`write of ${length} bytes at offset ${offset} is past the end of the ${size}-byte disk`);
  }
}
