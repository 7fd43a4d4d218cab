/**
 * Real X.509 certificates and keys in the encodings Talos uses (siderolabs/crypto): ECDSA P-256
 * keys as "EC PRIVATE KEY", Ed25519 keys as "ED25519 PRIVATE KEY" (PKCS#8 inside), RSA as PKCS#1.
 * Node can verify but not create certificates, so the TBS structure is built with pki/der.ts.
 */
import * as crypto from "crypto";
import * as der from "./der";

/** Key algorithms Talos uses. */
export type KeyKind = "ecdsa" | "ed25519" | "rsa";

/** A certificate and its key, both PEM text. */
export interface PemPair {
  crt: string;
  key: string;
}

/** Subject of a certificate: organizations and common name. */
export interface Subject {
  O?: string[];
  CN?: string;
}

/** What to put in a new certificate. */
export interface CertRequest {
  subject: Subject;
  publicKey: crypto.KeyObject;
  isCA: boolean;
  /** Validity from now, in ms. */
  validityMs: number;
  serverAuth?: boolean;
  clientAuth?: boolean;
  dnsNames?: string[];
  ips?: string[];
}

const TEN_YEARS = 10 * 365 * 24 * 3600 * 1000;
const ED25519_LABEL = "ED25519 PRIVATE KEY";

/** Generates a key pair of the given kind. */
export function generateKey(kind: KeyKind): crypto.KeyPairKeyObjectResult {
  if (kind === "ecdsa") return crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  if (kind === "ed25519") return crypto.generateKeyPairSync("ed25519");
  return crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
}

/** Private key as PEM, labelled like Talos does. */
export function keyToPem(key: crypto.KeyObject): string {
  if (key.asymmetricKeyType === "ed25519") {
    const pem = key.export({ type: "pkcs8", format: "pem" }).toString();
    return pem
      .replace(/ PRIVATE KEY-----/g, ` ${ED25519_LABEL}-----`)
      .replace(/(BEGIN|END) ED25519 ED25519/g, "$1 ED25519");
  }
  const type = key.asymmetricKeyType === "ec" ? "sec1" : "pkcs1";
  return key.export({ type, format: "pem" }).toString();
}

/** Parses a private key PEM in any of Talos's encodings. */
export function keyFromPem(pem: string): crypto.KeyObject {
  return crypto.createPrivateKey(pem.split(ED25519_LABEL).join("PRIVATE KEY"));
}

function nameDer(s: Subject): Buffer {
  const rdns: Buffer[] = [];
  for (const o of s.O ?? []) rdns.push(der.set(der.seq(der.oid("2.5.4.10"), der.utf8(o))));
  if (s.CN) rdns.push(der.set(der.seq(der.oid("2.5.4.3"), der.utf8(s.CN))));
  return der.seq(...rdns);
}

function sigAlg(key: crypto.KeyObject): { alg: Buffer; digest: string | null } {
  if (key.asymmetricKeyType === "ed25519") return { alg: der.seq(der.oid("1.3.101.112")), digest: null };
  if (key.asymmetricKeyType === "ec") return { alg: der.seq(der.oid("1.2.840.10045.4.3.2")), digest: "sha256" };
  return { alg: der.seq(der.oid("1.2.840.113549.1.1.11"), der.NULL), digest: "sha256" };
}

function ext(id: string, critical: boolean, value: Buffer): Buffer {
  return critical
    ? der.seq(der.oid(id), der.bool(true), der.octetString(value))
    : der.seq(der.oid(id), der.octetString(value));
}

function extensions(req: CertRequest, spki: Buffer, issuerKeyId: Buffer | null): Buffer {
  const usage = req.isCA ? [0, 5] : [0, 2]; // digitalSignature + certSign | keyEncipherment
  const eku: Buffer[] = [];
  if (req.serverAuth ?? req.isCA) eku.push(der.oid("1.3.6.1.5.5.7.3.1"));
  if (req.clientAuth ?? req.isCA) eku.push(der.oid("1.3.6.1.5.5.7.3.2"));
  const keyId = crypto.createHash("sha1").update(spki).digest();
  const list = [ext("2.5.29.15", true, der.keyUsageBits(usage))];
  if (eku.length) list.push(ext("2.5.29.37", false, der.seq(...eku)));
  list.push(ext("2.5.29.19", true, req.isCA ? der.seq(der.bool(true)) : der.seq()));
  list.push(ext("2.5.29.14", false, der.octetString(keyId)));
  if (issuerKeyId) list.push(ext("2.5.29.35", false, der.seq(der.implicit(0, issuerKeyId))));
  const names = [...(req.dnsNames ?? []).map((d) => der.implicit(2, Buffer.from(d))), ...(req.ips ?? []).map(ipName)];
  if (names.length) list.push(ext("2.5.29.17", false, der.seq(...names)));
  return der.explicit(3, der.seq(...list));
}

function ipName(ip: string): Buffer {
  const bytes = ip.includes(":") ? ipv6Bytes(ip) : Buffer.from(ip.split(".").map(Number));
  return der.implicit(7, bytes);
}

function ipv6Bytes(ip: string): Buffer {
  const [head, tail = ""] = ip.split("::");
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = ip.includes("::") ? [...h, ...Array(8 - h.length - t.length).fill("0"), ...t] : h;
  return Buffer.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
}

/** Creates a certificate signed by `issuer` (self-signed when absent); returns PEM. */
export function createCertificate(
  req: CertRequest,
  issuer?: { cert: crypto.X509Certificate; key: crypto.KeyObject },
  signingKey?: crypto.KeyObject,
): string {
  const key = issuer?.key ?? signingKey;
  if (!key) throw new Error("createCertificate: a signing key is required for a self-signed certificate");
  const spki = req.publicKey.export({ type: "spki", format: "der" });
  const { alg, digest } = sigAlg(key);
  const now = Date.now();
  const issuerName = issuer ? rawSubject(issuer.cert) : nameDer(req.subject);
  const tbs = der.seq(
    der.explicit(0, der.smallInt(2)),
    der.uint(crypto.randomBytes(16)),
    alg,
    issuerName,
    der.seq(der.time(new Date(now - 1000)), der.time(new Date(now + req.validityMs))),
    nameDer(req.subject),
    spki,
    extensions(req, spki, issuer ? subjectKeyId(issuer.cert) : null),
  );
  const signature = crypto.sign(digest, tbs, key);
  const certDer = der.seq(tbs, alg, der.bitString(signature));
  const b64 = certDer
    .toString("base64")
    .replace(/(.{64})/g, "$1\n")
    .replace(/\n$/, "");
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

/**
 * The DER subject Name of a certificate, byte for byte: Go's x509 finds a parent by comparing the
 * child's raw issuer with the parent's raw subject, so a re-encoded name (UTF8String for the CA's
 * PrintableString) would not chain in the real talosctl.
 */
function rawSubject(cert: crypto.X509Certificate): Buffer {
  const tbs = der.children(der.children(cert.raw)[0]);
  const fields = tbs[0][0] === 0xa0 ? tbs.slice(1) : tbs; // skip the explicit [0] version
  return fields[4]; // serial, signature, issuer, validity, subject
}

/** A DER element's content (after its tag and length). */
const contentOf = (el: Buffer) => el.subarray(el[1] < 0x80 ? 2 : 2 + (el[1] & 0x7f));

/** The DER value (inside the extnValue OCTET STRING) of a certificate extension, or null. */
function extensionValue(cert: crypto.X509Certificate, dottedOid: string): Buffer | null {
  const tbs = der.children(der.children(cert.raw)[0]);
  const wrapped = tbs.find((f) => f[0] === 0xa3);
  if (!wrapped) return null;
  const want = der.oid(dottedOid);
  for (const ext of der.children(der.children(wrapped)[0])) {
    const parts = der.children(ext);
    if (parts[0].equals(want)) return contentOf(parts[parts.length - 1]);
  }
  return null;
}

/** Parses Node's "O=talos\nCN=x" subject text. */
export function parseSubject(text: string): Subject {
  const s: Subject = {};
  for (const line of text.split("\n")) {
    const [k, ...v] = line.split("=");
    if (k === "O") (s.O ??= []).push(v.join("="));
    if (k === "CN") s.CN = v.join("=");
  }
  return s;
}

function subjectKeyId(cert: crypto.X509Certificate): Buffer {
  // The issuer's own Subject Key Identifier when it has one (a CA from the real talosctl does):
  // OpenSSL finds a leaf's issuer by its Authority Key Identifier, so a recomputed id that differs
  // from the CA's leaves the leaf unverifiable (UNABLE_TO_VERIFY_LEAF_SIGNATURE for a Go client).
  const own = extensionValue(cert, "2.5.29.14");
  if (own) return contentOf(own);
  // Key id = SHA-1 of the whole SPKI (RFC 7093 §2 method); only has to be consistent here.
  return crypto
    .createHash("sha1")
    .update(cert.publicKey.export({ type: "spki", format: "der" }))
    .digest();
}

/** A new self-signed CA (10 years) of the given key kind. */
export function newCA(kind: KeyKind, subject: Subject): PemPair {
  const { privateKey, publicKey } = generateKey(kind);
  const crt = createCertificate({ subject, publicKey, isCA: true, validityMs: TEN_YEARS }, undefined, privateKey);
  return { crt, key: keyToPem(privateKey) };
}

/** Issues a leaf certificate signed by `ca` with a fresh key of `kind`. */
export function issue(ca: PemPair, kind: KeyKind, req: Omit<CertRequest, "publicKey" | "isCA">): PemPair {
  const { privateKey, publicKey } = generateKey(kind);
  const issuer = { cert: new crypto.X509Certificate(ca.crt), key: keyFromPem(ca.key) };
  return { crt: createCertificate({ ...req, publicKey, isCA: false }, issuer), key: keyToPem(privateKey) };
}

/** base64 of a text (Talos stores PEM as base64 in YAML). */
export function b64(text: string): string {
  return Buffer.from(text).toString("base64");
}

/** Decodes base64 to text. */
export function unb64(value: string): string {
  return Buffer.from(value, "base64").toString("utf8");
}
