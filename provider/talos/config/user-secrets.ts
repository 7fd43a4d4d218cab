/**
 * Secrets users put into their own patches, found by shape rather than by Talos's schema: every
 * `machine.env` and `cluster.extraManifestHeaders` value, the value part of an
 * ExtensionServiceConfig `environment` entry, every `data`/`stringData` value of an inline manifest
 * of kind Secret, the password of a URL, and any scalar under a key named like a secret.
 */
import { isV1Alpha1 } from "./documents";
import { isMap, readYamlDocuments, writeYamlDocuments, type YamlMap } from "./yaml-io";

/** Called with each secret value; its result replaces the value. */
export type SecretVisit = (value: unknown) => unknown;

// Case-insensitive substrings of a map key that mark its value as secret (`apiToken`, `DB_PASSWORD`, `keys`).
const SECRET_WORDS = ["token", "password", "passwd", "passphrase", "secret", "key", "credential"];
// A key that names a reference, a location or a public half holds no secret: `secretName`,
// `service-account-key-file`, `publicKey`, `keyPath`. Redacting those would only blind previews.
const REFERENCE_WORDS = ["public", "name", "ref", "file", "path", "dir"];
// kubectl copies a Secret's whole body, data included, into this annotation.
const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
const URL_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^/?#@\s:]*:)([^/?#@\s]+)(@)/i;

/**
 * True when a map key names a secret value (and not a reference to one). A key spelled exactly
 * `key` is a reference too: in Kubernetes objects it names a field (`secretKeyRef.key`, selectors,
 * tolerations), and Talos's own private `key` fields are covered by secret-fields.ts's paths.
 */
export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase();
  return k !== "key" && SECRET_WORDS.some((w) => k.includes(w)) && !REFERENCE_WORDS.some((w) => k.includes(w));
}

function isSecretScalar(v: unknown): boolean {
  return (typeof v === "string" && v !== "") || typeof v === "number";
}

/** Visits the password of `scheme://user:password@host…` inside a string; returns the string with it replaced. */
function visitUrlPassword(text: string, visit: SecretVisit): string {
  const m = URL_PASSWORD.exec(text);
  if (!m) return text;
  return m[1] + String(visit(m[2])) + text.slice(m[1].length + m[2].length);
}

/** Every scalar under a secret-named key, and URL passwords anywhere, in a decoded document. */
export function visitSecretKeys(node: unknown, visit: SecretVisit, secretParent = false): void {
  const entries: Array<[string | number, unknown]> = Array.isArray(node)
    ? node.map((v, i) => [i, v])
    : isMap(node)
      ? Object.entries(node)
      : [];
  const target = node as Record<string | number, unknown>;
  for (const [k, v] of entries) {
    const secret = typeof k === "string" ? isSecretKey(k) : secretParent;
    if (secret && isSecretScalar(v)) target[k] = visit(v);
    else if (typeof v === "string") target[k] = visitUrlPassword(v, visit);
    else visitSecretKeys(v, visit, secret && Array.isArray(v));
  }
}

function visitValues(map: unknown, visit: SecretVisit): void {
  if (!isMap(map)) return;
  for (const [k, v] of Object.entries(map)) if (isSecretScalar(v)) map[k] = visit(v);
}

/** `NAME=value` entries keep their name visible; only the value is a secret. */
function visitEnvironmentList(list: unknown, visit: SecretVisit): void {
  if (!Array.isArray(list)) return;
  list.forEach((entry, i) => {
    if (typeof entry !== "string") return;
    const eq = entry.indexOf("=");
    if (eq < 0 || eq === entry.length - 1) return;
    list[i] = `${entry.slice(0, eq + 1)}${String(visit(entry.slice(eq + 1)))}`;
  });
}

/** One Kubernetes object of an inline manifest (a `List` visits its items). */
function visitManifest(obj: unknown, visit: SecretVisit): void {
  if (!isMap(obj)) return;
  if (obj.kind === "List" && Array.isArray(obj.items)) obj.items.forEach((item) => visitManifest(item, visit));
  if (obj.kind === "Secret") {
    visitValues(obj.data, visit);
    visitValues(obj.stringData, visit);
    const notes = isMap(obj.metadata) && isMap(obj.metadata.annotations) ? obj.metadata.annotations : undefined;
    if (notes && isSecretScalar(notes[LAST_APPLIED])) notes[LAST_APPLIED] = visit(notes[LAST_APPLIED]);
  }
  visitSecretKeys(obj, visit);
}

/**
 * The manifest text with its secrets visited; unchanged (byte for byte) when nothing was replaced.
 * A manifest that does not parse is one secret as a whole: it cannot be shown safely in part.
 */
function visitManifestText(contents: string, visit: SecretVisit): string {
  let docs: unknown[];
  try {
    docs = readYamlDocuments(contents);
  } catch {
    return String(visit(contents));
  }
  let changed = false;
  const tracking: SecretVisit = (v) => {
    const r = visit(v);
    if (r !== v) changed = true;
    return r;
  };
  docs.forEach((d) => visitManifest(d, tracking));
  return changed ? writeYamlDocuments(docs, 2) : contents;
}

function visitInlineManifests(cluster: unknown, visit: SecretVisit): void {
  if (!isMap(cluster) || !Array.isArray(cluster.inlineManifests)) return;
  for (const m of cluster.inlineManifests) {
    if (isMap(m) && typeof m.contents === "string" && m.contents !== "")
      m.contents = visitManifestText(m.contents, visit);
  }
}

/** Visits every user-content secret of one decoded config document (see the file header). */
export function visitUserSecrets(doc: YamlMap, visit: SecretVisit): void {
  if (isV1Alpha1(doc)) {
    if (isMap(doc.machine)) visitValues(doc.machine.env, visit);
    if (isMap(doc.cluster)) visitValues(doc.cluster.extraManifestHeaders, visit);
    visitInlineManifests(doc.cluster, visit);
  }
  if (doc.kind === "ExtensionServiceConfig") visitEnvironmentList(doc.environment, visit);
  visitSecretKeys(doc, visit);
}
