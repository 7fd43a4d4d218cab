/**
 * The shared shape of every dynamic resource: a thin serialized provider shim that forwards to the
 * runtime (DESIGN.md #1), secret-output options (#3) and the output-key seeding convention.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ResourceSchema } from "../runtime/dispatch/schema";

/** The `dynamic.Resource` module of every resource: tokens read `pulumi-nodejs:dynamic/talos-hetzner:<Type>`. */
export const TYPE_MODULE = "talos-hetzner";

const shims = new Map<string, pulumi.dynamic.ResourceProvider>();

/**
 * The provider object of a resource module (one per module, because the serializer caches per
 * object). Its methods capture nothing but the module name; `require` inside a method body is
 * left as is by the serializer and resolved by the host from the program directory (contract §1).
 */
export function shimProvider(module: string): pulumi.dynamic.ResourceProvider {
  if (!/^[a-z][a-z0-9-]*$/.test(module)) throw new Error(`[module] "${module}" must be lower-case kebab-case`);
  let shim = shims.get(module);
  if (!shim) {
    shim = makeShim(module);
    shims.set(module, shim);
  }
  return shim;
}

// Every method body repeats the require on purpose: a shared helper would be captured and serialized.
function makeShim(resourceModule: string): pulumi.dynamic.ResourceProvider {
  return {
    configure(req) {
      return require("pulumi-talos-hetzner/runtime").configure(req);
    },
    check(olds, news) {
      return require("pulumi-talos-hetzner/runtime").dispatch(resourceModule, "check", olds, news);
    },
    diff(id, olds, news) {
      return require("pulumi-talos-hetzner/runtime").dispatch(resourceModule, "diff", id, olds, news);
    },
    create(inputs) {
      return require("pulumi-talos-hetzner/runtime").dispatch(resourceModule, "create", inputs);
    },
    read(id, props) {
      return require("pulumi-talos-hetzner/runtime").dispatch(resourceModule, "read", id, props);
    },
    update(id, olds, news) {
      return require("pulumi-talos-hetzner/runtime").dispatch(resourceModule, "update", id, olds, news);
    },
    delete(id, props) {
      return require("pulumi-talos-hetzner/runtime").dispatch(resourceModule, "delete", id, props);
    },
  };
}

/** Options with `keys` added to `additionalSecretOutputs`, so the engine stores those outputs encrypted. */
export function secretOutputs<O extends pulumi.CustomResourceOptions>(opts: O | undefined, keys: readonly string[]): O {
  const merged = [...new Set([...(opts?.additionalSecretOutputs ?? []), ...keys])];
  return { ...(opts ?? ({} as O)), additionalSecretOutputs: merged };
}

/**
 * A fresh props object: the args plus every output-only key seeded with `undefined`, so the SDK
 * creates an Output for each declared property (docs: dynamic providers guide). Never mutates args.
 */
export function seedOutputs<A extends object>(args: A, outputKeys: readonly string[]): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const k of outputKeys) props[k] = undefined;
  return Object.assign(props, args);
}

/**
 * The props and options of a resource from its one declaration: secret inputs wrapped as secrets,
 * output keys seeded, and `additionalSecretOutputs` listing the secret outputs (a secret input only
 * when set, unless the provider reports it anyway).
 */
export function declaredResource<O extends pulumi.CustomResourceOptions>(
  fields: ResourceSchema<string, string>,
  args: object,
  opts: O | undefined,
): { props: Record<string, unknown>; opts: O } {
  const inputs: Record<string, unknown> = { ...args };
  for (const k of fields.secretInputKeys) if (inputs[k] !== undefined) inputs[k] = pulumi.secret(inputs[k]);
  const secret = fields.secretOutputKeys.filter(
    (k) => fields.alwaysSecretOutputKeys.includes(k) || !(k in fields.inputs) || inputs[k] !== undefined,
  );
  return { props: seedOutputs(inputs, fields.seedKeys), opts: secretOutputs(opts, secret) };
}
