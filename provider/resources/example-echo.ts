/**
 * The trivial example resource: copy this file's shape for a new resource. Inputs/outputs types →
 * public Args → the shim provider → the resource class. Its runtime is provider/runtime/dispatch/echo.ts
 * (a real resource's runtime lives in provider/runtime/<module>/index.ts and exports `runtime`).
 */
import * as pulumi from "@pulumi/pulumi";
import type { EchoInputs, EchoOutputs } from "../runtime/dispatch/echo";
import { TYPE_MODULE, secretOutputs, seedOutputs, shimProvider } from "./framework";

/** Arguments of `EchoResource`. */
export interface EchoArgs {
  /** Text echoed back; a change updates in place. */
  message: pulumi.Input<EchoInputs["message"]>;
  /** Bump to replace the resource. @default undefined (a change replaces) */
  generation?: pulumi.Input<number>;
  /** Test hook: create/update fail with this message. Updates in place. */
  failWith?: pulumi.Input<string>;
  /** Test hook: create/update fail with this message after the object exists. Updates in place. */
  failAfterCreateWith?: pulumi.Input<string>;
}

/** Output-only keys (seeded with undefined so their Outputs exist). */
const OUTPUT_KEYS = ["echoed", "secretEcho", "endpoint"] as const;
/** Outputs that carry secrets. */
const SECRET_OUTPUTS = ["secretEcho"] as const;

/** A resource that echoes its message; shows the thin-shim pattern with one secret output. */
export class EchoResource extends pulumi.dynamic.Resource {
  declare readonly message: pulumi.Output<string>;
  declare readonly echoed: pulumi.Output<EchoOutputs["echoed"]>;
  /** Secret: marked through `additionalSecretOutputs`. */
  declare readonly secretEcho: pulumi.Output<string>;
  declare readonly endpoint: pulumi.Output<string>;

  constructor(name: string, args: EchoArgs, opts?: pulumi.CustomResourceOptions) {
    const props = seedOutputs(args, OUTPUT_KEYS);
    super(shimProvider("example-echo"), name, props, secretOutputs(opts, SECRET_OUTPUTS), TYPE_MODULE, "Echo");
  }
}
