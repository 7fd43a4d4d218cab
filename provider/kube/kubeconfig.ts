/** Parses the parts of a kubeconfig the client needs: current-context → cluster server/CA and user client cert/key. */
import * as YAML from "yaml";
import { KubeconfigError } from "./errors";

/** Connection material of the current context (PEM texts; never logged). */
export interface KubeCredentials {
  server: string;
  ca: string;
  cert: string;
  key: string;
}

type Named = { name?: string; [k: string]: unknown };

function named(doc: Record<string, unknown>, list: string, name: string, inner: string): Record<string, unknown> {
  const items = Array.isArray(doc[list]) ? (doc[list] as Named[]) : [];
  const item = items.find((i) => i && i.name === name);
  if (!item) throw new KubeconfigError(`${list}[${JSON.stringify(name)}]`, "is not defined");
  const body = item[inner];
  if (!body || typeof body !== "object") throw new KubeconfigError(`${list}[${JSON.stringify(name)}].${inner}`);
  return body as Record<string, unknown>;
}

function field(obj: Record<string, unknown>, where: string, key: string): string {
  const v = obj[key];
  if (typeof v !== "string" || v === "") throw new KubeconfigError(`${where}.${key}`);
  return v;
}

function pem(obj: Record<string, unknown>, where: string, key: string): string {
  return Buffer.from(field(obj, where, key), "base64").toString("utf8");
}

/** Reads server, CA and client certificate/key of the kubeconfig's current context. */
export function parseKubeconfig(text: string): KubeCredentials {
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch (e) {
    throw new KubeconfigError("document", `is not valid YAML (${(e as Error).name})`);
  }
  if (!doc || typeof doc !== "object") throw new KubeconfigError("document", "is not a mapping");
  const d = doc as Record<string, unknown>;
  const current = field(d, "kubeconfig", "current-context");
  const ctx = named(d, "contexts", current, "context");
  const clusterName = field(ctx, `contexts[${JSON.stringify(current)}].context`, "cluster");
  const userName = field(ctx, `contexts[${JSON.stringify(current)}].context`, "user");
  const cluster = named(d, "clusters", clusterName, "cluster");
  const user = named(d, "users", userName, "user");
  const cw = `clusters[${JSON.stringify(clusterName)}].cluster`;
  const uw = `users[${JSON.stringify(userName)}].user`;
  return {
    server: field(cluster, cw, "server").replace(/\/+$/, ""),
    ca: pem(cluster, cw, "certificate-authority-data"),
    cert: pem(user, uw, "client-certificate-data"),
    key: pem(user, uw, "client-key-data"),
  };
}
