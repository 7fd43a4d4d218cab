/**
 * A resource's one declaration of its inputs and outputs: every key, whether its value is secret,
 * and whether a changed input replaces the resource. The runtime's diff, the outputs it keeps on
 * refresh, the keys the resource class seeds and its `additionalSecretOutputs` all derive from it,
 * so adding an output is one line here (plus its type). Typed against the resource's input and
 * output interfaces: a key missing from the declaration, or one the interfaces lack, fails to compile.
 */

/** How one input or output behaves. */
export interface FieldSpec {
  /** Key material: stored encrypted in state and shown as [secret] in previews. */
  secret?: true;
  /** (Inputs) a change replaces the resource instead of updating it. */
  replaces?: true;
  /** (Inputs) the provider reports the value it keeps (found or generated), so it is an output too. */
  reported?: true;
  /** (Inputs) read by check at preview only: never diffed and not repeated in the outputs. */
  checkOnly?: true;
}

/** The declaration: inputs, and the outputs that are not inputs (outputs repeat every input). */
export interface ResourceFields<I extends string, O extends string> {
  inputs: Record<I, FieldSpec>;
  outputs: Record<O, FieldSpec>;
}

/** The declaration with the key lists derived from it. */
export interface ResourceSchema<I extends string, O extends string> extends ResourceFields<I, O> {
  /** Every input key that is diffed and repeated in the outputs (all but checkOnly), in declaration order. */
  inputKeys: I[];
  /** Every output-only key. */
  outputKeys: O[];
  /** The keys the resource class seeds as unknown outputs: the output-only ones and the reported inputs. */
  seedKeys: (I | O)[];
  /** Input keys whose change replaces. */
  replaceKeys: I[];
  /** Input keys holding key material (wrapped as secrets by the resource class). */
  secretInputKeys: I[];
  /** Output keys (inputs included, as outputs repeat them) the engine must store encrypted. */
  secretOutputKeys: (I | O)[];
  /** Secret inputs that are outputs whether or not the user set them (reported). */
  alwaysSecretOutputKeys: (I | O)[];
}

const where = <K extends string>(r: Record<K, FieldSpec>, f: (s: FieldSpec) => boolean | undefined): K[] =>
  (Object.keys(r) as K[]).filter((k) => f(r[k]));

/** Derives the key lists of one resource's declaration. */
export function resourceSchema<I extends string, O extends string>(fields: ResourceFields<I, O>): ResourceSchema<I, O> {
  const secretInputKeys = where(fields.inputs, (s) => s.secret);
  return {
    ...fields,
    inputKeys: where(fields.inputs, (s) => !s.checkOnly),
    outputKeys: where(fields.outputs, () => true),
    seedKeys: [...where(fields.outputs, () => true), ...where(fields.inputs, (s) => s.reported)],
    replaceKeys: where(fields.inputs, (s) => s.replaces),
    secretInputKeys,
    secretOutputKeys: [...where(fields.outputs, (s) => s.secret), ...secretInputKeys],
    alwaysSecretOutputKeys: [
      ...where(fields.outputs, (s) => s.secret),
      ...where(fields.inputs, (s) => s.secret && s.reported),
    ],
  };
}

/** The keys of `T` that are strings (the input and output interfaces' field names). */
export type KeysOf<T> = keyof T & string;
/** The output-only keys: in the outputs interface but not in the inputs interface. */
export type OutputOnlyKeys<O, I> = Exclude<keyof O & string, keyof I & string>;
