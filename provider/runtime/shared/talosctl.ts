/**
 * The talosctl every runtime uses: the `talos-hetzner:talosctl` stack setting (or `$TALOSCTL`) when
 * it names something other than the default, else whatever `Talosctl.locate` finds
 * (`$TALOSCTL`, then PATH). Where a name is looked up is talos/talosctl's one rule.
 */
import { Talosctl } from "../../talos/talosctl";
import { SETTINGS, setting } from "./config";

/** The talosctl named by the settings; throws TalosctlNotFoundError naming the ways it looked. */
export function talosctlFromSettings(env: NodeJS.ProcessEnv = process.env): Talosctl {
  const value = setting("talosctl", env);
  return Talosctl.locate({ binary: value !== SETTINGS.talosctl.defaultValue ? value : undefined, env });
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
