/**
 * Rendering one node's config for the runtime: renderMachineConfig with the process-wide cache, and
 * when talosctl's strict validation fails, a search for the first patch after which it fails, so
 * the error names that patch instead of "the config".
 */
import { createHash } from "crypto";
import { errorMessage, isError } from "../../internal/errors";
import {
  ConfigGenerator,
  ConfigPatchError,
  RenderArgs,
  RenderedConfig,
  applyLoadedPatches,
  loadRenderPatches,
  renderMachineConfig,
} from "../../talos/config";
import type { LoadedPatch } from "../../talos/config";
import { RuntimeDeps } from "./deps";
import { MachineConfigInputs, renderArgsOf } from "./types";

/**
 * The ConfigGenerator view of the deps' talosctl, through the on-disk cache when the client is a real
 * binary (a preview in a new provider process then spawns nothing for configs it rendered before).
 */
function generatorOf(deps: RuntimeDeps): ConfigGenerator {
  const t = deps.talosctl();
  const binary = (t as { binary?: unknown }).binary;
  const disk = typeof binary === "string" ? deps.diskCache?.(binary) : undefined;
  if (!disk)
    return { genConfig: (o) => t.genConfig(o), validate: (config, mode, strict) => t.validate(config, mode, strict) };
  return {
    genConfig: (o) => disk.genConfig(o, () => t.genConfig(o)),
    validate: (config, mode, strict) => disk.validate(config, mode, strict, () => t.validate(config, mode, strict)),
  };
}

// Renders already validated in this process, per render cache: `pulumi up` runs check and then
// create/update in the same provider process, and rendering is deterministic, so the second
// render (one more `talosctl validate`) is skipped. Bounded; oldest entries go first.
const validated = new WeakMap<object, Map<string, RenderedConfig>>();
const MEMO_SIZE = 256;

function memoOf(deps: RuntimeDeps): Map<string, RenderedConfig> {
  let memo = validated.get(deps.cache);
  if (!memo) validated.set(deps.cache, (memo = new Map()));
  return memo;
}

/** Renders the inputs' config; a validation failure becomes a ConfigPatchError naming the culprit patch. */
export async function renderInputs(i: MachineConfigInputs, deps: RuntimeDeps): Promise<RenderedConfig> {
  const args = renderArgsOf(i);
  const key = createHash("sha256").update(JSON.stringify(args)).digest("hex");
  const memo = memoOf(deps);
  const known = memo.get(key);
  if (known) return known;
  const generator = generatorOf(deps);
  try {
    const rendered = await renderMachineConfig(args, { generator, cache: deps.cache });
    memo.set(key, rendered);
    if (memo.size > MEMO_SIZE) memo.delete(memo.keys().next().value as string);
    return rendered;
  } catch (e) {
    if (!isError(e, "ConfigError")) throw e;
    throw await blameValidation(args, generator, deps, e);
  }
}

/** The cache key of the `gen config` run behind these arguments (what renderMachineConfig uses). */
function genKeyOf(args: RenderArgs) {
  const { clusterName, endpoint, secretsYaml, talosVersion, kubernetesVersion, installImage } = args;
  return { clusterName, endpoint, secretsYaml, talosVersion, kubernetesVersion, installImage };
}

/** The admin talosconfig (client cert signed by certs.os) of the inputs' cached `gen config` run, without validating anything. */
export async function adminTalosconfig(i: MachineConfigInputs, deps: RuntimeDeps): Promise<string> {
  const key = genKeyOf(renderArgsOf(i));
  return (await deps.cache.get(key, () => generatorOf(deps).genConfig(key))).talosconfig;
}

async function problemsOf(
  generator: ConfigGenerator,
  config: string,
  mode: "metal" | "cloud",
): Promise<string | undefined> {
  try {
    await generator.validate(config, mode, true);
    return undefined;
  } catch (e) {
    const problems = (e as { problems?: string[] }).problems;
    return Array.isArray(problems) ? problems.join("; ") : errorMessage(e);
  }
}

/**
 * Finds the shortest prefix of the patches whose result fails validation (binary search: a patch
 * list that fails usually keeps failing once the bad patch is in) and names its last patch.
 */
async function blameValidation(
  args: RenderArgs,
  generator: ConfigGenerator,
  deps: RuntimeDeps,
  original: Error,
): Promise<Error> {
  const patches: LoadedPatch[] = loadRenderPatches(args);
  const key = genKeyOf(args);
  const generated = await deps.cache.get(key, () => generator.genConfig(key));
  const base = args.role === "controlplane" ? generated.controlplane : generated.worker;
  const fails = async (k: number) => problemsOf(generator, applyLoadedPatches(base, patches.slice(0, k)), args.mode);
  let lo = 0;
  let hi = patches.length;
  let problem = await fails(hi);
  if (problem === undefined) return original; // not reproducible patch by patch: keep Talos's own text
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const p = await fails(mid);
    if (p === undefined) lo = mid + 1;
    else [hi, problem] = [mid, p];
  }
  const label = hi === 0 ? "config" : patches[hi - 1].label;
  const where = hi === 0 ? `the generated ${args.role} config` : `the ${args.role} config after this patch`;
  return new ConfigPatchError(label, `${where} is not valid for ${args.mode} mode: ${problem}`, { cause: original });
}

/** The input property a render error belongs to (`nodePatches[1]` → `nodePatches`), or undefined when it is not an input problem. */
export function propertyOfError(e: unknown): string | undefined {
  if (isError(e, "ConfigPatchError")) return (e as ConfigPatchError).patch.replace(/\[\d+\]$/, "");
  if (isError(e, "InputError")) return (e as unknown as { field: string }).field;
  if (isError(e, "UserDataTooLargeError")) return "delivery";
  return undefined;
}
