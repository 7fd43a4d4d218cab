/** Secret values in persisted state: replaced by `{ [SIG_KEY]: SECRET_SIG, ciphertext }`, as Pulumi stores them. */
import { Crypter } from "./crypter";
import { Props, SECRET_SIG, SIG_KEY } from "./values";

/** An encrypted secret as stored. */
export interface StoredSecret {
  [SIG_KEY]: typeof SECRET_SIG;
  ciphertext: string;
}

/** Props with the values of `secretKeys` encrypted (JSON-encoded first, so any value type survives). */
export function encryptProps(props: Props, secretKeys: readonly string[], crypter: () => Crypter): Props {
  const out: Props = { ...props };
  for (const k of secretKeys) {
    if (out[k] === undefined) continue;
    const stored: StoredSecret = { [SIG_KEY]: SECRET_SIG, ciphertext: crypter().encrypt(JSON.stringify(out[k])) };
    out[k] = stored;
  }
  return out;
}

/** The inverse of `encryptProps`: plain props and the keys that were secret. */
export function decryptProps(stored: Props, crypter: () => Crypter): { props: Props; secretKeys: string[] } {
  const props: Props = {};
  const secretKeys: string[] = [];
  for (const [k, v] of Object.entries(stored)) {
    const s = v as Partial<StoredSecret> | null;
    if (typeof s === "object" && s !== null && s[SIG_KEY] === SECRET_SIG && typeof s.ciphertext === "string") {
      props[k] = JSON.parse(crypter().decrypt(s.ciphertext));
      secretKeys.push(k);
    } else {
      props[k] = v;
    }
  }
  return { props, secretKeys };
}
