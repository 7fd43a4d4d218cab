/** Derived node identities: stable hostname, discovery node id, KubeSpan keys and addresses (like Talos). */
import * as crypto from "crypto";
import { MachineConfig, at, docOfKind } from "../config-docs";

function hash(...parts: string[]): Buffer {
  return crypto.createHash("sha256").update(parts.join("\0")).digest();
}

/** Hostname: static (HostnameConfig / machine.network.hostname), else the stable `talos-xxx-yyy` form. */
export function hostnameOf(cfg: MachineConfig | null, machineId: string, ipv4: string | null): string {
  const doc = cfg ? docOfKind(cfg, "HostnameConfig") : undefined;
  if (doc && typeof doc.hostname === "string" && doc.hostname) return doc.hostname;
  const legacy = cfg ? at(cfg.v1alpha1 ?? undefined, "machine.network.hostname") : undefined;
  if (typeof legacy === "string" && legacy) return legacy;
  const stable = doc
    ? doc.auto === "stable"
    : cfg
      ? at(cfg.v1alpha1 ?? undefined, "machine.features.stableHostname") === true
      : false;
  if (!stable && ipv4) return `talos-${ipv4.replace(/\./g, "-")}`;
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const h = hash("stable-hostname", machineId);
  const pick = (o: number) => Array.from(h.subarray(o, o + 3), (b) => alphabet[b % alphabet.length]).join("");
  return `talos-${pick(0)}-${pick(3)}`;
}

/** Discovery node id (base62 of a hash of the machine id), like `Bk4kPnm3zD2hnGSEDtXtUx2TW8jFbhYtYHOjWRpKPa6`. */
export function nodeIdOf(machineId: string): string {
  const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  let n = BigInt("0x" + hash("node-id", machineId).toString("hex"));
  let out = "";
  while (n > 0n) {
    out = alphabet[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out;
}

/** etcd member id: 16 lowercase hex digits. */
export function memberIdOf(machineId: string, nonce: string): string {
  return hash("etcd-member", machineId, nonce).toString("hex").slice(0, 16);
}

/** A WireGuard (x25519) key pair as base64 raw keys. */
export interface WgKeys {
  privateKey: string;
  publicKey: string;
}

/** Generates a real x25519 key pair. */
export function newWgKeys(): WgKeys {
  const { privateKey, publicKey } = crypto.generateKeyPairSync("x25519");
  const d = privateKey.export({ format: "jwk" }).d as string;
  const x = publicKey.export({ format: "jwk" }).x as string;
  return {
    privateKey: Buffer.from(d, "base64url").toString("base64"),
    publicKey: Buffer.from(x, "base64url").toString("base64"),
  };
}

function hex4(b: Buffer, i: number): string {
  return ((b[i] << 8) | b[i + 1]).toString(16);
}

/**
 * KubeSpan ULA addressing (Talos `kubespan.IdentitySpec.UpdateAddress`): prefix fd + first 7 bytes of
 * sha256(cluster id) as a /64; the address is the EUI-64 of the MAC inside it.
 */
export function kubespanAddress(clusterId: string, mac: string): { subnet: string; address: string } {
  const h = crypto.createHash("sha256").update(clusterId).digest();
  const prefix = Buffer.concat([Buffer.from([0xfd]), h.subarray(0, 7)]);
  const m = mac.split(":").map((x) => parseInt(x, 16));
  const eui = Buffer.from([m[0] ^ 0x02, m[1], m[2], 0xff, 0xfe, m[3], m[4], m[5]]);
  const groups = (b: Buffer) => [0, 2, 4, 6].map((i) => hex4(b, i));
  return { subnet: `${groups(prefix).join(":")}::/64`, address: [...groups(prefix), ...groups(eui)].join(":") };
}
