/**
 * Drives resources through the REAL dynamic-provider host over gRPC, playing the engine: Struct
 * conversion, secret stripping (the host answers acceptSecrets=false), state recording with
 * `additionalSecretOutputs`, preview (check + diff) and refresh (read, then diff in reverse).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startHost, RunningHost } from "../../provider/sim/pulumi/host";
import { CallRecord, HostClient, HostDiff } from "../../provider/sim/pulumi/host-client";
import { passphraseCrypter } from "../../provider/sim/pulumi/crypter";
import { encryptProps } from "../../provider/sim/pulumi/state-secrets";
import { Props, splitSecrets, unwrapDeep } from "../../provider/sim/pulumi/values";

export { secret, UNKNOWN, SIG_KEY, SECRET_SIG } from "../../provider/sim/pulumi/values";
export { capturedProvider } from "./harness-provider";

/** Options of `EngineHarness.start`. */
export interface HarnessOptions {
  /** Program directory the host runs in. @default a new temporary directory */
  cwd?: string;
  /** Extra environment for the host. */
  env?: NodeJS.ProcessEnv;
  /** Project name. @default "project" */
  project?: string;
  /** Deadline per gRPC call in ms. @default 60000 */
  callTimeoutMs?: number;
}

/** A resource as the engine would record it after create/update/refresh. */
export interface RecordedResource {
  urn: string;
  id: string;
  inputs: Props;
  outputs: Props;
  /** Output keys stored encrypted: secret inputs of the same name + additionalSecretOutputs. */
  secretKeys: string[];
}

/** Result of `preview`: what check and diff said and the step the engine would plan. */
export interface PreviewResult {
  inputs: Props;
  failures: { property: string; reason: string }[];
  diff?: HostDiff;
  op: "create" | "update" | "replace" | "same";
}

/** The engine side of one dynamic-provider host. */
export class EngineHarness {
  /** Every gRPC request/response pair, in order (plain JSON, as on the wire). */
  readonly transcript: CallRecord[] = [];
  /** Recorded state by URN. */
  readonly state = new Map<string, RecordedResource>();
  private readonly crypter = passphraseCrypter("harness-passphrase");
  private client!: HostClient;

  private constructor(
    private readonly host: RunningHost,
    /** Every line the host printed after its port (provider logs). */
    readonly logs: string[],
    private readonly tempDir?: string,
  ) {}

  /** Spawns the host and connects. */
  static async start(o: HarnessOptions = {}): Promise<EngineHarness> {
    const tempDir = o.cwd ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), "engine-harness-"));
    const logs: string[] = [];
    const host = await startHost({
      cwd: o.cwd ?? tempDir!,
      env: o.env,
      project: o.project,
      onOutput: (l) => logs.push(l),
    });
    const h = new EngineHarness(host, logs, tempDir);
    h.client = new HostClient(host, (r) => h.transcript.push(r), o.callTimeoutMs ?? 60000);
    return h;
  }

  /** Configure with stack config (values may be wrapped with `secret()`, as the engine sends them). */
  configure(config: Props): Promise<{ acceptSecrets: boolean }> {
    return this.client.configure(config);
  }

  /** Check; secret wrappers are stripped first, as the engine does for this provider. */
  check(urn: string, olds: Props, news: Props) {
    return this.client.check(urn, unwrapDeep(olds) as Props, unwrapDeep(news) as Props);
  }

  /** Diff(olds = old outputs, news = new checked inputs). */
  diff(id: string, urn: string, olds: Props, news: Props): Promise<HostDiff> {
    return this.client.diff(id, urn, unwrapDeep(olds) as Props, unwrapDeep(news) as Props);
  }

  /** Create from checked inputs. */
  create(urn: string, inputs: Props) {
    return this.client.create(urn, unwrapDeep(inputs) as Props);
  }

  /** Read; pass neither props nor inputs to mimic `pulumi import`. */
  read(id: string, urn: string, props?: Props, inputs?: Props) {
    return this.client.read(id, urn, props && (unwrapDeep(props) as Props), inputs && (unwrapDeep(inputs) as Props));
  }

  /** Update(olds = old outputs, news = new checked inputs). */
  update(id: string, urn: string, olds: Props, news: Props) {
    return this.client.update(id, urn, unwrapDeep(olds) as Props, unwrapDeep(news) as Props);
  }

  /** Delete(props = old outputs). */
  delete(id: string, urn: string, props: Props): Promise<void> {
    return this.client.delete(id, urn, unwrapDeep(props) as Props);
  }

  /** The underlying client (GetPluginInfo, unimplemented methods). */
  get raw(): HostClient {
    return this.client;
  }

  /** Records state like the engine: outputs secret when the same-named input was secret or listed. */
  record(
    urn: string,
    id: string,
    inputs: Props,
    outputs: Props,
    additionalSecretOutputs: string[] = [],
  ): RecordedResource {
    const { plain, secretKeys } = splitSecrets(inputs);
    const secret = [...new Set([...secretKeys, ...additionalSecretOutputs])].filter((k) => k in outputs || k in plain);
    const rec = { urn, id, inputs: plain, outputs: unwrapDeep(outputs) as Props, secretKeys: secret };
    this.state.set(urn, rec);
    return rec;
  }

  /** The state as it would be persisted: secret values encrypted, everything else plaintext. */
  persistedState(): unknown[] {
    return [...this.state.values()].map((r) => ({
      urn: r.urn,
      id: r.id,
      inputs: encryptProps(r.inputs, r.secretKeys, () => this.crypter),
      outputs: encryptProps(r.outputs, r.secretKeys, () => this.crypter),
    }));
  }

  /** Preview of `news` against recorded state: Check, and Diff when the resource exists; never Create/Update. */
  async preview(urn: string, news: Props): Promise<PreviewResult> {
    const old = this.state.get(urn);
    const checked = await this.check(urn, old?.inputs ?? {}, news);
    if (!old) return { ...checked, op: "create" };
    const diff = await this.diff(old.id, urn, old.outputs, checked.inputs);
    const op = diff.replaces.length > 0 ? "replace" : diff.changes === "none" ? "same" : "update";
    return { ...checked, diff, op };
  }

  /** Refresh: Read with old outputs and inputs, then Diff(refreshed outputs, old inputs); drops a gone resource. */
  async refresh(urn: string): Promise<{ gone: boolean; diff?: HostDiff; outputs?: Props }> {
    const old = this.state.get(urn);
    if (!old) throw new Error(`refresh: ${urn} is not in the recorded state`);
    const r = await this.read(old.id, urn, old.outputs, old.inputs);
    if (r.id === "") {
      this.state.delete(urn);
      return { gone: true };
    }
    const diff = await this.diff(r.id, urn, r.properties, old.inputs);
    this.state.set(urn, { ...old, id: r.id, outputs: r.properties, inputs: r.inputs ?? old.inputs });
    return { gone: false, diff, outputs: r.properties };
  }

  /** Kills the host and removes the temporary program directory. */
  async stop(): Promise<void> {
    await this.host.stop();
    if (this.tempDir) fs.rmSync(this.tempDir, { recursive: true, force: true });
  }
}
