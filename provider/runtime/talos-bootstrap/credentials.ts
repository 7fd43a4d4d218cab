/**
 * The cluster's admin credentials: the talosconfig (issued from the secrets bundle, or an existing
 * one) with the control-plane endpoints filled in — `gen config` leaves them empty since v1.7
 * (contracts/talosctl.md §4) — and the facts of a kubeconfig (API URL, client certificate expiry).
 * Every key and certificate value is registered with the log masker before anything logs.
 */
import * as crypto from "crypto";
import { InputError, errorMessage } from "../../internal/errors";
import { registerSecret } from "../../internal/log";
import { isMap, readYamlDocuments, writeYaml, type YamlMap } from "../../talos/config/yaml-io";
import type { Talosctl } from "../../talos/talosctl";
import { ClusterClient } from "../shared/cluster-deps";
import { decoded, registerTalosconfigSecrets, talosconfigFor } from "../shared/talosconfig";

function parseTalosconfig(field: string, text: string): { cfg: YamlMap; name: string; ctx: YamlMap } {
  let cfg: unknown;
  try {
    cfg = readYamlDocuments(text)[0];
  } catch (e) {
    throw new InputError(field, `is not a talosconfig: ${errorMessage(e)}`);
  }
  const name = isMap(cfg) ? String(cfg.context ?? "") : "";
  const ctx = isMap(cfg) && isMap(cfg.contexts) ? cfg.contexts[name] : undefined;
  if (!isMap(cfg) || !isMap(ctx))
    throw new InputError(field, `is not a talosconfig: its current context ${JSON.stringify(name)} is not defined`);
  return { cfg, name, ctx };
}

/** `base` with its current context's endpoints replaced (key order of talosctl's Context: endpoints, nodes, credentials). */
export function withEndpoints(field: string, base: string, endpoints: string[]): string {
  const { cfg, name, ctx } = parseTalosconfig(field, base);
  const { endpoints: _e, ...rest } = ctx;
  (cfg.contexts as YamlMap)[name] = { endpoints: [...endpoints], ...rest };
  return writeYaml(cfg);
}

/** The admin talosconfig: from `baseTalosconfig` when given, else issued from `secretsYaml` (a new client certificate). */
export async function adminTalosconfig(
  i: { clusterName: string; secretsYaml?: string; baseTalosconfig?: string },
  endpoints: string[],
  t: ClusterClient,
): Promise<string> {
  registerTalosconfigSecrets(i.baseTalosconfig);
  const text = i.baseTalosconfig
    ? withEndpoints("baseTalosconfig", i.baseTalosconfig, endpoints)
    : // talosconfigFor only runs `talosctl gen config`, which every ClusterClient can.
      await talosconfigFor({
        secretsYaml: i.secretsYaml as string,
        clusterName: i.clusterName,
        endpoints,
        talosctl: t as Talosctl,
      });
  registerTalosconfigSecrets(text);
  return text;
}

/** Public facts of a kubeconfig. */
export interface KubeconfigFacts {
  server: string;
  /** Client certificate expiry, ISO 8601. */
  expiry: string;
}

/** Reads the API URL and the client certificate expiry; registers the client key and certificate as secrets. */
export function kubeconfigFacts(text: string): KubeconfigFacts {
  registerSecret(text);
  const doc = readYamlDocuments(text)[0] as
    { clusters?: { cluster?: { server?: string } }[]; users?: { user?: Record<string, string> }[] } | undefined;
  const user = doc?.users?.[0]?.user ?? {};
  registerSecret(user["client-key-data"], decoded(user["client-key-data"]), user["client-certificate-data"]);
  const server = doc?.clusters?.[0]?.cluster?.server;
  const crt = decoded(user["client-certificate-data"]);
  if (!server || !crt)
    throw new Error("talosctl kubeconfig returned a kubeconfig without a cluster server or a client certificate");
  const expiry = new Date(new crypto.X509Certificate(crt).validTo).toISOString();
  return { server, expiry };
}

/** True when a certificate expiring at `expiry` is within `days` of `now`. */
export function expiresWithin(expiry: string, days: number, now: number): boolean {
  return Date.parse(expiry) - now <= days * 86_400_000;
}
