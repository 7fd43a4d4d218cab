/**
 * `TalosImage` create: adopt an available snapshot with the image's labels (no server is created),
 * else make sure the factory has the image, take the build lock (or wait for the run that holds it
 * and adopt its snapshot) and build. A build whose cleanup failed is recorded as a partial resource:
 * the snapshot exists and is managed, and the error says what was left behind.
 */
import { Image } from "../../hetzner/cloud";
import { selectorFor } from "../../internal/labels";
import { checkImageExists, resolveSchematicId } from "../../talos/factory";
import { schematicId as localSchematicId } from "../../talos/schematic";
import { CreateResult } from "../dispatch/types";
import { PartialResourceError } from "../dispatch/errors";
import { buildSnapshot } from "./build";
import { CleanupError } from "./cleanup";
import { TalosImageDeps, talosImageDeps } from "./deps";
import { acquireOrAdopt } from "./lock";
import { ImagePlan, RunContext, findSnapshots, planFor, redactUrl } from "./plan";
import { CREATE_STEPS, Steps } from "./steps";
import { TalosImageInputs, TalosImageOutputs, timingOf } from "./types";
import { worldTimeScale } from "../shared/timing";

/** The outputs for a snapshot: what it is and whether it was adopted. */
export function outputsOf(plan: ImagePlan, image: Image, adopted: boolean): Partial<TalosImageOutputs> {
  return {
    arch: plan.arch,
    imageId: image.id,
    resolvedSchematicId: plan.schematicId,
    imageSizeGb: image.image_size,
    diskSizeGb: image.disk_size,
    adopted,
    imageLabels: image.labels,
    sourceUrl: plan.url,
  };
}

/** The schematic id computed locally: the given id, else the id of the schematic (the factory computes the same). */
export function localSchematic(inputs: TalosImageInputs): string {
  return inputs.schematicId ?? localSchematicId(inputs.schematic ?? {});
}

/** Create: adopt or build; see the module comment. */
export async function createTalosImage(inputs: TalosImageInputs): Promise<CreateResult<TalosImageOutputs>> {
  const timing = timingOf(inputs.timeouts, worldTimeScale());
  const deps = talosImageDeps(timing);
  let plan = planFor(inputs, localSchematic(inputs), deps.factoryUrl);
  const steps = new Steps(plan.label, CREATE_STEPS);
  const adopt = (image: Image, how: string) => {
    steps.log.info(`adopting snapshot ${image.id} (${how}); no builder server was created`);
    return { id: String(image.id), outs: outputsOf(plan, image, true) };
  };
  const existing = await steps.run(`looking for a snapshot labelled ${selectorFor(plan.keyLabels)}`, () =>
    findSnapshots(deps, plan),
  );
  const available = existing.find((i) => i.status === "available");
  if (available) return adopt(available, "found by its labels");
  plan = await steps.run("resolving the schematic with the Image Factory", () =>
    factoryPlan(inputs, plan, deps, steps),
  );
  await steps.run(`checking that ${redactUrl(plan.url)} exists`, () =>
    checkImageExists(plan.url, { retry: { sleep: deps.sleep } }),
  );
  const c: RunContext = { deps, plan, timing, log: steps.log };
  const outcome = await steps.run("taking the build lock of this image", () => acquireOrAdopt(c));
  if (outcome.kind === "adopt") return adopt(outcome.image, "built by another run");
  const built = await buildSnapshot(c, steps, outcome.lock);
  const outs = outputsOf(plan, built.image, false);
  steps.log.info(`snapshot ${built.image.id} is available (${built.image.image_size ?? "?"} GB)`);
  if (built.cleanupProblems.length)
    throw new PartialResourceError(String(built.image.id), outs, new CleanupError(plan.label, built.cleanupProblems));
  return { id: String(built.image.id), outs };
}

/** Registers the schematic with the factory (POST /schematics); a different id than the local one re-plans with the factory's. */
async function factoryPlan(
  inputs: TalosImageInputs,
  plan: ImagePlan,
  deps: TalosImageDeps,
  steps: Steps,
): Promise<ImagePlan> {
  const id = await resolveSchematicId({
    factoryUrl: deps.factoryUrl,
    schematic: inputs.schematic,
    schematicId: inputs.schematicId,
    retry: { sleep: deps.sleep },
  });
  if (id === plan.schematicId) return plan;
  steps.log.warn(
    `the Image Factory answered schematic id ${id}, but it computes to ${plan.schematicId} here; using the factory's id`,
  );
  return planFor(inputs, id, deps.factoryUrl);
}
