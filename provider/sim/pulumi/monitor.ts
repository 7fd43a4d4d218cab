/**
 * The resource monitor the program talks to: Pulumi's MockMonitor with RegisterResource replaced so
 * the runner sees what the engine would (raw wire inputs, dependencies, additionalSecretOutputs,
 * deleteBeforeReplace), executes the resource and answers with its real outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { Registration } from "./types";
import { Struct, pulumiFile } from "./pulumi-internals";
import { Props } from "./values";

const { MockMonitor } = pulumiFile("runtime/mocks.js");
const settings = pulumiFile("runtime/settings.js");
const state = pulumiFile("runtime/state.js");
const resproto = pulumiFile("proto/resource_pb.js");

/** Executes one registration; resolves with the id and the outputs in wire form (secrets wrapped). */
export type RegisterHandler = (reg: Registration) => Promise<{ id: string; outputs: Props }>;
/** Answers an invoke (data source) such as `hcloud:index/getImage:getImage`. */
export type InvokeHandler = (token: string, args: Props) => Promise<Props>;

function registration(req: any, urn: string): Registration {
  return {
    urn,
    type: req.getType(),
    name: req.getName(),
    custom: req.getCustom(),
    inputs: req.getObject()?.toJavaScript() ?? {},
    parent: req.getParent() || undefined,
    dependencies: req.getDependenciesList(),
    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    deleteBeforeReplace: req.getDeletebeforereplacedefined() ? req.getDeletebeforereplace() : undefined,
    protect: req.getProtect() === true,
    retainOnDelete: req.getRetainondelete() === true,
    ignoreChanges: req.getIgnorechangesList(),
  };
}

class RunnerMonitor extends MockMonitor {
  constructor(
    private readonly onRegister: RegisterHandler,
    onInvoke: InvokeHandler,
  ) {
    super({
      newResource: () => {
        throw new Error("unused");
      },
      call: (a: any) => onInvoke(a.token, a.inputs),
    });
  }

  async registerResource(req: any, callback: (err: unknown, res?: unknown) => void): Promise<void> {
    try {
      const urn = this.newUrn(req.getParent(), req.getType(), req.getName());
      const result = await this.onRegister(registration(req, urn));
      this.resources.set(urn, { urn, id: result.id || null, state: result.outputs });
      const response = new resproto.RegisterResourceResponse();
      response.setUrn(urn);
      response.setId(result.id);
      response.setObject(Struct.fromJavaScript(result.outputs));
      callback(null, response);
    } catch (err) {
      callback(err, undefined);
    }
  }

  async readResource(req: any, callback: (err: unknown) => void): Promise<void> {
    callback(new Error(`the program runner cannot read existing resources (${req.getType()} ${req.getName()})`));
  }
}

/** Points the Pulumi SDK at a runner monitor (preview = dry run: unresolved outputs become unknown). */
export function installMonitor(o: {
  project: string;
  stack: string;
  preview: boolean;
  onRegister: RegisterHandler;
  onInvoke: InvokeHandler;
}): void {
  // setMocks sets the feature flags a mock monitor supports; then our monitor replaces the mock one.
  pulumi.runtime.setMocks(
    { newResource: () => ({ id: "", state: {} }), call: () => ({}) },
    o.project,
    o.stack,
    o.preview,
  );
  settings.setMockOptions(new RunnerMonitor(o.onRegister, o.onInvoke), o.project, o.stack, o.preview);
  // Plain data in, plain data out: resource references would reach providers as special objects.
  state.getStore().supportsResourceReferences = false;
  // setMockOptions resets the "monitor supports secrets" flag; without it secret inputs reach the runner unmarked
  // and would be written to the state file in plaintext (the secrets bundle, cloud workers' user-data).
  state.getStore().supportsSecrets = true;
}

/** Sets the stack config the program reads with `new pulumi.Config()`. */
export function installConfig(values: Record<string, string>, secretKeys: string[]): void {
  pulumi.runtime.setAllConfig(values, secretKeys);
}

/**
 * Resolves when the program has no registration left in flight, including ones still waiting for their
 * dependencies (the SDK keeps an RPC open from `new Resource` on): what `pulumi` waits for before it ends.
 */
export function programSettled(): Promise<void> {
  return settings.waitForRPCs();
}
