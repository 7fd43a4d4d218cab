/** Pure decisions about a node's Talos version during a roll: the installer image's tag and whether an upgrade is still needed. */
import { isV1Alpha1, parseConfigDocuments } from "../../../talos/config/documents";
import { valueAt } from "../../../talos/config/k8s-images";
import { LiveConfigs } from "../node";

/** The Talos version tag of an installer image (`…/installer:v1.13.9` → `v1.13.9`), or undefined (a digest, another tag). */
export function imageTag(image: string): string | undefined {
  return /:(v\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)(?:@sha256:[0-9a-f]+)?$/.exec(image)?.[1];
}

/** `machine.install.image` of the config the node keeps, if any. */
export function liveInstallImage(live: LiveConfigs): string | undefined {
  const image = valueAt(
    parseConfigDocuments(live.persistent ?? live.active, "live").find(isV1Alpha1),
    "machine.install.image",
  );
  return typeof image === "string" ? image : undefined;
}

/**
 * True unless the node already runs the target: its reported version differs from the image's tag.
 * When it reports the tag and the previous image had another one (a version change), it is upgraded,
 * even if its config still names the old installer (a roll resumed before the config apply). With the
 * same tag (a schematic change) or an image without one, its config's install image decides.
 */
export function upgradeNeeded(current: string, image: string, live: LiveConfigs, previousImage?: string): boolean {
  const tag = imageTag(image);
  if (tag !== undefined && current !== tag) return true;
  if (tag !== undefined && previousImage !== undefined && imageTag(previousImage) !== tag) return false;
  return liveInstallImage(live) !== image;
}
