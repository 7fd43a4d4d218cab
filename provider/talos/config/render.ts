/**
 * Renders one node's machine config: `gen config` base for the role (cached per cluster), then the
 * patches in order — install disk, cluster-wide, role, node (with `${variables}`), network, hostname —
 * then `talosctl validate --strict`.
 */
import { InputError, errorMessage } from "../../internal/errors";
import { registerSecret } from "../../internal/log";
import { parseTalosVersion } from "../versions";
import { ConfigError } from "./errors";
import { validateClusterEndpoint, validateRole } from "./endpoint";
import { assertNoHostnameConflict, hostnamePatch, type LabelledPatch } from "./hostname";
import { configHash } from "./normalize";
import { applyLoadedPatches, loadConfigPatches, type LoadedPatch } from "./patch";
import type { ConfigPatch } from "./parse";
import { redactConfig, secretValuesOf } from "./redact";
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
  /** Node patches; `${name}` is replaced from `variables` (`${hostname}` defaults to `hostname`). */
  nodePatches?: ConfigPatch[];
  /** The Hetzner networking patch of a RobotServer. */
  networkPatch?: ConfigPatch;
  variables?: PatchVariables;
  mode: "metal" | "cloud";
}

/** The `talosctl` operations rendering needs (implemented by the Talosctl wrapper). */
export interface ConfigGenerator {
  genConfig(o: {
    clusterName: string;
    endpoint: string;
    secretsYaml: string;
    talosVersion: string;
    kubernetesVersion: string;
    installImage: string;
    installDisk?: string;
  }): Promise<GeneratedConfigs>;
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
  if (a.mode !== "metal" && a.mode !== "cloud")
    throw new InputError("mode", `must be "metal" or "cloud", got ${JSON.stringify(a.mode)}`);
  for (const f of ["clusterName", "kubernetesVersion", "installImage", "secretsYaml"] as const) {
    if (typeof a[f] !== "string" || a[f].trim() === "") throw new InputError(f, "must be a non-empty string");
  }
}

/** The patches in their order, loaded once (errors name the list and index): install disk, cluster, role, node, network, hostname. */
export function loadRenderPatches(a: RenderArgs): LoadedPatch[] {
  const list = (name: string, ps: ConfigPatch[] = []) => ps.map((patch, i) => ({ label: `${name}[${i}]`, patch }));
  const vars = { ...(a.hostname ? { hostname: a.hostname } : {}), ...a.variables };
  const node = list("nodePatches", a.nodePatches).map((p) => ({
    ...p,
    patch: substituteInPatch(p.patch, vars, p.label),
  }));
  const user: LabelledPatch[] = [];
  if (a.installDisk) user.push({ label: "installDisk", patch: { machine: { install: { disk: a.installDisk } } } });
  user.push(...list("clusterPatches", a.clusterPatches), ...list("rolePatches", a.rolePatches), ...node);
  if (a.networkPatch !== undefined) user.push({ label: "networkPatch", patch: a.networkPatch });
  const load = (ps: LabelledPatch[]) =>
    loadConfigPatches(
      ps.map((p) => p.patch),
      { talosVersion: a.talosVersion, labels: ps.map((p) => p.label) },
    );
  const loaded = load(user);
  if (!a.hostname) return loaded;
  assertNoHostnameConflict(a.talosVersion, loaded);
  return [
    ...loaded,
    ...load([{ label: "hostname", patch: hostnamePatch({ talosVersion: a.talosVersion, hostname: a.hostname }) }]),
  ];
}

/** Renders, patches and validates one node's config; argument errors are thrown before anything is spawned. */
export async function renderMachineConfig(args: RenderArgs, deps: RenderDeps): Promise<RenderedConfig> {
  checkArgs(args);
  const patches = loadRenderPatches(args);
  const cache = deps.cache ?? sharedRenderCache;
  const { clusterName, endpoint, secretsYaml, talosVersion, kubernetesVersion, installImage } = args;
  const key = { clusterName, endpoint, secretsYaml, talosVersion, kubernetesVersion, installImage };
  const generated = await cache.get(key, () => deps.generator.genConfig(key));
  const base = args.role === "controlplane" ? generated.controlplane : generated.worker;
  const config = applyLoadedPatches(base, patches);
  // Validation messages may quote the user's values (a URL with its password): mask them from here on.
  registerSecret(...secretValuesOf(config));
  let result: { warnings: string[] } | string[];
  try {
    result = await deps.generator.validate(config, args.mode, true);
  } catch (e) {
    throw new ConfigError(`rendered ${args.role} config is not valid for ${args.mode} mode: ${errorMessage(e)}`, {
      cause: e,
    });
  }
  const warnings = Array.isArray(result) ? result : (result?.warnings ?? []);
  return {
    config,
    redacted: redactConfig(config),
    hash: configHash(config),
    warnings,
    talosconfig: generated.talosconfig,
  };
}
