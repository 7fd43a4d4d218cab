/** What a disk (file or in-memory image) holds, as far as booting Talos is concerned. */
import { Device, withDevice } from "./device";
import { GptPartition } from "./gpt";
import { GptRead, readGpt } from "./gpt-read";
import { IMMUTABLE, MANIFEST_AREA, MANIFEST_MAGIC, TalosManifest, imageKey, regionHashes } from "./talos-image";
import { SECTOR } from "./gpt";

/** A Talos installation found on a disk; `problems` is empty when every check passed. */
export interface TalosOnDisk {
  manifest: TalosManifest | null;
  /** `world.servedImages` key of the image (null without a readable manifest). */
  key: string | null;
  problems: string[];
  /** The STATE partition, where the machine config lives. */
  state: GptPartition | null;
}

/** Result of `inspectDisk`. */
export interface DiskInspection {
  gpt: GptRead;
  /** null when the disk has no Talos BOOT partition at all. */
  talos: TalosOnDisk | null;
}

/** Reads a disk's GPT and, when it has a Talos layout, verifies the image against its manifest. */
export function inspectDisk(source: string | Buffer): DiskInspection {
  return withDevice(source, false, (dev) => {
    const gpt = readGpt(dev);
    const boot = gpt.partitions.find((p) => p.name === "BOOT");
    return { gpt, talos: boot ? inspectTalos(dev, gpt, boot) : null };
  });
}

/** True when the disk holds a complete, unmodified synthetic Talos image. */
export function isIntactTalos(i: DiskInspection): boolean {
  return i.talos !== null && i.talos.manifest !== null && i.talos.problems.length === 0;
}

function inspectTalos(dev: Device, gpt: GptRead, boot: GptPartition): TalosOnDisk {
  const state = gpt.partitions.find((p) => p.name === "STATE") ?? null;
  const problems: string[] = [];
  if (!gpt.primary.ok) problems.push(gpt.primary.problem);
  if (!gpt.backup.ok) problems.push(gpt.backup.problem);
  const manifest = readManifest(dev, boot);
  if (!manifest) return { manifest, key: null, problems: [...problems, "no Talos manifest in BOOT"], state };
  const actual = regionHashes((o, l) => dev.read(o, l), gpt.partitions);
  for (const region of IMMUTABLE) {
    if (actual[region] !== manifest.hashes?.[region])
      problems.push(`${region} content does not match the image manifest`);
  }
  return { manifest, key: imageKey(manifest), problems, state };
}

function readManifest(dev: Device, boot: GptPartition): TalosManifest | null {
  const block = dev.read(boot.firstLba * SECTOR, MANIFEST_AREA);
  if (block.toString("latin1", 0, 8) !== MANIFEST_MAGIC) return null;
  const len = block.readUInt32LE(8);
  if (len > MANIFEST_AREA - 12) return null;
  try {
    const m = JSON.parse(block.toString("utf8", 12, 12 + len)) as TalosManifest;
    return m.format === "talos-sim-image/1" ? m : null;
  } catch {
    return null;
  }
}
