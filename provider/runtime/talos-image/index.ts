/**
 * Runtime of `TalosImage` (provider/resources/talos-image.ts): what the thin shim dispatches to.
 * check validates at preview time; every input change replaces except the log name and the
 * timeouts; create/read/update/delete live in their own modules.
 */
import { changedKeys } from "../dispatch/diff";
import { DiffResult, Props, ResourceRuntime, isUnknown } from "../dispatch/types";
import { setting } from "../shared/config";
import { checkInputs } from "./check";
import { Catalog, cloudCatalogFailures } from "./cloud-check";
import { talosImageDeps } from "./deps";
import { createTalosImage, localSchematic } from "./create";
import { deleteTalosImage, readTalosImage, updateTalosImage } from "./lifecycle";
import { INPUT_KEYS, TALOS_IMAGE_FIELDS, TalosImageInputs, TalosImageOutputs, timingOf } from "./types";

export { setTalosImageDeps, depsFromSettings, TalosImageDeps, TalosImageDepsFactory } from "./deps";
export { sweepTalosImageLeftovers, SweepOptions, SweepResult } from "./sweep";
export { timingOf } from "./types";

/**
 * The diff of old outputs against new inputs: every changed input replaces, except `resourceName`
 * and `timeouts`. When the image stays the same (version, arch and schematic id), the old resource
 * is deleted first: created first, the replacement would adopt the old snapshot, which the old
 * resource's delete would then remove.
 */
export function diffTalosImage(olds: Props, news: Props): DiffResult {
  const changed = changedKeys(olds, news, INPUT_KEYS);
  const replaces = changed.filter((k) => (TALOS_IMAGE_FIELDS.replaceKeys as string[]).includes(k));
  const result: DiffResult = { changes: changed.length > 0, replaces };
  if (replaces.length > 0 && sameImage(olds, news)) result.deleteBeforeReplace = true;
  return result;
}

function sameImage(olds: Props, news: Props): boolean {
  if (["talosVersion", "arch", "schematic", "schematicId"].some((k) => isUnknown(news[k]))) return false;
  let id: string;
  try {
    id = localSchematic(news as unknown as TalosImageInputs);
  } catch {
    return false;
  }
  return (
    olds.talosVersion === news.talosVersion &&
    (olds.arch ?? "x86") === (news.arch ?? "x86") &&
    olds.resolvedSchematicId === id
  );
}

/** The Cloud catalogue for preview checks; none without a Cloud token (the offline checks still run). */
function catalogForCheck(news: Props): Catalog | undefined {
  if (setting("hcloudToken") === undefined) return undefined;
  let t;
  try {
    t = timingOf(news.timeouts as TalosImageInputs["timeouts"]);
  } catch {
    t = timingOf(undefined);
  }
  return talosImageDeps(t).cloud.catalog;
}

/** The TalosImage runtime. */
export const runtime: ResourceRuntime<TalosImageInputs, TalosImageOutputs> = {
  async check(_olds, news) {
    const r = checkInputs(news);
    const catalog = catalogForCheck(news);
    const failed = new Set(r.failures.map((f) => f.property));
    const online = catalog ? await cloudCatalogFailures(catalog, r.inputs, failed) : [];
    return { inputs: r.inputs as unknown as TalosImageInputs, failures: [...r.failures, ...online] };
  },
  async diff(_id, olds, news) {
    return diffTalosImage(olds as unknown as Props, news as unknown as Props);
  },
  create: createTalosImage,
  read: readTalosImage,
  update: updateTalosImage,
  delete: deleteTalosImage,
};
