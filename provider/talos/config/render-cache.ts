/** Shares one `talosctl gen config` run between every node rendered with the same cluster inputs. */
import { createHash } from "crypto";

/** The three outputs of one `gen config` run. */
export interface GeneratedConfigs {
  controlplane: string;
  worker: string;
  talosconfig: string;
}

/** Inputs that make two `gen config` runs produce the same output. */
export interface GenConfigKey {
  clusterName: string;
  endpoint: string;
  talosVersion: string;
  kubernetesVersion: string;
  installImage: string;
  secretsYaml: string;
}

/** Cache of `gen config` results keyed by cluster, endpoint, versions, image and a hash of the secrets. */
export class ConfigRenderCache {
  private readonly entries = new Map<string, Promise<GeneratedConfigs>>();

  /** The cache key: the secrets only enter as their sha256, so keys are safe to log. */
  static keyOf(k: GenConfigKey): string {
    const secrets = createHash("sha256").update(k.secretsYaml).digest("hex");
    return JSON.stringify([k.clusterName, k.endpoint, k.talosVersion, k.kubernetesVersion, k.installImage, secrets]);
  }

  /** The cached result for `key`, else `produce()` once (concurrent callers share it; failures are not kept). */
  get(key: GenConfigKey, produce: () => Promise<GeneratedConfigs>): Promise<GeneratedConfigs> {
    const id = ConfigRenderCache.keyOf(key);
    let entry = this.entries.get(id);
    if (!entry) {
      entry = produce();
      this.entries.set(id, entry);
      entry.catch(() => this.entries.delete(id));
    }
    return entry;
  }

  /** Number of distinct `gen config` results held. */
  get size(): number {
    return this.entries.size;
  }

  /** Forgets everything (e.g. after secrets rotate). */
  clear(): void {
    this.entries.clear();
  }
}

/** The process-wide cache used when a caller passes none (one Pulumi provider process serves all nodes). */
export const sharedRenderCache = new ConfigRenderCache();
