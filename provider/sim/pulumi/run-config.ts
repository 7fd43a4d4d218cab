/** Stack config for a run: namespaced keys, which are secret, and what the provider host and hcloud adapter get. */
import { registerSecret } from "../../internal/log";
import { ConfigValue } from "./types";
import { Props, secret } from "./values";

/** Stack config with every key namespaced (`clusterName` → `<project>:clusterName`). */
export interface StackConfig {
  values: Record<string, string>;
  secretKeys: string[];
}

/** Normalizes config keys and registers secret values for masking. */
export function stackConfig(project: string, config: Record<string, ConfigValue> = {}): StackConfig {
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [k, v] of Object.entries(config)) {
    const key = k.includes(":") ? k : `${project}:${k}`;
    if (typeof v === "string") {
      values[key] = v;
    } else {
      values[key] = v.secret;
      secretKeys.push(key);
      registerSecret(v.secret);
    }
  }
  return { values, secretKeys };
}

/** Configure arguments as the engine sends them: the whole stack config, secrets wrapped (contract §1). */
export function configureArgs(c: StackConfig): Props {
  return Object.fromEntries(Object.entries(c.values).map(([k, v]) => [k, c.secretKeys.includes(k) ? secret(v) : v]));
}

/** A config value, then an environment variable, then a default. */
export function configOrEnv(c: StackConfig, key: string, envVar: string, fallback?: string): string | undefined {
  const v = c.values[key] ?? process.env[envVar];
  return v !== undefined && v !== "" ? v : fallback;
}
