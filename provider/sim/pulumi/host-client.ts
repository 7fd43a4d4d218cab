/** A typed client for the dynamic-provider host: plain objects in, plain objects out, every call recorded. */
import { RunningHost } from "./host";
import { hostCallError } from "./host-errors";
import { Props, jsonClean } from "./values";

import { Struct, pulumiDependency, pulumiFile } from "./pulumi-internals";

const proto = pulumiFile("proto/provider_pb.js");
const { Empty } = pulumiDependency("google-protobuf/google/protobuf/empty_pb");

/** One request/response pair as sent over the wire, converted to plain JSON. */
export interface CallRecord {
  method: string;
  request: Props;
  response?: unknown;
  error?: { code: number; details: string };
}

/** What Diff answered; `changes` decodes the DiffChanges enum. */
export interface HostDiff {
  changes: "unknown" | "none" | "some";
  replaces: string[];
  stables: string[];
  deleteBeforeReplace: boolean;
  hasDetailedDiff: boolean;
}

const CHANGES: HostDiff["changes"][] = ["unknown", "none", "some"];
const struct = (p: Props | undefined) => Struct.fromJavaScript(jsonClean(p ?? {}));

/** Calls of the ResourceProvider gRPC service, each with a deadline. */
export class HostClient {
  constructor(
    private readonly host: RunningHost,
    private readonly record: (r: CallRecord) => void = () => undefined,
    /** Deadline of one call in ms; providers have their own step deadlines inside. @default 3600000 */
    private readonly callTimeoutMs = 3_600_000,
  ) {}

  /** Sends the stack config (secrets wrapped with the secret signature, as the engine does). */
  async configure(args: Props): Promise<{ acceptSecrets: boolean }> {
    const req = new proto.ConfigureRequest().setArgs(struct(args)).setAcceptsecrets(true).setAcceptresources(true);
    return this.call("configure", req, { args }, (res) => ({ acceptSecrets: res.getAcceptsecrets() as boolean }));
  }

  /** Check(olds = old inputs, news = new inputs). */
  async check(
    urn: string,
    olds: Props,
    news: Props,
  ): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }> {
    const req = new proto.CheckRequest().setUrn(urn).setOlds(struct(olds)).setNews(struct(news));
    return this.call("check", req, { urn, olds, news }, (res) => ({
      inputs: (res.getInputs()?.toJavaScript() ?? {}) as Props,
      failures: res
        .getFailuresList()
        .map((f: any) => ({ property: f.getProperty() as string, reason: f.getReason() as string })),
    }));
  }

  /** Diff(olds = old OUTPUTS, news = new checked inputs). */
  async diff(id: string, urn: string, olds: Props, news: Props, oldInputs?: Props): Promise<HostDiff> {
    const req = new proto.DiffRequest().setId(id).setUrn(urn).setOlds(struct(olds)).setNews(struct(news));
    if (oldInputs) req.setOldInputs(struct(oldInputs));
    return this.call("diff", req, { id, urn, olds, news }, (res): HostDiff => ({
      changes: CHANGES[res.getChanges()],
      replaces: res.getReplacesList(),
      stables: res.getStablesList(),
      deleteBeforeReplace: res.getDeletebeforereplace(),
      hasDetailedDiff: res.getHasdetaileddiff(),
    }));
  }

  /** Create(properties = checked inputs). */
  async create(urn: string, properties: Props): Promise<{ id: string; properties: Props }> {
    const req = new proto.CreateRequest().setUrn(urn).setProperties(struct(properties));
    return this.call("create", req, { urn, properties }, (res) => ({
      id: res.getId() as string,
      properties: (res.getProperties()?.toJavaScript() ?? {}) as Props,
    }));
  }

  /** Read(id, properties = old outputs, inputs = old inputs); omit both to mimic `pulumi import`. */
  async read(
    id: string,
    urn: string,
    properties?: Props,
    inputs?: Props,
  ): Promise<{ id: string; properties: Props; inputs?: Props }> {
    const req = new proto.ReadRequest().setId(id).setUrn(urn);
    if (properties) req.setProperties(struct(properties));
    if (inputs) req.setInputs(struct(inputs));
    return this.call("read", req, { id, urn, properties, inputs }, (res) => ({
      id: res.getId() as string,
      properties: (res.getProperties()?.toJavaScript() ?? {}) as Props,
      ...(res.getInputs() ? { inputs: res.getInputs().toJavaScript() as Props } : {}),
    }));
  }

  /** Update(olds = old outputs, news = new checked inputs). */
  async update(id: string, urn: string, olds: Props, news: Props, oldInputs?: Props): Promise<{ properties: Props }> {
    const req = new proto.UpdateRequest().setId(id).setUrn(urn).setOlds(struct(olds)).setNews(struct(news));
    if (oldInputs) req.setOldInputs(struct(oldInputs));
    return this.call("update", req, { id, urn, olds, news }, (res) => ({
      properties: (res.getProperties()?.toJavaScript() ?? {}) as Props,
    }));
  }

  /** Delete(properties = old outputs). */
  async delete(id: string, urn: string, properties: Props, oldInputs?: Props): Promise<void> {
    const req = new proto.DeleteRequest().setId(id).setUrn(urn).setProperties(struct(properties));
    if (oldInputs) req.setOldInputs(struct(oldInputs));
    await this.call("delete", req, { id, urn, properties }, () => undefined);
  }

  /** GetPluginInfo: the SDK version the host reports. */
  async pluginInfo(): Promise<{ version: string }> {
    return this.call("getPluginInfo", new Empty(), {}, (res) => ({ version: res.getVersion() as string }));
  }

  /** Calls any method by its stub name (for methods the host leaves unimplemented, e.g. `checkConfig`). */
  raw(method: string, request: unknown): Promise<unknown> {
    return this.call(method, request, {}, (res) => res);
  }

  private call<T>(method: string, request: any, plain: Props, decode: (res: any) => T): Promise<T> {
    const rec: CallRecord = { method, request: jsonClean(plain) };
    return new Promise((resolve, reject) => {
      this.host.client[method](
        request,
        new this.host.grpc.Metadata(),
        { deadline: Date.now() + this.callTimeoutMs },
        (err: any, res: any) => {
          if (err) {
            const e = hostCallError(method, err);
            rec.error = { code: e.code, details: e.details };
            this.record(rec);
            return reject(e);
          }
          const value = decode(res);
          rec.response = jsonClean(value);
          this.record(rec);
          resolve(value);
        },
      );
    });
  }
}
