/**
 * The machine config on a Talos disk's STATE partition: a magic-tagged, length-prefixed,
 * checksummed blob at the start of the partition. Anything that overwrites those bytes (dd, a
 * real wipe) erases the config; discarding other areas of the disk does not.
 */
import { Device, withFileDevice } from "./device";
import { GptPartition, SECTOR } from "./gpt";
import { readGpt } from "./gpt-read";
import { sha256 } from "./random";

const MAGIC = "TSIMCFG1";
const HEAD = 8 + 4 + 32;

/** Reads the config stored on the STATE partition of `dev`, or null (none, or damaged). */
export function readStateConfig(dev: Device, state: GptPartition): string | null {
  const at = state.firstLba * SECTOR;
  const head = dev.read(at, HEAD);
  if (head.toString("latin1", 0, 8) !== MAGIC) return null;
  const len = head.readUInt32LE(8);
  if (len > partitionBytes(state) - HEAD) return null;
  const data = dev.read(at + HEAD, len);
  return sha256(data) === head.toString("hex", 12, 44) ? data.toString("utf8") : null;
}

/** Writes `config` to the STATE partition (null zeroes the blob). */
export function writeStateConfig(dev: Device, state: GptPartition, config: string | null): void {
  const at = state.firstLba * SECTOR;
  if (config === null) {
    const old = dev.read(at, HEAD);
    const len =
      old.toString("latin1", 0, 8) === MAGIC ? Math.min(old.readUInt32LE(8), partitionBytes(state) - HEAD) : 0;
    dev.write(at, Buffer.alloc(HEAD + len));
    return;
  }
  const data = Buffer.from(config, "utf8");
  if (data.length > partitionBytes(state) - HEAD) {
    throw new Error(
      `machine config of ${data.length} bytes does not fit the ${partitionBytes(state)}-byte STATE partition`,
    );
  }
  const head = Buffer.alloc(HEAD);
  head.write(MAGIC, 0, "latin1");
  head.writeUInt32LE(data.length, 8);
  Buffer.from(sha256(data), "hex").copy(head, 12);
  dev.write(at, Buffer.concat([head, data]));
}

/** Writes (or wipes) the config on the STATE partition of a disk file, located through its GPT. */
export function writeStateFile(file: string, config: string | null): void {
  withFileDevice(file, true, (dev) => {
    const state = readGpt(dev).partitions.find((p) => p.name === "STATE");
    if (!state) throw new Error(`${file} has no STATE partition`);
    writeStateConfig(dev, state, config);
  });
}

function partitionBytes(p: GptPartition): number {
  return (p.lastLba - p.firstLba + 1) * SECTOR;
}
