/** Plain types of the `TalosSecrets` resource and its one declaration of inputs and outputs. */
import { KeysOf, OutputOnlyKeys, resourceSchema } from "../dispatch/schema";

/** Inputs of the secrets bundle. */
export interface SecretsInputs {
  /** Version contract for `gen secrets --talos-version`; ignored once generated. */
  talosVersion: string;
  /** An existing bundle to adopt instead of generating one. */
  secretsYaml?: string;
  /** Change to generate a new bundle (replaces the resource). */
  rotationTrigger?: string | number;
}

/** Outputs: the bundle (secret) and public facts about it. */
export interface SecretsOutputs extends SecretsInputs {
  secretsYaml: string;
  /** True when the bundle was adopted rather than generated. */
  adopted: boolean;
  /** Expiry (ISO 8601) of each CA certificate: etcd, k8s, k8saggregator, os. */
  caExpiry: Record<string, string>;
}

/**
 * Inputs and outputs of TalosSecrets, declared once. Only rotationTrigger replaces (the diff applies
 * it); the bundle is secret and always an output, adopted or generated.
 */
export const TALOS_SECRETS_FIELDS = resourceSchema<
  KeysOf<SecretsInputs>,
  OutputOnlyKeys<SecretsOutputs, SecretsInputs>
>({
  inputs: { talosVersion: {}, secretsYaml: { secret: true, reported: true }, rotationTrigger: { replaces: true } },
  outputs: { adopted: {}, caExpiry: {} },
});
