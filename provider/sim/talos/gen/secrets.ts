/** `gen secrets`: the secrets bundle (contracts/talosctl.md §2–§3), its YAML and its validation. */
import * as crypto from "crypto";
import { b64, generateKey, keyToPem, newCA, unb64 } from "../pki/cert";
import { TalosVersion, atLeast } from "../versions";
import { Data, DataMap, encodeYaml, isDataMap, parseDocs } from "../yaml";

/** A PEM pair stored as base64 of the PEM text (Talos `PEMEncodedCertificateAndKey`). */
export interface B64Pair {
  crt: string;
  key: string;
}

/** The secrets bundle, keys in Talos struct order. */
export interface SecretsBundle {
  cluster: { id: string; secret: string };
  secrets: { bootstraptoken: string; secretboxencryptionsecret?: string; aescbcencryptionsecret?: string };
  trustdinfo: { token: string };
  certs: { etcd: B64Pair; k8s: B64Pair; k8saggregator: B64Pair; k8sserviceaccount: { key: string }; os: B64Pair };
}

/** A kubeadm-style token: [a-z0-9]{6}.[a-z0-9]{16}. */
export function randomToken(): string {
  const chars = "abcdefghijklmnopqrstuvwxyz0123456789";
  const pick = (n: number) => Array.from(crypto.randomBytes(n), (b) => chars[b % chars.length]).join("");
  return `${pick(6)}.${pick(16)}`;
}

function b64Pair(p: { crt: string; key: string }): B64Pair {
  return { crt: b64(p.crt), key: b64(p.key) };
}

/** Generates a new bundle for a version contract (RSA service-account key from v1.7, secretbox from v1.3). */
export function generateSecrets(contract: TalosVersion): SecretsBundle {
  const sa = generateKey(atLeast(contract, 1, 7) ? "rsa" : "ecdsa").privateKey;
  const enc = crypto.randomBytes(32).toString("base64");
  return {
    cluster: {
      id: crypto.randomBytes(32).toString("base64url") + "=",
      secret: crypto.randomBytes(32).toString("base64"),
    },
    secrets: atLeast(contract, 1, 3)
      ? { bootstraptoken: randomToken(), secretboxencryptionsecret: enc }
      : { bootstraptoken: randomToken(), aescbcencryptionsecret: enc },
    trustdinfo: { token: randomToken() },
    certs: {
      etcd: b64Pair(newCA("ecdsa", { O: ["etcd"] })),
      k8s: b64Pair(newCA("ecdsa", { O: ["kubernetes"] })),
      k8saggregator: b64Pair(newCA("ecdsa", { CN: "front-proxy" })),
      k8sserviceaccount: { key: b64(keyToPem(sa)) },
      os: b64Pair(newCA("ed25519", { O: ["talos"] })),
    },
  };
}

/** The bundle as Talos writes it (4-space YAML, struct key order). */
export function secretsYaml(bundle: SecretsBundle): string {
  return encodeYaml(bundle as unknown as Data);
}

/** Parses a secrets.yaml text (no validation). */
export function parseSecrets(text: string): SecretsBundle {
  const doc = parseDocs(text)[0];
  if (!isDataMap(doc)) throw new Error("secrets bundle is not a mapping");
  return doc as unknown as SecretsBundle;
}

function checkPair(name: string, p: unknown, errors: string[], keyOnly = false): void {
  if (!isDataMap(p)) return void errors.push(`certs.${name} is required`);
  for (const field of keyOnly ? ["key"] : ["crt", "key"]) {
    const v = (p as DataMap)[field];
    if (typeof v !== "string" || !unb64(v).includes("-----BEGIN")) {
      errors.push(
        keyOnly
          ? `certs.${name}.key is invalid: failed to parse PEM block`
          : `certs.${name} is invalid: failed to parse PEM block`,
      );
      return;
    }
  }
}

/** `Bundle.Validate` (v1.11+): the list of problems, empty when valid. */
export function validateSecrets(b: Partial<SecretsBundle>): string[] {
  const e: string[] = [];
  if (!b.cluster) e.push("cluster is required");
  else {
    if (!b.cluster.id) e.push("cluster.id is required");
    if (!b.cluster.secret) e.push("cluster.secret is required");
  }
  if (!b.secrets) e.push("secrets is required");
  else {
    if (!b.secrets.bootstraptoken) e.push("secrets.bootstraptoken is required");
    const n = Number(!!b.secrets.secretboxencryptionsecret) + Number(!!b.secrets.aescbcencryptionsecret);
    if (n === 0) e.push("one of [secrets.secretboxencryptionsecret, secrets.aescbcencryptionsecret] is required");
    if (n === 2) e.push("only one of [secrets.secretboxencryptionsecret, secrets.aescbcencryptionsecret] is allowed");
  }
  if (!b.trustdinfo) e.push("trustdinfo is required");
  else if (!b.trustdinfo.token) e.push("trustdinfo.token is required");
  if (!b.certs) e.push("certs is required");
  else {
    for (const n of ["etcd", "k8s", "k8saggregator"] as const) checkPair(n, b.certs[n], e);
    if (!b.certs.k8sserviceaccount) e.push("certs.k8sserviceaccount is required");
    else checkPair("k8sserviceaccount", b.certs.k8sserviceaccount, e, true);
    checkPair("os", b.certs.os, e);
  }
  return e;
}
