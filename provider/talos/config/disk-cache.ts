/**
 * A render/validate cache on disk, so a preview in a NEW process (every `pulumi preview` starts a
 * provider host) spawns no talosctl when nothing changed. Outside the state, under
 * `$XDG_CACHE_HOME/pulumi-talos-hetzner` (0700 directory, 0600 files).
 *
 * What is stored and why it is safe: a `gen config` result holds the cluster's secrets, so it is
 * encrypted (AES-256-GCM) with a key derived from the secrets bundle it was generated from: only
 * someone who already has that bundle can read it. A `validate` verdict (the warnings) is encrypted
 * with a key derived from the validated config itself. File names are hashes of every input that
 * affects the result (talosctl binary identity, the `gen config` arguments with the secrets only as a
 * hash, the config's hash and the mode), never a value.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { GenConfigKey, GeneratedConfigs } from "./render-cache";

const sha256 = (...parts: string[]): string => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p).update("\0");
  return h.digest("hex");
};

/** Encrypts `plain` with a 256-bit key derived from `secret`; iv ‖ tag ‖ ciphertext. */
export function seal(plain: string, secret: string, purpose: string): Buffer {
  const key = Buffer.from(sha256("pulumi-talos-hetzner cache key", purpose, secret), "hex");
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([c.update(plain, "utf8"), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]);
}

/** Decrypts what `seal` wrote; undefined when the key does not fit or the file was altered. */
export function unseal(sealed: Buffer, secret: string, purpose: string): string | undefined {
  if (sealed.length < 28) return undefined;
  try {
    const key = Buffer.from(sha256("pulumi-talos-hetzner cache key", purpose, secret), "hex");
    const d = createDecipheriv("aes-256-gcm", key, sealed.subarray(0, 12));
    d.setAuthTag(sealed.subarray(12, 28));
    return Buffer.concat([d.update(sealed.subarray(28)), d.final()]).toString("utf8");
  } catch {
    return undefined;
  }
}

/** Identity of a talosctl binary without running it: path, size and modification time. */
export function binaryIdentity(binary: string): string {
  try {
    const st = fs.statSync(binary);
    return JSON.stringify([path.resolve(binary), st.size, st.mtimeMs]);
  } catch {
    return JSON.stringify([binary]);
  }
}

/** The persistent cache of one talosctl binary. */
export class RenderDiskCache {
  constructor(
    readonly dir: string,
    private readonly talosctlId: string,
  ) {}

  /** The cached `gen config` result for `key`, else `produce()` stored for next time. */
  async genConfig(key: GenConfigKey, produce: () => Promise<GeneratedConfigs>): Promise<GeneratedConfigs> {
    const { secretsYaml, ...rest } = key;
    const name = sha256("gen-config/v1", this.talosctlId, JSON.stringify(rest), sha256(secretsYaml));
    const hit = this.read(name, secretsYaml, "gen-config");
    if (hit !== undefined) return JSON.parse(hit) as GeneratedConfigs;
    const value = await produce();
    this.write(name, JSON.stringify(value), secretsYaml, "gen-config");
    return value;
  }

  /** The cached verdict of a successful `validate` of `config`, else `produce()` (failures are not kept). */
  async validate(config: string, mode: string, strict: boolean, produce: () => Promise<string[]>): Promise<string[]> {
    const name = sha256("validate/v1", this.talosctlId, mode, String(strict), sha256(config));
    const hit = this.read(name, config, "validate");
    if (hit !== undefined) return JSON.parse(hit) as string[];
    const warnings = await produce();
    this.write(name, JSON.stringify(warnings), config, "validate");
    return warnings;
  }

  private read(name: string, secret: string, purpose: string): string | undefined {
    try {
      return unseal(fs.readFileSync(path.join(this.dir, name)), secret, purpose);
    } catch {
      return undefined;
    }
  }

  // Best effort: a cache that cannot be written only costs the next preview a talosctl run.
  private write(name: string, plain: string, secret: string, purpose: string): void {
    try {
      fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const tmp = path.join(this.dir, `.${name}.${process.pid}.${randomBytes(4).toString("hex")}`);
      fs.writeFileSync(tmp, seal(plain, secret, purpose), { mode: 0o600 });
      fs.renameSync(tmp, path.join(this.dir, name));
    } catch {
      /* see above */
    }
  }
}

/**
 * The cache directory from `$TALOS_HETZNER_CACHE_DIR` ("off" disables the cache), else
 * `$XDG_CACHE_HOME/pulumi-talos-hetzner`, else `~/.cache/pulumi-talos-hetzner`; undefined when off.
 */
export function cacheDirOf(env: NodeJS.ProcessEnv, home: string): string | undefined {
  const explicit = env.TALOS_HETZNER_CACHE_DIR;
  if (explicit === "off") return undefined;
  if (explicit) return explicit;
  const base = env.XDG_CACHE_HOME || (home ? path.join(home, ".cache") : "");
  return base ? path.join(base, "pulumi-talos-hetzner") : undefined;
}
