/**
 * `TalosSecrets`: the cluster's secrets bundle (`secrets.yaml`), generated once with `talosctl gen
 * secrets` or adopted from an existing file. Every output that carries key material is secret.
 * Runtime: provider/runtime/talos-secrets/index.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { SecretsInputs, TALOS_SECRETS_FIELDS } from "../runtime/talos-secrets/types";
import { TYPE_MODULE, declaredResource, shimProvider } from "./framework";

/** Arguments of `TalosSecrets`. */
export interface TalosSecretsArgs {
  /** Talos version contract for `gen secrets`, e.g. `v1.13.9`; a later change never regenerates the bundle. */
  talosVersion: pulumi.Input<SecretsInputs["talosVersion"]>;
  /** An existing `secrets.yaml` to adopt instead of generating one (stored as a secret); a change adopts the new bundle in place. */
  secretsYaml?: pulumi.Input<string>;
  /** Change this value to generate a new bundle (replaces the resource: every node needs new configs). @default undefined */
  rotationTrigger?: pulumi.Input<string | number>;
}

/** The cluster's secrets bundle. */
export class TalosSecrets extends pulumi.dynamic.Resource {
  /** The bundle as `secrets.yaml` text (secret). */
  declare readonly secretsYaml: pulumi.Output<string>;
  /** True when the bundle was adopted from `secretsYaml` rather than generated. */
  declare readonly adopted: pulumi.Output<boolean>;
  /** Expiry (ISO 8601) of each CA certificate: `etcd`, `k8s`, `k8saggregator`, `os`. */
  declare readonly caExpiry: pulumi.Output<Record<string, string>>;
  declare readonly talosVersion: pulumi.Output<string>;

  constructor(name: string, args: TalosSecretsArgs, opts?: pulumi.CustomResourceOptions) {
    const d = declaredResource(TALOS_SECRETS_FIELDS, args, opts);
    super(shimProvider("talos-secrets"), name, d.props, d.opts, TYPE_MODULE, "TalosSecrets");
  }
}
