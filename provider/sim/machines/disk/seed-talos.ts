/**
 * The "previous Talos install" seed: the image as the factory would have served it, registered as
 * served, and — when configured — a machine config from an earlier owner on STATE, with its own CA.
 */
import { execFileSync } from "child_process";
import { generateKeyPairSync, randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { VANILLA_SCHEMATIC_ID } from "../../../talos/schematic";
import { ServedImage } from "../../types";
import { withFileDevice } from "./device";
import { inspectDisk } from "./inspect";
import { writeStateFile } from "./state";
import { buildTalosImage } from "./talos-image";
import type { SeedTarget } from "./seeds";

/** Writes a Talos image (and optionally a config) onto the disk and registers the image as served. */
export async function seedTalos(
  t: SeedTarget,
  s: { version: string; arch: "amd64" | "arm64"; platform: "metal" | "hcloud"; configured: boolean },
): Promise<void> {
  const id: ServedImage = { version: s.version, arch: s.arch, platform: s.platform, schematic: VANILLA_SCHEMATIC_ID };
  const img = buildTalosImage(id);
  if (img.length > t.disk.sizeBytes)
    throw new Error(
      `disk ${t.machine.id}/${t.disk.name}: ${t.disk.sizeBytes} bytes cannot hold a ${img.length}-byte Talos image`,
    );
  withFileDevice(t.file, true, (dev) => dev.write(0, img));
  const key = inspectDisk(img).talos?.key;
  if (key) t.registerImage(key, id);
  if (s.configured) writeStateFile(t.file, previousOwnerConfig(t, s.version));
}

/** A plausible controlplane config of an earlier cluster (fresh secrets; not this project's cluster). */
export function previousOwnerConfig(t: SeedTarget, version: string): string {
  const b64 = (n: number) => randomBytes(n).toString("base64");
  const token = () => `${randomBytes(3).toString("hex")}.${randomBytes(8).toString("hex")}`;
  const osCa = selfSignedCa("talos", "ed25519");
  const k8s = selfSignedCa("kubernetes", "ec");
  const host = t.machine.ipv4 ?? `[${t.machine.ipv6Net.replace(/\/\d+$/, "")}1]`;
  return [
    "version: v1alpha1",
    "debug: false",
    "persist: true",
    "machine:",
    "    type: controlplane",
    `    token: ${token()}`,
    "    ca:",
    `        crt: ${osCa.crt}`,
    `        key: ${osCa.key}`,
    "    certSANs: []",
    "    install:",
    `        disk: /dev/${t.disk.name}`,
    `        image: factory.talos.dev/installer/${VANILLA_SCHEMATIC_ID}:${version}`,
    "        wipe: false",
    "cluster:",
    `    id: ${b64(32)}`,
    `    secret: ${b64(32)}`,
    "    controlPlane:",
    `        endpoint: https://${host}:6443`,
    "    clusterName: previous-owner",
    "    network:",
    "        dnsDomain: cluster.local",
    "        podSubnets:",
    "            - 10.244.0.0/16",
    "        serviceSubnets:",
    "            - 10.96.0.0/12",
    `    token: ${token()}`,
    `    secretboxEncryptionSecret: ${b64(32)}`,
    "    ca:",
    `        crt: ${k8s.crt}`,
    `        key: ${k8s.key}`,
    "",
  ].join("\n");
}

/** A self-signed CA as Talos stores it: base64 of the PEM certificate and of the PEM private key. */
function selfSignedCa(org: string, kind: "ed25519" | "ec"): { crt: string; key: string } {
  const pair =
    kind === "ed25519" ? generateKeyPairSync("ed25519") : generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const keyPem = pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "talos-seed-ca-"));
  try {
    fs.writeFileSync(path.join(dir, "ca.key"), keyPem, { mode: 0o600 });
    const crt = execFileSync(
      "openssl",
      ["req", "-x509", "-key", path.join(dir, "ca.key"), "-subj", `/O=${org}`, "-days", "3650"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    return { crt: crt.toString("base64"), key: Buffer.from(keyPem).toString("base64") };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT")
      throw new Error("seeding a configured Talos install needs the openssl CLI (Debian package openssl)");
    throw e;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
