/**
 * Synthetic Talos disk images: a real GPT with Talos's partition names and types (EFI, BIOS, BOOT,
 * META, STATE), a manifest in BOOT that names the image and hashes every immutable region, and
 * pseudo-random "binaries" so xz/zstd ratios look like the real thing. ~30 MiB instead of ~1.3 GiB.
 */
import { ServedImage } from "../../types";
import { bufferDevice } from "./device";
import { FIRST_ALIGNED_LBA, GptPartition, PART_TYPE, SECTOR, writeGpt } from "./gpt";
import { seededGuid } from "./guid";
import { pseudoRandom, sha256 } from "./random";

const MiB = 1024 * 1024;
/** Partition sizes in MiB, in Talos's on-disk order. */
const LAYOUT: [name: string, type: string, mib: number][] = [
  ["EFI", PART_TYPE.efi, 8],
  ["BIOS", PART_TYPE.bios, 1],
  ["BOOT", PART_TYPE.linux, 12],
  ["META", PART_TYPE.linux, 1],
  ["STATE", PART_TYPE.linux, 6],
];
/** Total image size: 1 MiB alignment gap + partitions + 1 MiB holding the backup GPT. */
export const TALOS_IMAGE_BYTES = (1 + LAYOUT.reduce((s, l) => s + l[2], 0) + 1) * MiB;
/** Bytes at the start of BOOT that hold the manifest (the rest of BOOT is hashed). */
export const MANIFEST_AREA = 64 * 1024;
/** Tag in front of the manifest JSON. */
export const MANIFEST_MAGIC = "TSIMIMG1";
/** Regions whose hashes the manifest records; everything a bootloader reads before Talos runs. */
export const IMMUTABLE = ["MBR", "EFI", "BIOS", "BOOT"] as const;
/** Legacy-BIOS-bootable attribute (bit 2), which Talos sets on its BIOS partition. */
const LEGACY_BIOS_BOOTABLE = BigInt(1) << BigInt(2);

/** What identifies an image and proves its content. */
export interface TalosManifest extends ServedImage {
  format: "talos-sim-image/1";
  cmdline: string;
  hashes: Record<(typeof IMMUTABLE)[number], string>;
}

/** The GPT entries of a Talos image (sizes above, 1 MiB aligned). */
export function talosPartitions(id: ServedImage): GptPartition[] {
  let lba = FIRST_ALIGNED_LBA;
  return LAYOUT.map(([name, typeGuid, mib]) => {
    const sectors = (mib * MiB) / SECTOR;
    const p = {
      typeGuid,
      name,
      uniqueGuid: seededGuid(`${idSeed(id)}/${name}`),
      firstLba: lba,
      lastLba: lba + sectors - 1,
      attributes: name === "BIOS" ? LEGACY_BIOS_BOOTABLE : BigInt(0),
    };
    lba += sectors;
    return p;
  });
}

/** Builds the raw disk image of one Talos version/arch/platform/schematic (deterministic). */
export function buildTalosImage(id: ServedImage): Buffer {
  const img = Buffer.alloc(TALOS_IMAGE_BYTES);
  const parts = talosPartitions(id);
  const seed = idSeed(id);
  writeGpt(
    bufferDevice(img),
    { diskGuid: seededGuid(seed), totalSectors: img.length / SECTOR, partitions: parts },
    bootCode(seed),
  );
  const at = (name: string) => parts.find((p) => p.name === name)!.firstLba * SECTOR;
  fillEfi(img, at("EFI"), seed);
  pseudoRandom(`${seed}/grub-core`, 64 * 1024).copy(img, at("BIOS"));
  const cmdline = kernelCmdline(id);
  fillBoot(img, at("BOOT") + MANIFEST_AREA, seed, cmdline);
  const hashes = regionHashes(img, parts);
  const manifest: TalosManifest = { format: "talos-sim-image/1", ...pickId(id), cmdline, hashes };
  encodeManifest(manifest).copy(img, at("BOOT"));
  return img;
}

/** The manifest block: magic, u32 length, JSON. */
export function encodeManifest(m: TalosManifest): Buffer {
  const json = Buffer.from(JSON.stringify(m));
  const head = Buffer.alloc(12);
  head.write(MANIFEST_MAGIC, 0, "latin1");
  head.writeUInt32LE(json.length, 8);
  return Buffer.concat([head, json]);
}

/** sha256 of each immutable region, read through `read(offset, length)`. */
export function regionHashes(
  src: Buffer | ((o: number, l: number) => Buffer),
  parts: GptPartition[],
): TalosManifest["hashes"] {
  const read = typeof src === "function" ? src : (o: number, l: number) => src.subarray(o, o + l);
  const part = (name: string) => parts.find((p) => p.name === name);
  const range = (name: string, skip = 0) => {
    const p = part(name);
    if (!p) return sha256("missing");
    return sha256(read(p.firstLba * SECTOR + skip, (p.lastLba - p.firstLba + 1) * SECTOR - skip));
  };
  return { MBR: sha256(read(0, 440)), EFI: range("EFI"), BIOS: range("BIOS"), BOOT: range("BOOT", MANIFEST_AREA) };
}

/** The key `world.servedImages` uses: sha256 of the manifest, which hashes all immutable content. */
export function imageKey(m: TalosManifest): string {
  return sha256(encodeManifest(m));
}

/** The kernel command line baked into the image (platform, like the factory's images). */
export function kernelCmdline(id: ServedImage): string {
  const base = `talos.platform=${id.platform} console=tty0 init_on_alloc=1 slab_nomerge pti=on`;
  return id.platform === "hcloud" ? `${base} console=tty1 console=ttyS0 net.ifnames=0` : base;
}

function pickId(id: ServedImage): ServedImage {
  return { version: id.version, arch: id.arch, platform: id.platform, schematic: id.schematic };
}

function idSeed(id: ServedImage): string {
  return `talos/${id.version}/${id.arch}/${id.platform}/${id.schematic}`;
}

function bootCode(seed: string): Buffer {
  // GRUB's boot.img lives in the MBR's first 440 bytes; BIOS firmware only boots a disk that has it.
  const code = pseudoRandom(`${seed}/boot.img`, 440);
  code.write("GRUB ", 0x180, "latin1");
  return code;
}

function fillEfi(img: Buffer, at: number, seed: string): void {
  img.write("EFI/BOOT/BOOTX64.EFI systemd-boot EFI/Linux/Talos-A.efi\n", at + 3, "latin1");
  pseudoRandom(`${seed}/uki`, 512 * 1024).copy(img, at + 64 * 1024);
}

function fillBoot(img: Buffer, at: number, seed: string, cmdline: string): void {
  const text = Buffer.from(`linux /A/vmlinuz ${cmdline}\ninitrd /A/initramfs.xz\n`.repeat(2048));
  text.copy(img, at);
  pseudoRandom(`${seed}/kernel+initramfs`, 640 * 1024).copy(img, at + text.length);
}
