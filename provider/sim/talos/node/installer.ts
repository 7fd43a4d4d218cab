/**
 * Installer image checks of `upgrade`: the image must exist in its registry the way a containerd pull
 * would find it — ghcr.io/siderolabs/installer and the factory's `[<platform>-]installer/<schematic>`
 * repositories exist only for releases the simulator knows (versions.ts) and schematics a factory
 * simulator of the world knows; images of other registries (private mirrors) are taken on trust.
 */
import { VANILLA_SCHEMATIC_ID } from "../../../talos/schematic";
import { factoriesOf, schematicKnown } from "../../apis/factory/registry";
import { knownRelease } from "../versions";
import { TalosNode } from "./node";

/** containerd's resolver text for a missing manifest (errdefs.ErrNotFound wrapped with the reference). */
function imageNotFound(image: string): string {
  return `failed to resolve reference ${JSON.stringify(image)}: ${image}: not found`;
}

interface Ref {
  host: string;
  repo: string;
  tag: string;
}

/** Splits `host/repo:tag[@digest]` (no tag → `latest`, like a registry pull). */
function parseImageRef(image: string): Ref {
  const name = image.split("@")[0];
  const slash = name.indexOf("/");
  const host = slash > 0 ? name.slice(0, slash) : "docker.io";
  const rest = slash > 0 ? name.slice(slash + 1) : name;
  const colon = rest.lastIndexOf(":");
  return colon > 0
    ? { host, repo: rest.slice(0, colon), tag: rest.slice(colon + 1) }
    : { host, repo: rest, tag: "latest" };
}

function factoryHosts(node: TalosNode): string[] {
  return ["factory.talos.dev", ...factoriesOf(node.host.world).map((f) => f.host)];
}

function versionServed(node: TalosNode, ref: Ref): boolean {
  const sim = ref.host === "factory.talos.dev" ? undefined : ref.host;
  return knownRelease(ref.tag) || factoriesOf(node.host.world, sim).some((f) => f.versions.includes(ref.tag));
}

/** Null when the node could pull `image`, else the registry's error text. */
export function installerProblem(node: TalosNode, image: string): string | null {
  const ref = parseImageRef(image);
  if (ref.host === "ghcr.io")
    return ref.repo === "siderolabs/installer" && knownRelease(ref.tag) ? null : imageNotFound(image);
  if (!factoryHosts(node).includes(ref.host)) return null;
  const m = /^(?:[a-z0-9]+-)?installer\/([^/]+)$/.exec(ref.repo);
  if (!m || !versionServed(node, ref)) return imageNotFound(image);
  const schematic = m[1];
  const known =
    schematic === VANILLA_SCHEMATIC_ID ||
    schematic === node.boot.image.schematic ||
    schematicKnown(node.host.world, schematic, ref.host === "factory.talos.dev" ? undefined : ref.host);
  return known ? null : imageNotFound(image);
}
