/**
 * Renders one node's machine config: `gen config` base for the role (cached per cluster), then the
 * patches in order — install disk, cluster-wide, role, node (with `${variables}`), network, hostname —
 * then `talosctl validate --strict`.
 */
import { InputError, errorMessage } from "../../internal/errors";
import { parseTalosVersion } from "../versions";
import { ConfigError } from "./errors";
import { validateClusterEndpoint, validateRole } from "./endpoint";
import { hostnamePatch, type LabelledPatch } from "./hostname";
import { configHash } from "./normalize";
import { applyConfigPatches, checkConfigPatches } from "./patch";
import type { ConfigPatch } from "./parse";
import { redactConfig } from "./redact";
import { ConfigRenderCache, sharedRenderCache, type GeneratedConfigs } from "./render-cache";
import { substituteInPatch, type PatchVariables } from "./variables";

/** What one node's config is made of. */
export interface RenderArgs {
  clusterName: string;
  /** Kubernetes API endpoint, `https://host:port`. */
  endpoint: string;
  role: "controlplane" | "worker";
  talosVersion: string;
  kubernetesVersion: string;
  installImage: string;
  /** Install disk of this node (patched in, so one `gen config` serves every node). */
  installDisk?: string;
  hostname?: string;
  /** The cluster's secrets bundle (secrets.yaml). */
  secretsYaml: string;
  clusterPatches?: ConfigPatch[];
  rolePatches?: ConfigPatch[];
  /** Node patches; `${name}` is replaced from `variables`. */
  nodePatches?: ConfigPatch[];
  /** The Hetzner networking patch of a RobotServer. */
  networkPatch?: ConfigPatch;
  variables?: PatchVariables;
  mode: "metal" | "cloud";
}

/** The `talosctl` operations rendering needs (implemented by the Talosctl wrapper). */
export interface ConfigGenerator {
  genConfig(o: { clusterName: string; endpoint: string; secretsYaml: string; talosVersion: string; kubernetesVersion: string; installImage: string; installDisk?: string }): Promise<GeneratedConfigs>;
  validate(config: string, mode: "metal" | "cloud", strict: boolean): Promise<{ warnings: string[] } | string[]>;
}

/** Collaborators of `renderMachineConfig`. */
export interface RenderDeps {
  generator: ConfigGenerator;
  /** @default the process-wide shared cache */
  cache?: ConfigRenderCache;
}

/** A rendered node config with its redacted rendering (safe to show in diffs) and hash. */
export interface RenderedConfig {
  config: string;
  redacted: string;
  hash: string;
  warnings: string[];
  /** The admin talosconfig from the same `gen config` run. */
  talosconfig: string;
}

function checkArgs(a: RenderArgs): void {
  validateRole(a.role);
  validateClusterEndpoint(a.endpoint);
  parseTalosVersion(a.talosVersion);
  if (a.mode !== "metal" && a.mode !== "cloud") throw new InputError("mode", `must be "metal" or "cloud", got ${JSON.stringify(a.mode)}`);
  for (const f of ["clusterName", "kubernetesVersion", "installImage", "secretsYaml"] as const) {
    if (typeof a[f] !== "string" || a[f].trim() === "") throw new InputError(f, "must be a non-empty string");
  }
}

/** The patches in their order, each with the name errors use for it. */
export function orderedPatches(a: RenderArgs): LabelledPatch[] {
  const list = (name: string, ps: ConfigPatch[] = []) => ps.map((patch, i) => ({ label: `${name}[${i}]`, patch }));
  const node = list("nodePatches", a.nodePatches).map((p) => ({ ...p, patch: substituteInPatch(p.patch, a.variables ?? {}, p.label) }));
  const out: LabelledPatch[] = [];
  if (a.installDisk) out.push({ label: "installDisk", patch: { machine: { install: { disk: a.installDisk } } } });
  out.push(...list("clusterPatches", a.clusterPatches), ...list("rolePatches", a.rolePatches), ...node);
  if (a.networkPatch !== undefined) out.push({ label: "networkPatch", patch: a.networkPatch });
  if (a.hostname) out.push({ label: "hostname", patch: hostnamePatch({ talosVersion: a.talosVersion, hostname: a.hostname, patches: out }) });
  return out;
}

/** Renders, patches and validates one node's config; argument errors are thrown before anything is spawned. */
export async function renderMachineConfig(args: RenderArgs, deps: RenderDeps): Promise<RenderedConfig> {
  checkArgs(args);
  const patches = orderedPatches(args);
  const labels = patches.map((p) => p.label);
  checkConfigPatches(patches.map((p) => p.patch), { talosVersion: args.talosVersion, labels });
  const cache = deps.cache ?? sharedRenderCache;
  const { clusterName, endpoint, secretsYaml, talosVersion, kubernetesVersion, installImage } = args;
  const key = { clusterName, endpoint, secretsYaml, talosVersion, kubernetesVersion, installImage };
  const generated = await cache.get(key, () => deps.generator.genConfig(key));
  const base = args.role === "controlplane" ? generated.controlplane : generated.worker;
  const config = applyConfigPatches(base, patches.map((p) => p.patch), { talosVersion, labels });
  let result: { warnings: string[] } | string[];
  try {
    result = await deps.generator.validate(config, args.mode, true);
  } catch (e) {
    throw new ConfigError(`rendered ${args.role} config is not valid for ${args.mode} mode: ${errorMessage(e)}`, { cause: e });
  }
  const warnings = Array.isArray(result) ? result : result?.warnings ?? [];
  return { config, redacted: redactConfig(config), hash: configHash(config), warnings, talosconfig: generated.talosconfig };
}
