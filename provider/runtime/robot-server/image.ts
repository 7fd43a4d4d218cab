/**
 * The image a `RobotServer` installs: its URL (Image Factory or explicit), its Talos version, and a
 * check that it exists before anything on the server is touched.
 */
import { isError } from "../../internal/errors";
import { StepLogger } from "../../internal/log";
import { ImageFactoryError, checkImageExists, imageUrl } from "../../talos/factory";
import { VANILLA_SCHEMATIC_ID } from "../../talos/schematic";
import { imageCompression } from "../../talos/versions";
import { versionInUrl } from "./check";
import { RobotServerImage } from "./types";

/** A resolved image. */
export interface ResolvedImage {
  url: string;
  /** Talos version (`v1.13.9`): decides the networkPatch form. */
  version: string;
  /** Expected sha256 of the decompressed image, if the user gave one. */
  sha256?: string;
}

/**
 * The image URL: an explicit `url` as given, else the Image Factory's metal image for the version,
 * schematic and arch, compressed the way that version's release is (xz ≤ v1.7, zstd from v1.8).
 */
export function resolveImage(image: RobotServerImage, factoryUrl: string): ResolvedImage {
  const version = image.version ?? versionInUrl(image.url ?? "");
  if (!version)
    throw new Error("image.version is required when image.url names no version (check() should have refused this)");
  const url =
    image.url ??
    imageUrl({
      factoryUrl,
      schematicId: image.schematicId ?? VANILLA_SCHEMATIC_ID,
      version,
      platform: "metal",
      arch: image.arch ?? "amd64",
      compression: imageCompression(version),
    });
  return { url, version, ...(image.sha256 ? { sha256: image.sha256 } : {}) };
}

/**
 * HEADs the image so a missing version or schematic stops the run before the server is reset. Only a
 * 404/410 is fatal: some plain web servers refuse HEAD (405), and the streamed download still fails
 * cleanly under pipefail if the image really is missing.
 */
export async function ensureImageExists(
  image: ResolvedImage,
  log: StepLogger,
  sleep?: (ms: number) => Promise<void>,
): Promise<void> {
  try {
    await checkImageExists(image.url, { retry: { attempts: 3, initialMs: 500, ...(sleep ? { sleep } : {}) } });
  } catch (e) {
    const status = isError(e, "ImageFactoryError") ? (e as ImageFactoryError).status : undefined;
    if (status === 404 || status === 410) throw e;
    log.warn(`could not confirm that the image exists (${(e as Error).message}); the download will tell`);
  }
}
