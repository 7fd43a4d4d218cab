/**
 * The secret values of a stack, taken from the engine itself: every value that `pulumi stack export`
 * shows as a ciphertext object, read in plaintext from `--show-secrets` at the same path. The scan then
 * looks for each of them (and each line of a multi-line one, e.g. a key inside a kubeconfig) elsewhere.
 */

/** The engine's marker of a secret value in exported state. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

function isSecretObject(v: unknown): boolean {
  return (
    typeof v === "object" &&
    v !== null &&
    (v as Record<string, unknown>)[SECRET_SIG] === "1b47061264138c4ac30d75fd1eb44270"
  );
}

/** Plaintext strings at every path where `encrypted` holds a secret. */
export function secretValues(encrypted: unknown, plain: unknown, found: string[] = []): string[] {
  if (isSecretObject(encrypted)) {
    collectStrings(plain, found);
  } else if (Array.isArray(encrypted) && Array.isArray(plain)) {
    encrypted.forEach((e, i) => secretValues(e, plain[i], found));
  } else if (typeof encrypted === "object" && encrypted !== null && typeof plain === "object" && plain !== null) {
    for (const [k, e] of Object.entries(encrypted)) secretValues(e, (plain as Record<string, unknown>)[k], found);
  }
  return found;
}

/** Every string leaf; a secret object may also arrive as its plaintext JSON in `--show-secrets`. */
function collectStrings(v: unknown, out: string[]): void {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => collectStrings(x, out));
  else if (typeof v === "object" && v !== null) {
    const plaintext = (v as Record<string, unknown>).plaintext;
    if (typeof plaintext === "string") collectStrings(JSON.parse(plaintext), out);
    else Object.values(v).forEach((x) => collectStrings(x, out));
  }
}

/** A certificate (PEM or base64 of PEM) is public: a kubeconfig's CA and client certificates also appear in the clear. */
function isCertificate(value: string): boolean {
  const text = /^[A-Za-z0-9+/=]+$/.test(value) ? Buffer.from(value, "base64").toString("latin1") : value;
  return /^-----BEGIN CERTIFICATE-----/.test(text.trim());
}

/**
 * Key material: a base64 blob (keys, the cluster secret, secretbox and AES keys) or a Talos/kubeadm
 * bootstrap token. Secret configs are mostly plain text (`/dev/disk/by-id/…`, `PodSecurityConfiguration`)
 * that the redacted config shows on purpose; their key lines are what must never appear.
 */
function isKeyMaterial(value: string): boolean {
  return (
    (value.length >= 32 && /^[A-Za-z0-9+/]+={0,2}$/.test(value) && /\d/.test(value)) ||
    /^[a-z0-9]{6}\.[a-z0-9]{16}$/.test(value)
  );
}

/**
 * The needles to look for: each multi-line secret whole (a kubeconfig, a config), and every piece of key
 * material in any secret (whole or one YAML line's value), certificates left out.
 */
export function needles(secrets: string[]): string[] {
  const set = new Set<string>();
  for (const s of secrets) {
    if (s.includes("\n")) set.add(s);
    for (const line of s.split("\n")) {
      const value = line
        .replace(/^[\s-]*[\w.-]+:\s*/, "")
        .trim()
        .replace(/^"(.*)"$/, "$1");
      if (isKeyMaterial(value) && !isCertificate(value)) set.add(value);
    }
  }
  return [...set];
}

/**
 * Where each needle occurs: `[]` when the texts are clean. `credentials` (passwords, API tokens) are
 * looked for as they are. Needles are never printed whole.
 */
export function plaintextHits(
  texts: { name: string; text: string }[],
  secrets: string[],
  credentials: string[],
): string[] {
  const hits: string[] = [];
  for (const n of [...credentials, ...needles(secrets)]) {
    for (const t of texts)
      if (t.text.includes(n))
        hits.push(`${t.name}: a secret of ${n.length} chars starting ${JSON.stringify(n.slice(0, 4))}`);
  }
  return hits;
}
