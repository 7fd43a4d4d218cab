/**
 * Collaborators of the TalosSecrets/TalosMachineConfig runtimes: the talosctl binary (from stack
 * config `talos-hetzner:talosctl`, `$TALOSCTL`, or PATH), the process-wide render cache, and the
 * clock/sleep that tests replace so waits take milliseconds.
 */
import * as fs from "fs";
import * as path from "path";
import { Sleep, realSleep } from "../internal/retry";
import { ConfigRenderCache, sharedRenderCache } from "../talos/config";
import type { ApplyConfigOptions, ApplyResult, GetOptions, ResetOptions, TalosResource } from "../talos/talosctl";
import { Talosctl } from "../talos/talosctl";
import { SETTINGS, setting } from "./config";
import { overridableDeps } from "./overridable";

/** The talosctl operations the two runtimes use (the `Talosctl` class implements it; tests fake it). */
export interface TalosClient {
  genSecrets(talosVersion: string): Promise<string>;
  genConfig(o: Parameters<Talosctl["genConfig"]>[0]): ReturnType<Talosctl["genConfig"]>;
  validate(config: string, mode: "metal" | "cloud", strict: boolean): Promise<string[]>;
  applyConfig(o: ApplyConfigOptions): Promise<ApplyResult>;
  getResources(type: string, o: GetOptions): Promise<TalosResource[]>;
  reset(o: ResetOptions): Promise<void>;
}

/** Everything the runtimes need from outside. */
export interface RuntimeDeps {
  talosctl(): TalosClient;
  cache: ConfigRenderCache;
  sleep: Sleep;
  now: () => number;
}

/** A bare command name (`talosctl-1.13`) found on PATH, else the value unchanged. */
function onPath(value: string, env: NodeJS.ProcessEnv): string {
  if (value.includes(path.sep)) return value;
  for (const dir of (env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, value);
    if (fs.existsSync(candidate)) return candidate;
  }
  return value;
}

/**
 * Locates talosctl: the stack config or $TALOSCTL value is an explicit path (a bare name is looked
 * up on PATH); the default falls back to `talosctl` on PATH (`Talosctl.locate` names all three ways on failure).
 */
export function talosctlFromSettings(env: NodeJS.ProcessEnv = process.env): Talosctl {
  const value = setting("talosctl", env);
  const explicit = value !== undefined && value !== SETTINGS.talosctl.defaultValue ? onPath(value, env) : undefined;
  return Talosctl.locate({ binary: explicit, env });
}

/** A getter of the talosctl from settings, located again only when the `talosctl` setting changes. */
export function cachedTalosctl(): () => Talosctl {
  let cached: { key: string; client: Talosctl } | undefined;
  return () => {
    const key = setting("talosctl") ?? "";
    if (!cached || cached.key !== key) cached = { key, client: talosctlFromSettings() };
    return cached.client;
  };
}

/** The default deps: real talosctl (located once per setting value), the shared cache, real timers. */
export const defaultDeps: RuntimeDeps = {
  talosctl: cachedTalosctl(),
  cache: sharedRenderCache,
  sleep: realSleep,
  now: () => Date.now(),
};

const deps = overridableDeps(defaultDeps);

/** The deps in use. */
export function runtimeDeps(): RuntimeDeps {
  return deps.get();
}

/** Replaces some deps (tests); returns a function restoring the previous ones. */
export function overrideRuntimeDeps(next: Partial<RuntimeDeps>): () => void {
  return deps.patch(next);
}
