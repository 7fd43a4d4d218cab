/**
 * `TalosImage` read, update and delete. Read drops a snapshot deleted outside Pulumi from state;
 * update only records the log name and timeouts; delete removes the snapshot only when this
 * resource built it and `retainOnDelete` is not set: an adopted snapshot belongs to whoever built it.
 */
import { isCloudNotFound } from "../../hetzner/cloud";
import { logLine } from "../../internal/log";
import { ReadResult, UpdateResult } from "../dispatch/types";
import { explainCloudError, talosImageDeps } from "./deps";
import { OUTPUT_KEYS, TalosImageInputs, TalosImageOutputs, timingOf } from "./types";
import { worldTimeScale } from "../shared/timing";

const labelOf = (p: TalosImageInputs) => p.resourceName ?? `talos-${p.talosVersion}-${p.arch ?? "x86"}`;
const explained = (e: unknown) => Promise.reject(explainCloudError(e));

/** Refresh: the snapshot's current size and labels; gone → a blank id, so the engine removes it from state. */
export async function readTalosImage(
  id: string,
  props: TalosImageOutputs,
): Promise<ReadResult<TalosImageInputs, TalosImageOutputs>> {
  const deps = talosImageDeps(timingOf(props.timeouts, worldTimeScale()));
  const image = await deps.cloud.images.get(Number(id)).catch(explained);
  if (!image) {
    logLine(`[${labelOf(props)}] snapshot ${id} no longer exists; removing it from the state`);
    return { id: "" };
  }
  return {
    id,
    props: { ...props, imageSizeGb: image.image_size, diskSizeGb: image.disk_size, imageLabels: image.labels },
  };
}

/** Update: only `resourceName` and `timeouts` change in place; the outputs stay those of the snapshot. */
export async function updateTalosImage(
  _id: string,
  olds: TalosImageOutputs,
  _news: TalosImageInputs,
): Promise<UpdateResult<TalosImageOutputs>> {
  return { outs: Object.fromEntries(OUTPUT_KEYS.map((k) => [k, olds[k]])) as Partial<TalosImageOutputs> };
}

/** Delete: removes a snapshot this resource built (unless retained); leaves adopted ones alone; an already deleted one is fine. */
export async function deleteTalosImage(id: string, props: TalosImageOutputs): Promise<void> {
  const label = labelOf(props);
  if (props.adopted)
    return logLine(`[${label}] leaving snapshot ${id} alone: it was adopted, not built by this resource`);
  if (props.retainOnDelete) return logLine(`[${label}] keeping snapshot ${id}: retainOnDelete is set`);
  const deps = talosImageDeps(timingOf(props.timeouts, worldTimeScale()));
  try {
    await deps.cloud.images.delete(Number(id));
    logLine(`[${label}] deleted snapshot ${id}`);
  } catch (e) {
    if (!isCloudNotFound(e)) throw explainCloudError(e);
    logLine(`[${label}] snapshot ${id} was already deleted`);
  }
}
