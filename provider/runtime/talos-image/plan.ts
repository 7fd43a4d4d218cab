/**
 * What one `TalosImage` run makes: the resolved schematic id, the download URL, the labels that find
 * the snapshot again, the builder's type and location, and the build-lock key shared by every run
 * (any stack) that asks for the same image.
 */
import { createHash } from "crypto";
import { Image } from "../../hetzner/cloud";
import { selectorFor, talosImageLabels } from "../../internal/labels";
import { imageUrl, resolveSchematicId } from "../../talos/factory";
import { imageCompression } from "../../talos/versions";
import { StepLogger } from "../../internal/log";
import { CleanupOptions } from "./cleanup";
import { TalosImageDeps } from "./deps";
import { CloudArch, DEFAULT_LOCATION, DEFAULT_SERVER_TYPE, TalosImageInputs, Timing } from "./types";

/** Everything a run needs to find or build the snapshot. */
export interface ImagePlan {
  /** Resource name for log lines. */
  label: string;
  version: string;
  arch: CloudArch;
  schematicId: string;
  url: string;
  location: string;
  serverType: string;
  /** Labels every snapshot of this image carries; their selector finds it again. */
  keyLabels: Record<string, string>;
  /** Labels put on the snapshot: the user's plus `keyLabels`. */
  snapshotLabels: Record<string, string>;
  description: string;
  /** 32 hex characters naming the image (version, arch, full schematic id) in build-lock labels. */
  imageKey: string;
  /** Sources the builder's temporary firewall admits to SSH; empty: no firewall. */
  adminCidrs: string[];
}

/** What every part of one run shares. */
export interface RunContext {
  deps: TalosImageDeps;
  plan: ImagePlan;
  timing: Timing;
  log: StepLogger;
}

/** How a run removes temporaries: each delete action may take `actionMs`; lines go to the run's log as `Cleanup:` lines. */
export function cleanupOptions(c: RunContext): CleanupOptions {
  return {
    timeoutMs: c.timing.actionMs,
    pollMs: c.timing.pollMs,
    sleep: c.deps.sleep,
    report: (l) => c.log.cleanup(l),
  };
}

/** Talos's name of a Hetzner architecture. */
export function talosArch(arch: CloudArch): "amd64" | "arm64" {
  return arch === "arm" ? "arm64" : "amd64";
}

/** The build-lock key of an image: sha256 of version, arch and the full schematic id, first 32 hex (a label value). */
export function imageKeyOf(version: string, arch: CloudArch, schematicId: string): string {
  return createHash("sha256").update(`${version}\n${arch}\n${schematicId}`).digest("hex").slice(0, 32);
}

/** The plan without network access, for a schematic id already known. */
export function planFor(inputs: TalosImageInputs, schematicId: string, factoryUrl: string): ImagePlan {
  const arch = inputs.arch ?? "x86";
  const version = inputs.talosVersion;
  const keyLabels = talosImageLabels({ version, arch, schematicId });
  const url =
    inputs.imageUrl ??
    imageUrl({
      factoryUrl,
      schematicId,
      version,
      platform: "hcloud",
      arch: talosArch(arch),
      compression: imageCompression(version),
    });
  return {
    label: inputs.resourceName ?? `talos-${version}-${arch}`,
    version,
    arch,
    schematicId,
    url,
    location: inputs.location ?? DEFAULT_LOCATION,
    serverType: inputs.serverType ?? DEFAULT_SERVER_TYPE[arch],
    keyLabels,
    snapshotLabels: { ...(inputs.labels ?? {}), ...keyLabels },
    description: inputs.description ?? `Talos ${version} ${arch} (schematic ${schematicId.slice(0, 12)})`,
    imageKey: imageKeyOf(version, arch, schematicId),
    adminCidrs: inputs.adminCidrs ?? [],
  };
}

/** The plan of a run: asks the factory for the schematic id unless it is given or the empty schematic. */
export async function resolvePlan(inputs: TalosImageInputs, deps: TalosImageDeps): Promise<ImagePlan> {
  const schematicId = await resolveSchematicId({
    factoryUrl: deps.factoryUrl,
    schematic: inputs.schematic,
    schematicId: inputs.schematicId,
    retry: { sleep: deps.sleep },
  });
  return planFor(inputs, schematicId, deps.factoryUrl);
}

/** Snapshots of this image, newest first (any status); the first `available` one is adopted. */
export async function findSnapshots(deps: TalosImageDeps, plan: ImagePlan): Promise<Image[]> {
  return deps.cloud.images.list({
    type: "snapshot",
    labelSelector: selectorFor(plan.keyLabels),
    architecture: plan.arch,
    sort: ["created:desc"],
  });
}

/** The URL without credentials or query (which may carry tokens), for log lines. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}
