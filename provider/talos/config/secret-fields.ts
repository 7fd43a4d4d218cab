/**
 * Where secrets live in a machine config (contract §18.4): Talos's `Redact` fields plus `cluster.id`.
 * Paths are dotted; `*` is any map key, a `[]` suffix is every element of a list.
 */
import { isMap } from "./yaml-io";

const VIP_TOKENS = ["vip.equinixMetal.apiToken", "vip.hcloud.apiToken"];

/** Secret-bearing fields of the v1alpha1 document. */
export const V1ALPHA1_SECRET_PATHS: string[] = [
  "machine.token",
  "machine.ca.key",
  "cluster.id",
  "cluster.secret",
  "cluster.token",
  "cluster.aescbcEncryptionSecret",
  "cluster.secretboxEncryptionSecret",
  "cluster.ca.key",
  "cluster.aggregatorCA.key",
  "cluster.serviceAccount.key",
  "cluster.etcd.ca.key",
  "machine.registries.config.*.auth.password",
  "machine.registries.config.*.auth.auth",
  "machine.registries.config.*.auth.identityToken",
  "machine.registries.config.*.tls.clientIdentity.key",
  "machine.network.interfaces[].wireguard.privateKey",
  ...VIP_TOKENS.map((p) => `machine.network.interfaces[].${p}`),
  ...VIP_TOKENS.map((p) => `machine.network.interfaces[].vlans[].${p}`),
  "machine.systemDiskEncryption.*.keys[].static.passphrase",
];

const VOLUME_KEYS = ["encryption.keys[].static.passphrase"];

/** Secret-bearing fields of multi-document kinds; SideroLinkConfig's join token sits inside `apiUrl`. */
export const DOCUMENT_SECRET_PATHS: Record<string, string[]> = {
  WireguardConfig: ["privateKey", "peers[].presharedKey"],
  HCloudVIPConfig: ["apiToken"],
  RegistryAuthConfig: ["password", "auth", "identityToken"],
  RegistryTLSConfig: ["clientIdentity.key"],
  VolumeConfig: VOLUME_KEYS,
  UserVolumeConfig: VOLUME_KEYS,
  RawVolumeConfig: VOLUME_KEYS,
  SwapVolumeConfig: VOLUME_KEYS,
};

/** Calls `visit` for every present value at `path` in `doc`; its result replaces the value. */
export function visitPath(doc: unknown, path: string, visit: (value: unknown) => unknown): void {
  walk(doc, path.split("."), visit);
}

function walk(node: unknown, segs: string[], visit: (value: unknown) => unknown): void {
  if (!isMap(node) || segs.length === 0) return;
  const [head, ...rest] = segs;
  const list = head.endsWith("[]");
  const key = list ? head.slice(0, -2) : head;
  for (const k of key === "*" ? Object.keys(node) : [key]) {
    if (!Object.prototype.hasOwnProperty.call(node, k)) continue;
    if (list) {
      const items = node[k];
      if (Array.isArray(items))
        items.forEach((item, i) => (rest.length ? walk(item, rest, visit) : (items[i] = visit(item))));
    } else if (rest.length === 0) {
      node[k] = visit(node[k]);
    } else {
      walk(node[k], rest, visit);
    }
  }
}

/** The SideroLink join token inside an `apiUrl` query (`?jointoken=...`), if any. */
export function joinTokenOf(apiUrl: unknown): string | undefined {
  if (typeof apiUrl !== "string") return undefined;
  const m = /[?&]jointoken=([^&#]*)/i.exec(apiUrl);
  return m && m[1] !== "" ? decodeURIComponent(m[1]) : undefined;
}

/** `apiUrl` with its join token replaced by `marker`. */
export function replaceJoinToken(apiUrl: string, marker: string): string {
  return apiUrl.replace(/([?&]jointoken=)([^&#]*)/i, (_, p: string, v: string) => (v === "" ? p : p + marker));
}

/** The secret paths that apply to one document (`v1alpha1` or its kind). */
export function secretPathsFor(scope: string): string[] {
  return scope === "v1alpha1" ? V1ALPHA1_SECRET_PATHS : (DOCUMENT_SECRET_PATHS[scope] ?? []);
}
