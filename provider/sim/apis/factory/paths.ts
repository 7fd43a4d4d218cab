/** URL shapes of the Image Factory and of GitHub release assets (contracts/talosctl.md §20), parsed purely. */
import { contractAtLeast } from "../../../talos/versions";

/** Compression suffix of a raw disk image. */
export type ImageExt = "xz" | "zst";

/** Which synthetic image a path asks for. */
export interface ImageRequest {
  platform: "metal" | "hcloud";
  arch: "amd64" | "arm64";
  ext: ImageExt;
}

/** Parses `<platform>-<arch>.raw.<xz|zst>`; null for anything else (the factory answers 400). */
export function parseImageFile(file: string): ImageRequest | null {
  const m = /^(metal|hcloud)-(amd64|arm64)\.raw\.(xz|zst)$/.exec(file);
  return m
    ? { platform: m[1] as ImageRequest["platform"], arch: m[2] as ImageRequest["arch"], ext: m[3] as ImageExt }
    : null;
}

/** The release asset name GitHub has for a version: `.raw.zst` from v1.8, `.raw.xz` up to v1.7. */
export function releaseAssetExt(version: string): ImageExt {
  return contractAtLeast(version, "v1.8") ? "zst" : "xz";
}

/** Parses a release asset file name; null unless it is the metal raw image this version was published with. */
export function parseReleaseAsset(version: string, file: string): ImageRequest | null {
  const req = parseImageFile(file);
  return req && req.platform === "metal" && req.ext === releaseAssetExt(version) ? req : null;
}

/** Options of `imageUrl`. */
export interface ImageUrlOptions {
  schematic: string;
  version: string;
  platform: "metal" | "hcloud";
  arch: "amd64" | "arm64";
  ext: ImageExt;
}

/** `<factory>/image/<schematic>/<version>/<platform>-<arch>.raw.<ext>`. */
export function imageUrl(factoryUrl: string, o: ImageUrlOptions): string {
  return `${factoryUrl.replace(/\/+$/, "")}/image/${o.schematic}/${o.version}/${o.platform}-${o.arch}.raw.${o.ext}`;
}

/** `<base>/siderolabs/talos/releases/download/<version>/metal-<arch>.raw.<ext>` as GitHub serves it. */
export function releaseUrl(baseUrl: string, version: string, arch: "amd64" | "arm64"): string {
  return `${baseUrl.replace(/\/+$/, "")}/siderolabs/talos/releases/download/${version}/metal-${arch}.raw.${releaseAssetExt(version)}`;
}
