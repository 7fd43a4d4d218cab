/**
 * Credentials and endpoints for the runtime: stack config captured by the provider's `configure`,
 * then the environment, then the real Hetzner/Talos defaults. Never read from resource inputs.
 */
import { robotBaseUrl } from "../../hetzner/robot";
import { InputError } from "../../internal/errors";
import { registerSecret } from "../../internal/log";

/** One setting the runtime understands, with where it may come from. */
export interface SettingSpec {
  /** Stack config key, namespaced as the engine sends it (`hcloud:token`). */
  configKey: string;
  /** Environment variable consulted when the stack config lacks the key. */
  envVar: string;
  /** Used when neither is set. */
  defaultValue?: string;
  /** Masked in every log line once known. */
  secret: boolean;
}

/** Every setting, by the name the runtime modules use. */
export const SETTINGS = {
  robotUser: { configKey: "talos-hetzner:robotUser", envVar: "HETZNER_ROBOT_USER", secret: true },
  robotPassword: { configKey: "talos-hetzner:robotPassword", envVar: "HETZNER_ROBOT_PASSWORD", secret: true },
  robotUrl: {
    configKey: "talos-hetzner:robotUrl",
    envVar: "HETZNER_ROBOT_URL",
    defaultValue: "https://robot-ws.your-server.de",
    secret: false,
  },
  hcloudToken: { configKey: "hcloud:token", envVar: "HCLOUD_TOKEN", secret: true },
  hcloudEndpoint: {
    configKey: "hcloud:endpoint",
    envVar: "HCLOUD_ENDPOINT",
    defaultValue: "https://api.hetzner.cloud/v1",
    secret: false,
  },
  talosctl: { configKey: "talos-hetzner:talosctl", envVar: "TALOSCTL", defaultValue: "talosctl", secret: false },
  // How fast the world runs: 1 on real Hetzner; a simulator that scales its durations says by how
  // much, so waits pace their polls to the scaled expectation (internal/pace.ts).
  timeScale: {
    configKey: "talos-hetzner:timeScale",
    envVar: "TALOS_HETZNER_TIME_SCALE",
    defaultValue: "1",
    secret: false,
  },
  imageFactoryUrl: {
    configKey: "talos-hetzner:imageFactoryUrl",
    envVar: "TALOS_IMAGE_FACTORY_URL",
    defaultValue: "https://factory.talos.dev",
    secret: false,
  },
} satisfies Record<string, SettingSpec>;

/** Name of a runtime setting. */
export type SettingName = keyof typeof SETTINGS;

/** The slice of the host's `Config` object that `configure` gives us (cmd/dynamic-provider/config.ts). */
export interface ConfigSource {
  get(key: string): string | undefined;
}

let stackConfig: Record<string, string> = {};

/** Stores the stack config values of every known setting; called from the provider's `configure`. */
export function captureStackConfig(source: ConfigSource): void {
  const next: Record<string, string> = {};
  for (const spec of Object.values(SETTINGS) as SettingSpec[]) {
    const value = source.get(spec.configKey);
    if (typeof value !== "string" || value === "") continue;
    next[spec.configKey] = value;
    if (spec.secret) registerSecret(value);
  }
  stackConfig = next;
}

/** Forgets captured stack config (tests, and the runner between programs). */
export function resetStackConfig(): void {
  stackConfig = {};
}

/** Resolves a setting: stack config, then environment, then default; undefined when none applies. */
export function setting(name: SettingName, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const spec: SettingSpec = SETTINGS[name];
  const fromConfig = stackConfig[spec.configKey];
  const fromEnv = env[spec.envVar];
  const value = fromConfig ?? (fromEnv !== undefined && fromEnv !== "" ? fromEnv : undefined) ?? spec.defaultValue;
  if (spec.secret && value !== undefined) registerSecret(value);
  return value;
}

/** Like `setting`, but throws an InputError naming the config key and env var (never a value). */
export function requireSetting(name: SettingName, env: NodeJS.ProcessEnv = process.env): string {
  const value = setting(name, env);
  if (value !== undefined) return value;
  const spec: SettingSpec = SETTINGS[name];
  const flag = spec.secret ? " --secret" : "";
  throw new InputError(
    spec.configKey,
    `is not set: run \`pulumi config set${flag} ${spec.configKey} ...\` or export ${spec.envVar}`,
  );
}

/**
 * Refuses, at preview, a Robot URL that would carry the webservice password in clear text (plain
 * http to anything but a loopback address); the client refuses it again when it is built.
 */
export function checkRobotUrl(env: NodeJS.ProcessEnv = process.env): void {
  const url = setting("robotUrl", env);
  if (url !== undefined) robotBaseUrl(url, `${SETTINGS.robotUrl.configKey} (or ${SETTINGS.robotUrl.envVar})`);
}
