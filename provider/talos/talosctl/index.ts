/**
 * The library's talosctl wrapper (DESIGN.md decision 7): finds the binary, runs it with an explicit
 * `--talosconfig` file it wrote itself (0600, private temp dir, removed afterwards) for Talos-API
 * commands, maps gRPC failures to TalosApiError, and offers typed helpers for every command the
 * resources use.
 */
import * as path from "path";
import { parseTalosVersion } from "../versions";
import { errorFromRun } from "./errors";
import { RunOutput, locateBinary, spawnTalosctl, withTempDir, writePrivate } from "./exec";
import * as api from "./api";
import * as day2 from "./day2";
import * as gen from "./gen";
import * as healthCmd from "./health";

export * from "./errors";
export { parseJsonStream } from "./json";
export { RunOutput } from "./exec";
export { GenConfigOptions, GeneratedConfigs } from "./gen";
export {
  ApplyConfigOptions,
  ApplyResult,
  NodeTarget,
  HealthOptions,
  GetOptions,
  TalosResource,
  EtcdMember,
  VersionOptions,
  ServerVersion,
  ResetOptions,
  UpgradeOptions,
  UpgradeK8sOptions,
} from "./api";
export { upgradeArgs, upgradeError } from "./day2";
export {
  healthArgs,
  healthReport,
  parseHealthOutput,
  flattenMultierror,
  CheckProgress,
  HealthOutput,
  HealthReport,
  HealthRunner,
} from "./health";
export { getArgs } from "./api";
export { talosconfigArgs } from "./gen";

/** Options of one run. */
export interface RunOptions {
  /** talosconfig content (not a path) for Talos-API commands; an empty config when absent. */
  talosconfig?: string;
  /** Kill the process after this long. @default 300000 */
  timeoutMs?: number;
  /** Data for stdin. */
  input?: string;
  /** Return a failed run instead of throwing. @default false */
  allowFailure?: boolean;
}

// Management commands never get global flags: v1.11+ rejects them with "unknown flag" (contract §1.1).
const MGMT = new Set(["gen", "validate", "machineconfig", "mc"]);
const EMPTY_TALOSCONFIG = 'context: ""\ncontexts: {}\n';

/** One talosctl binary. */
export class Talosctl {
  /** Processes spawned by all instances (for benchmarks). */
  static spawnCount = 0;
  private clientTag?: Promise<string>;

  constructor(
    readonly binary: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** Finds talosctl: explicit `binary`, else $TALOSCTL, else PATH; throws TalosctlNotFoundError. */
  static locate(o: { binary?: string; env?: NodeJS.ProcessEnv } = {}): Talosctl {
    const env = o.env ?? process.env;
    return new Talosctl(locateBinary(o.binary, env), env);
  }

  /** The client version (`v1.13.9`), from `talosctl version --client`; cached. */
  clientVersion(): Promise<string> {
    this.clientTag ??= this.run(["version", "--client"]).then((r) => {
      const m = /Tag:\s+(v\S+)/.exec(r.stdout);
      if (!m)
        throw new Error(
          `cannot parse the output of talosctl version --client: ${JSON.stringify(r.stdout.slice(0, 200))}`,
        );
      return m[1];
    });
    return this.clientTag;
  }

  /** The client's minor version (`v1.13.9` → 13): flags and output modes of several commands depend on it. */
  async clientMinor(): Promise<number> {
    return parseTalosVersion(await this.clientVersion(), "talosctl client version").minor;
  }

  /** Runs talosctl; Talos-API commands get `--talosconfig <private temp file>`; failures throw mapped errors. */
  async run(args: string[], o: RunOptions = {}): Promise<RunOutput> {
    const label = args
      .filter((a) => !a.startsWith("-"))
      .slice(0, 2)
      .join(" ");
    return withTempDir(async (dir) => {
      const full = MGMT.has(args[0])
        ? args
        : [...args, "--talosconfig", writePrivate(path.join(dir, "talosconfig"), o.talosconfig ?? EMPTY_TALOSCONFIG)];
      Talosctl.spawnCount++;
      const res = await spawnTalosctl(this.binary, full, {
        env: this.env,
        timeoutMs: o.timeoutMs ?? 300000,
        input: o.input,
        label,
      });
      if (res.exitCode !== 0 && !o.allowFailure) throw errorFromRun(label, res.exitCode, res.stderr);
      return res;
    });
  }

  /** `gen secrets` → secrets.yaml text. */
  genSecrets(talosVersion: string): Promise<string> {
    return gen.genSecrets(this, talosVersion);
  }
  /** `gen config` → controlplane, worker and talosconfig texts of one run. */
  genConfig(o: gen.GenConfigOptions): Promise<gen.GeneratedConfigs> {
    return gen.genConfig(this, o);
  }
  /** `validate` → warnings; throws TalosConfigInvalidError listing Talos's problems. */
  validate(config: string, mode: "metal" | "cloud", strict = false): Promise<string[]> {
    return gen.validate(this, config, mode, strict);
  }
  /** `apply-config` → parsed result. */
  applyConfig(o: api.ApplyConfigOptions): Promise<api.ApplyResult> {
    return api.applyConfig(this, o);
  }
  /** `bootstrap`; an already bootstrapped etcd (AlreadyExists) counts as success. */
  bootstrap(o: api.NodeTarget): Promise<{ alreadyBootstrapped: boolean }> {
    return api.bootstrap(this, o);
  }
  /** `health` (server side) → progress lines; throws TalosApiError on failure. */
  health(o: api.HealthOptions): Promise<string[]> {
    return healthCmd.health(this, o);
  }
  /** `kubeconfig` → admin kubeconfig text. */
  kubeconfig(o: api.NodeTarget): Promise<string> {
    return api.kubeconfig(this, o);
  }
  /** `get <type> [id] -o json` → resources; a missing `id` is absence (`[]`), not an error. */
  getResources(type: string, o: api.GetOptions): Promise<api.TalosResource[]> {
    return api.getResources(this, type, o);
  }
  /** `etcd members` → parsed rows. */
  etcdMembers(o: api.NodeTarget): Promise<api.EtcdMember[]> {
    return api.etcdMembers(this, o);
  }
  /** `version` → the server's tag and facts. */
  version(o: api.VersionOptions): Promise<api.ServerVersion> {
    return api.version(this, o);
  }
  /** `reset`. */
  reset(o: api.ResetOptions): Promise<void> {
    return api.reset(this, o);
  }
  /** `upgrade --wait=true` (`--preserve` only when asked, `--drain=<drain ?? false>` on v1.13+ clients); failures name the node. */
  upgrade(o: api.UpgradeOptions): Promise<void> {
    return day2.upgrade(this, o);
  }
  /** `upgrade-k8s` on one control-plane node → stdout progress lines. */
  upgradeK8s(o: api.UpgradeK8sOptions): Promise<string[]> {
    return day2.upgradeK8s(this, o);
  }
  /** `etcd remove-member <hex id>`. */
  etcdRemoveMember(o: api.NodeTarget & { memberId: string }): Promise<void> {
    return day2.etcdRemoveMember(this, o);
  }
  /** `etcd forfeit-leadership`. */
  etcdForfeitLeadership(o: api.NodeTarget): Promise<void> {
    return day2.etcdForfeitLeadership(this, o);
  }
  /** `reboot`. */
  reboot(o: api.NodeTarget & { wait?: boolean }): Promise<void> {
    return api.reboot(this, o);
  }
}
