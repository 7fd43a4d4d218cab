/** Pure diff helpers for runtime modules: compare old outputs with new inputs key by key. */
import { deepEqual } from "../../internal/deep-equal";
import { DiffResult, Props, isUnknown } from "./types";

export { deepEqual };

/** Input keys whose new value differs from the old output under the same key (unknown = changed). */
export function changedKeys(olds: Props, news: Props, keys: readonly string[]): string[] {
  return keys.filter((k) => isUnknown(news[k]) || !deepEqual(olds[k], news[k]));
}

/** Options of `diffInputs`. */
export interface DiffInputsOptions {
  /** Every input key of the resource (outputs hold copies of them under the same names). */
  inputKeys: readonly string[];
  /** Input keys whose change replaces the resource. */
  replaceKeys?: readonly string[];
  /** Delete the old resource before creating its replacement. @default false */
  deleteBeforeReplace?: boolean;
}

/** A complete DiffResult from old outputs and new inputs; `replaces` lists changed replace keys. */
export function diffInputs(olds: Props, news: Props, o: DiffInputsOptions): DiffResult {
  const changed = changedKeys(olds, news, o.inputKeys);
  const replaces = changed.filter((k) => o.replaceKeys?.includes(k));
  const result: DiffResult = { changes: changed.length > 0, replaces };
  if (replaces.length > 0 && o.deleteBeforeReplace) result.deleteBeforeReplace = true;
  return result;
}
