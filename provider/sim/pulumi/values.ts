/** Property values as they cross the engine/provider boundary: secret wrappers, unknowns, Structs. */

/** Key marking a special value on the wire (sdk/nodejs/runtime/rpc.ts `specialSigKey`). */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
/** Signature of a secret value (`specialSecretSig`). */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** The value the engine sends for something not known yet (`unknownValue`). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A property bag of JSON values. */
export type Props = Record<string, unknown>;

/** A secret value in the wire encoding: `{ [SIG_KEY]: SECRET_SIG, value }`. */
export interface SecretValue {
  [SIG_KEY]: typeof SECRET_SIG;
  value: unknown;
}

/** Wraps a value as a secret, the way the engine marks secret config and inputs. */
export function secret(value: unknown): SecretValue {
  return { [SIG_KEY]: SECRET_SIG, value };
}

/** True for a wire-encoded secret. */
export function isSecret(v: unknown): v is SecretValue {
  return typeof v === "object" && v !== null && (v as Props)[SIG_KEY] === SECRET_SIG;
}

/** Removes secret wrappers at any depth (what the engine does for a provider with acceptSecrets=false). */
export function unwrapDeep(v: unknown): unknown {
  if (isSecret(v)) return unwrapDeep(v.value);
  if (Array.isArray(v)) return v.map(unwrapDeep);
  if (typeof v === "object" && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapDeep(x)]));
  }
  return v;
}

/** True when a value holds a secret anywhere inside it. */
export function containsSecret(v: unknown): boolean {
  if (isSecret(v)) return true;
  if (Array.isArray(v)) return v.some(containsSecret);
  if (typeof v === "object" && v !== null) return Object.values(v).some(containsSecret);
  return false;
}

/**
 * Splits props into plain values and the top-level keys that held a secret somewhere. Secrecy is
 * tracked per top-level key: the engine re-marks an output secret when the same-named input was.
 */
export function splitSecrets(props: Props): { plain: Props; secretKeys: string[] } {
  const secretKeys = Object.keys(props).filter((k) => containsSecret(props[k]));
  return { plain: unwrapDeep(props) as Props, secretKeys };
}

/** Wraps the values of `keys` as secrets (keys absent from props are skipped). */
export function markSecrets(props: Props, keys: readonly string[]): Props {
  const out: Props = { ...props };
  for (const k of keys) if (k in out && out[k] !== undefined && !isSecret(out[k])) out[k] = secret(out[k]);
  return out;
}

/** A deep copy without `undefined` members (protobuf Struct cannot encode them). */
export function jsonClean<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}
