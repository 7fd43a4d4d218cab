/**
 * Scans recorded state, transcripts and log lines for plaintext secrets (and their base64 forms).
 * Reports where a secret leaked by a hash prefix, never by printing the secret itself.
 */
import * as crypto from "crypto";

/** One place a secret was found. */
export interface Leak {
  /** `sha256:<8 hex>` of the secret. */
  secret: string;
  /** Which haystack (label or index) and the JSON path inside it. */
  where: string;
  /** How it appeared. */
  form: "plaintext" | "base64";
}

/** Short, non-reversible name of a secret for error messages. */
export function secretFingerprint(secret: string): string {
  return "sha256:" + crypto.createHash("sha256").update(secret).digest("hex").slice(0, 8);
}

/** Base64 fragments that appear in any base64 text containing the secret, at each of the 3 alignments. */
export function base64Needles(secret: string): string[] {
  const needles = new Set<string>();
  for (let pad = 0; pad < 3; pad++) {
    const bytes = Buffer.concat([Buffer.alloc(pad), Buffer.from(secret, "utf8")]);
    const full = bytes.toString("base64").replace(/=+$/, "");
    const start = [0, 2, 3][pad];
    const rem = bytes.length % 3;
    const end = full.length - (rem === 0 ? 0 : 1);
    for (const text of [full.slice(start, end)]) {
      if (text.length >= 8) {
        needles.add(text);
        needles.add(text.replace(/\+/g, "-").replace(/\//g, "_"));
      }
    }
  }
  return [...needles];
}

function leaksIn(text: string, secret: string, needles: string[]): Leak["form"] | undefined {
  if (text.includes(secret)) return "plaintext";
  return needles.some((n) => text.includes(n)) ? "base64" : undefined;
}

function walk(value: unknown, path: string, visit: (text: string, path: string) => void): void {
  if (typeof value === "string") return visit(value, path);
  if (Buffer.isBuffer(value)) return visit(value.toString("utf8"), path);
  if (Array.isArray(value)) return value.forEach((v, i) => walk(v, `${path}[${i}]`, visit));
  if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      visit(k, `${path}{key ${JSON.stringify(k)}}`);
      walk(v, `${path}.${k}`, visit);
    }
  }
}

/** Every place any of `secrets` occurs in the haystacks; `labels[i]` names haystack i. */
export function findSecrets(haystacks: unknown[], secrets: string[], labels: string[] = []): Leak[] {
  const leaks: Leak[] = [];
  for (const secret of secrets.filter((s) => s.length > 0)) {
    const needles = base64Needles(secret);
    haystacks.forEach((h, i) => {
      walk(h, labels[i] ?? `haystack[${i}]`, (text, where) => {
        const form = leaksIn(text, secret, needles);
        if (form) leaks.push({ secret: secretFingerprint(secret), where, form });
      });
    });
  }
  return leaks;
}

/** Throws naming every place a secret leaked (by fingerprint and path, never the value). */
export function assertNoSecrets(haystacks: unknown[], secrets: string[], labels: string[] = []): void {
  const leaks = findSecrets(haystacks, secrets, labels);
  if (leaks.length === 0) return;
  const lines = leaks.slice(0, 20).map((l) => `secret ${l.secret} found as ${l.form} in ${l.where}`);
  throw new Error(`${leaks.length} secret leak(s):\n  ${lines.join("\n  ")}`);
}
