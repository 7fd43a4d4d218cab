/**
 * Runtime of the example `EchoResource` (provider/resources/example-echo.ts): the smallest complete
 * runtime module, used by the engine tests. Its "remote objects" live in the host process's memory.
 */
import { InputError } from "../../internal/errors";
import { StepLogger } from "../../internal/log";
import { setting } from "../shared/config";
import { diffInputs } from "./diff";
import { PartialResourceError } from "./errors";
import { CheckFailure, ResourceRuntime, isUnknown } from "./types";

/** Inputs of the echo resource. */
export interface EchoInputs {
  /** Echoed back; a change updates in place. */
  message: string;
  /** A change replaces the resource. */
  generation?: number;
  /** Test hook: create/update throw this message. */
  failWith?: string;
  /** Test hook: create/update throw this message after the object exists (partial resource). */
  failAfterCreateWith?: string;
}

/** Outputs of the echo resource (the inputs are repeated by the dispatcher). */
export interface EchoOutputs extends EchoInputs {
  /** The message, echoed. */
  echoed: string;
  /** A secret derived from the message: `secret:<message>`. */
  secretEcho: string;
  /** The Cloud endpoint the runtime resolved (proves configure reached the runtime). */
  endpoint: string;
}

const INPUT_KEYS = ["message", "generation", "failWith", "failAfterCreateWith"] as const;
const objects = new Map<string, string>();
let counter = 0;

function outputs(i: EchoInputs): Partial<EchoOutputs> {
  return { echoed: i.message, secretEcho: `secret:${i.message}`, endpoint: setting("hcloudEndpoint") };
}

function failIfAsked(id: string, i: EchoInputs): void {
  if (i.failWith) throw new Error(i.failWith);
  if (i.failAfterCreateWith) throw new PartialResourceError(id, outputs(i), new Error(i.failAfterCreateWith));
}

/** The echo runtime. */
export const runtime: ResourceRuntime<EchoInputs, EchoOutputs> = {
  async check(_olds, news) {
    const failures: CheckFailure[] = [];
    if (typeof news.message !== "string" && !isUnknown(news.message)) {
      failures.push({ property: "message", reason: new InputError("message", "must be a string").message });
    }
    return { inputs: news as unknown as EchoInputs, failures };
  },
  async diff(_id, olds, news) {
    return diffInputs({ ...olds }, { ...news }, { inputKeys: INPUT_KEYS, replaceKeys: ["generation"] });
  },
  async create(i) {
    if (i.failWith) throw new Error(i.failWith);
    const id = `echo-${++counter}`;
    new StepLogger(id, 1).step(`echoing ${JSON.stringify(i.message)}`);
    objects.set(id, i.message);
    failIfAsked(id, i);
    return { id, outs: outputs(i) };
  },
  async read(id, props) {
    if (!objects.has(id)) return { id: "" };
    return { id, props: { ...props, echoed: objects.get(id)!, message: objects.get(id)! } };
  },
  async update(id, _olds, news) {
    objects.set(id, news.message);
    failIfAsked(id, news);
    return { outs: outputs(news) };
  },
  async delete(id) {
    objects.delete(id);
  },
};
