/**
 * The dispatcher behind every thin provider shim: finds the runtime module of a resource and calls
 * it with plain objects (`__provider` removed), applying the conventions every resource shares.
 */
import { TalosHetznerError, isError } from "../../internal/errors";
import { maskSecrets } from "../../internal/log";
import { PartialResourceError, completePartialError } from "./errors";
import { Props, ResourceRuntime, RuntimeMethod } from "./types";

const PROVIDER_KEY = "__provider";
const runtimes = new Map<string, ResourceRuntime>();

/** Runtimes shipped under a file name other than the module name (the example lives beside dispatch). */
const BUILTIN_FILES: Record<string, string> = { "example-echo": "./echo" };

/** Registers (or replaces) the runtime of a resource module. */
// Each runtime has its own input/output types; the registry holds them all.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function registerRuntime(module: string, impl: ResourceRuntime<any, any>): void {
  runtimes.set(module, impl as ResourceRuntime);
}

/** The runtime of a module, loading `./<module>` (which exports `runtime`) on first use. */
export function runtimeFor(module: string): ResourceRuntime {
  if (!/^[a-z][a-z0-9-]*$/.test(module)) throw new TalosHetznerError(`invalid resource module name "${module}"`);
  const known = runtimes.get(module);
  if (known) return known;
  const file = BUILTIN_FILES[module] ?? `../${module}`;
  let loaded: { runtime?: ResourceRuntime };
  try {
    loaded = require(file);
  } catch (e) {
    if ((e as { code?: string }).code === "MODULE_NOT_FOUND" && String((e as Error).message).includes(file)) {
      throw new TalosHetznerError(
        `no runtime for resource module "${module}": expected provider/runtime/${module}/index.ts exporting \`runtime\``,
      );
    }
    throw e;
  }
  const impl = runtimes.get(module) ?? loaded.runtime;
  if (!impl) throw new TalosHetznerError(`provider/runtime/${module}/index.ts does not export \`runtime\``);
  runtimes.set(module, impl);
  return impl;
}

/** A copy of a property bag without the host's `__provider` key. */
export function withoutProvider(props: Props | undefined): Props {
  const { [PROVIDER_KEY]: _ignored, ...rest } = props ?? {};
  return rest;
}

/** Forwards one provider method to the module's runtime; what every shim calls. */
export async function dispatch(module: string, method: RuntimeMethod, ...args: unknown[]): Promise<unknown> {
  const rt = runtimeFor(module);
  try {
    return await METHODS[method](rt, module, args);
  } catch (e) {
    throw sanitize(e, method, args);
  }
}

type Handler = (rt: ResourceRuntime, module: string, args: unknown[]) => Promise<unknown>;

const METHODS: Record<RuntimeMethod, Handler> = {
  async check(rt, _m, [olds, news]) {
    const n = withoutProvider(news as Props);
    if (!rt.check) return { inputs: n };
    const r = await rt.check(withoutProvider(olds as Props), n);
    return { inputs: r.inputs ?? n, failures: r.failures ?? [] };
  },
  async diff(rt, _m, [id, olds, news]) {
    // No diff method: DIFF_UNKNOWN, so the engine diffs the inputs itself (contract §3).
    return rt.diff ? rt.diff(id as string, withoutProvider(olds as Props), withoutProvider(news as Props)) : {};
  },
  async create(rt, module, [inputs]) {
    if (!rt.create) throw new TalosHetznerError(`resource module "${module}" cannot create resources`);
    const i = withoutProvider(inputs as Props);
    const r = await rt.create(i);
    // Outputs repeat the inputs so that diff (old outputs vs new inputs) compares like with like.
    return { id: r.id, outs: { ...i, ...r.outs } };
  },
  async read(rt, _m, [id, props]) {
    const p = withoutProvider(props as Props);
    if (!rt.read) return { id, props: p };
    const r = await rt.read(id as string, p);
    if (r.id === "") return { id: "" }; // gone: the engine drops it from state
    return { id: r.id ?? id, props: r.props ?? p, ...(r.inputs ? { inputs: r.inputs } : {}) };
  },
  async update(rt, module, [id, olds, news]) {
    if (!rt.update) throw new TalosHetznerError(`resource module "${module}" cannot update resource ${id} in place`);
    const n = withoutProvider(news as Props);
    const r = await rt.update(id as string, withoutProvider(olds as Props), n);
    return { outs: { ...n, ...r.outs } };
  },
  async delete(rt, _m, [id, props]) {
    if (rt.delete) await rt.delete(id as string, withoutProvider(props as Props));
  },
};

/** Masks secrets in the message and completes a partial-resource error with `__provider`. */
function sanitize(e: unknown, method: RuntimeMethod, args: unknown[]): unknown {
  // The host sends the message to the engine and prints the stack for some methods.
  if (e instanceof Error) {
    e.message = maskSecrets(e.message);
    if (e.stack) e.stack = maskSecrets(e.stack);
  }
  if (isError(e, "PartialResourceError")) {
    const err = e as PartialResourceError;
    err.reasons.splice(0, err.reasons.length, ...err.reasons.map(maskSecrets));
    // Create: the new inputs; update: the old outputs, so the next diff still shows the change.
    const base = (
      method === "create" ? args[0] : { ...(args[1] as Props), __provider: (args[2] as Props)?.[PROVIDER_KEY] }
    ) as Props;
    completePartialError(err, base);
  }
  return e;
}
