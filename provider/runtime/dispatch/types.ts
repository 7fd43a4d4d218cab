/** Plain types shared by the dispatcher and every runtime module (no Pulumi import needed). */

/** A property bag as the dynamic-provider host hands it over (JSON values, `__provider` removed). */
export type Props = Record<string, unknown>;

/** A `check` failure naming the offending input. */
export interface CheckFailure {
  property: string;
  reason: string;
}

/** Result of `check`: normalized inputs and/or failures. */
export interface CheckResult<I = Props> {
  inputs?: I;
  failures?: CheckFailure[];
}

/**
 * Result of `diff`. `changes: undefined` means DIFF_UNKNOWN: the engine then diffs the inputs itself
 * and prints a per-field diff (contract §3); `stables` is dropped by the host.
 */
export interface DiffResult {
  changes?: boolean;
  replaces?: string[];
  stables?: string[];
  deleteBeforeReplace?: boolean;
}

/** Result of `create`: the id and the outputs (inputs are merged in by the dispatcher). */
export interface CreateResult<O = Props> {
  id: string;
  outs?: Partial<O>;
}

/** Result of `read`: a blank `id` means the resource is gone and is dropped from state. */
export interface ReadResult<I = Props, O = Props> {
  id?: string;
  props?: O;
  inputs?: I;
}

/** Result of `update`: the new outputs (inputs are merged in by the dispatcher). */
export interface UpdateResult<O = Props> {
  outs?: Partial<O>;
}

/** What one resource's runtime module implements; every method is optional and gets plain objects. */
export interface ResourceRuntime<I = Props, O = Props> {
  check?(olds: Props, news: Props): Promise<CheckResult<I>>;
  diff?(id: string, olds: O, news: I): Promise<DiffResult>;
  create?(inputs: I): Promise<CreateResult<O>>;
  read?(id: string, props: O): Promise<ReadResult<I, O>>;
  update?(id: string, olds: O, news: I): Promise<UpdateResult<O>>;
  delete?(id: string, props: O): Promise<void>;
}

/** The provider methods a shim forwards. */
export type RuntimeMethod = "check" | "diff" | "create" | "read" | "update" | "delete";

/** The placeholder the engine sends for values not known yet (during preview). */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when a value is the engine's unknown placeholder (preview of a value computed later). */
export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN_VALUE;
}
