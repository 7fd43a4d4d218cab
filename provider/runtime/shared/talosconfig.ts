/**
 * Admin talosconfigs for every runtime: issued from the secrets bundle (`talosctl gen config`), and
 * their key material registered with the log masker before anything can print it.
 */
import { registerSecret } from "../../internal/log";
import { isMap, readYamlDocuments } from "../../talos/config/yaml-io";
import { TalosconfigArgs, bundleSecretValues, buildTalosconfig, validateBundle } from "./bundle";
import { talosctlFromSettings } from "./talosctl";

/** A talosconfig for `clusterName` with an admin client certificate signed by the bundle's `certs.os` and `endpoints` filled in. */
export async function talosconfigFor(a: TalosconfigArgs): Promise<string> {
  registerSecret(...bundleSecretValues(validateBundle(a.secretsYaml)));
  return buildTalosconfig(a, a.talosctl ?? talosctlFromSettings());
}

/** The UTF-8 text of a base64 value (a talosconfig or kubeconfig key), trimmed; undefined for a non-string. */
export function decoded(b64: unknown): string | undefined {
  return typeof b64 === "string" ? Buffer.from(b64, "base64").toString("utf8").trim() : undefined;
}

/** Registers the key material of a talosconfig (all contexts) with the log masker. */
export function registerTalosconfigSecrets(text: string | undefined): void {
  if (!text) return;
  registerSecret(text);
  try {
    const cfg = readYamlDocuments(text)[0];
    const contexts = isMap(cfg) && isMap(cfg.contexts) ? Object.values(cfg.contexts) : [];
    for (const c of contexts) if (isMap(c)) registerSecret(c.key as string, c.crt as string, decoded(c.key));
  } catch {
    // Not YAML: the whole text is registered already.
  }
}
