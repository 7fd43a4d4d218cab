/**
 * The cluster secrets bundle (`secrets.yaml`, contract §3): validation with Talos's own messages,
 * its secret values (for log masking), public facts about its CA certificates, and the admin
 * talosconfig built from it.
 */
import * as crypto from "crypto";
import * as path from "path";
import { InputError, errorMessage } from "../../internal/errors";
import { isMap, readYamlDocuments, writeYaml, type YamlMap } from "../../talos/config/yaml-io";
import { Talosctl, talosconfigArgs } from "../../talos/talosctl";
import { withTempDir, writePrivate } from "../../talos/talosctl/exec";

const CA_NAMES = ["etcd", "k8s", "k8saggregator", "os"] as const;

function parseBundle(text: string): YamlMap {
  let docs: unknown[];
  try {
    docs = readYamlDocuments(text);
  } catch (e) {
    throw new InputError("secretsYaml", `failed to load secrets bundle: ${errorMessage(e)}`);
  }
  if (docs.length !== 1 || !isMap(docs[0]))
    throw new InputError("secretsYaml", "failed to load secrets bundle: expected one YAML mapping");
  return docs[0];
}

const get = (m: unknown, key: string): unknown => (isMap(m) ? m[key] : undefined);
const filled = (v: unknown) => typeof v === "string" && v !== "";
const pem = (b64: unknown) => Buffer.from(String(b64), "base64").toString("utf8");

/** Talos encodes Ed25519 keys with a non-standard PEM label (siderolabs/crypto); the body is PKCS#8. */
function privateKey(b64: unknown): crypto.KeyObject {
  return crypto.createPrivateKey(pem(b64).split("ED25519 PRIVATE KEY").join("PRIVATE KEY"));
}

function caProblem(name: string, ca: unknown): string | undefined {
  if (!isMap(ca) || (!filled(ca.crt) && !filled(ca.key))) return `certs.${name} is required`;
  try {
    new crypto.X509Certificate(pem(ca.crt));
    privateKey(ca.key);
    return undefined;
  } catch (e) {
    return `certs.${name} is invalid: ${errorMessage(e)}`;
  }
}

/** Problems of a bundle in Talos's words (`bundle.go:Validate`, contract §3), in Talos's order. */
export function bundleProblems(b: YamlMap): string[] {
  const p: string[] = [];
  const need = (cond: boolean, msg: string) => {
    if (!cond) p.push(msg);
  };
  if (!isMap(b.cluster)) p.push("cluster is required");
  else {
    need(filled(b.cluster.id), "cluster.id is required");
    need(filled(b.cluster.secret), "cluster.secret is required");
  }
  if (!isMap(b.secrets)) p.push("secrets is required");
  else {
    need(filled(b.secrets.bootstraptoken), "secrets.bootstraptoken is required");
    const enc = [b.secrets.secretboxencryptionsecret, b.secrets.aescbcencryptionsecret].filter(filled).length;
    need(enc > 0, "one of [secrets.secretboxencryptionsecret, secrets.aescbcencryptionsecret] is required");
    need(enc < 2, "only one of [secrets.secretboxencryptionsecret, secrets.aescbcencryptionsecret] is allowed");
  }
  if (!isMap(b.trustdinfo)) p.push("trustdinfo is required");
  else need(filled(b.trustdinfo.token), "trustdinfo.token is required");
  if (!isMap(b.certs)) return [...p, "certs is required"];
  for (const name of CA_NAMES) {
    const q = caProblem(name, b.certs[name]);
    if (q) p.push(q);
  }
  const sa = get(b.certs.k8sserviceaccount, "key");
  if (!filled(sa)) p.push("certs.k8sserviceaccount is required");
  else {
    try {
      privateKey(sa);
    } catch (e) {
      p.push(`certs.k8sserviceaccount.key is invalid: ${errorMessage(e)}`);
    }
  }
  return p;
}

/** Parses and validates a bundle; throws InputError("secretsYaml", "failed to validate secrets bundle: …"). */
export function validateBundle(text: string): YamlMap {
  const b = parseBundle(text);
  const problems = bundleProblems(b);
  if (problems.length) throw new InputError("secretsYaml", `failed to validate secrets bundle: ${problems.join("; ")}`);
  return b;
}

/** Every secret value of a bundle: everything except the CA certificates (contract §18.4). */
export function bundleSecretValues(b: YamlMap): string[] {
  const out: string[] = [];
  const walk = (v: unknown, key: string) => {
    if (isMap(v)) for (const [k, x] of Object.entries(v)) walk(x, k);
    else if (filled(v) && key !== "crt") out.push(String(v));
  };
  walk(b, "");
  return out;
}

/** Public facts: each CA certificate's expiry (ISO 8601). */
export function certificateExpiries(b: YamlMap): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of CA_NAMES)
    out[name] = new Date(new crypto.X509Certificate(pem(get(get(b.certs, name), "crt"))).validTo).toISOString();
  return out;
}

/** Inputs of `talosconfigFor`. */
export interface TalosconfigArgs {
  secretsYaml: string;
  clusterName: string;
  /** Talos API endpoints written into the context (control-plane addresses). */
  endpoints: string[];
  /** Nodes written into the context. @default none */
  nodes?: string[];
  /** @default located from stack config / $TALOSCTL / PATH */
  talosctl?: Talosctl;
}

/** A talosconfig (admin client cert signed by `certs.os`, one year valid) from `gen config -t talosconfig`, endpoints filled in. */
export async function buildTalosconfig(a: TalosconfigArgs, talosctl: Talosctl): Promise<string> {
  validateBundle(a.secretsYaml);
  const text = await withTempDir(async (dir) => {
    const secrets = writePrivate(path.join(dir, "secrets.yaml"), a.secretsYaml);
    return (await talosctl.run(talosconfigArgs(a.clusterName, secrets))).stdout;
  });
  const cfg = readYamlDocuments(text)[0] as YamlMap;
  const ctx = get(cfg.contexts, String(cfg.context));
  if (!isMap(ctx))
    throw new Error(`talosctl gen config printed a talosconfig without its context "${String(cfg.context)}"`);
  const { endpoints: _e, nodes: _n, ...creds } = ctx;
  // Key order of talosctl's Context struct (contract §17): endpoints, nodes, then credentials.
  (cfg.contexts as YamlMap)[String(cfg.context)] = {
    endpoints: [...a.endpoints],
    ...(a.nodes?.length ? { nodes: [...a.nodes] } : {}),
    ...creds,
  };
  return writeYaml(cfg);
}
