/** Kubernetes-style generated names and image tags. */
import * as crypto from "crypto";

// k8s.io/apimachinery/pkg/util/rand: the alphabet generated name suffixes use (no vowels, no 0/1/3).
const ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** A random suffix of `n` characters like the API server generates (`kube-proxy-x7k2p`). */
export function suffix(n = 5): string {
  return [...crypto.randomBytes(n)].map((b) => ALPHABET[b % ALPHABET.length]).join("");
}

/** The tag of an image reference (`ghcr.io/siderolabs/kubelet:v1.36.3` → `v1.36.3`), "" without one. */
export function imageTag(image: string): string {
  const ref = image.split("@")[0];
  const slash = ref.lastIndexOf("/");
  const colon = ref.lastIndexOf(":");
  return colon > slash ? ref.slice(colon + 1) : "";
}

/** The Kubernetes version a component image runs: its tag, with the `v` the API always prints. */
export function versionOfImage(image: string): string {
  const tag = imageTag(image);
  return tag === "" ? "" : tag.startsWith("v") ? tag : `v${tag}`;
}

/** A new object uid. */
export function uid(): string {
  return crypto.randomUUID();
}
