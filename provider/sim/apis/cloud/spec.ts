/** Loads the vendored Hetzner Cloud OpenAPI document and one ajv instance over it, both lazily. */
import * as fs from "fs";
import * as path from "path";
import Ajv2020, { ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";

/** Schema id under which the whole spec is registered, so `$ref`s inside it resolve against its root. */
export const SPEC_ID = "cloud.spec.json";

/** A JSON object of the spec (operations, parameters, schemas). */
export type SpecNode = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Where the vendored spec is looked for: from sources (provider/sim/apis/cloud) and from dist/provider/sim/apis/cloud. */
export function specCandidates(dir = __dirname): string[] {
  const fromEnv = process.env.TALOS_HETZNER_CLOUD_SPEC;
  const local = path.join(dir, "spec", "cloud.spec.json");
  const fromDist = path.resolve(dir, "../../../../../provider/sim/apis/cloud/spec/cloud.spec.json");
  return [...(fromEnv ? [fromEnv] : []), local, fromDist];
}

/** Lazy holder of the parsed spec and an ajv instance that knows it. */
export class SpecSchemas {
  private specNode?: SpecNode;
  private ajvInstance?: Ajv2020;

  constructor(private readonly file?: string) {}

  /** The parsed spec (read on first use: 3.4 MB, ~30 ms). */
  get spec(): SpecNode {
    if (!this.specNode) this.specNode = JSON.parse(fs.readFileSync(this.locate(), "utf8")) as SpecNode;
    return this.specNode;
  }

  /** Compiles the schema at a JSON pointer inside the spec ("/paths/~1servers/get/..."). */
  compile(pointer: string): ValidateFunction {
    return this.ajv().compile({ $ref: `${SPEC_ID}#${pointer}` });
  }

  private ajv(): Ajv2020 {
    if (this.ajvInstance) return this.ajvInstance;
    // strict:false: the spec uses OpenAPI-only keywords (example, x-*). validateSchema:false and no code
    // optimisation cut compile time of the big server schemas about threefold (~60 ms instead of ~180 ms).
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false, code: { optimize: false } });
    addFormats(ajv);
    // OpenAPI number formats the spec uses; the type keyword already checks them.
    for (const f of ["int32", "int64", "float", "double", "decimal"]) ajv.addFormat(f, true);
    ajv.addSchema(this.spec, SPEC_ID);
    this.ajvInstance = ajv;
    return ajv;
  }

  private locate(): string {
    const candidates = this.file ? [this.file] : specCandidates();
    const found = candidates.find((f) => fs.existsSync(f));
    if (!found) throw new Error(`Hetzner Cloud OpenAPI document not found; looked at: ${candidates.join(", ")}`);
    return found;
  }
}

/** JSON pointer of an operation node: ["/servers/{id}", "get"] → "/paths/~1servers~1%7Bid%7D/get". */
export function operationPointer(template: string, method: string): string {
  return `/paths/${escapeSegment(template)}/${method.toLowerCase()}`;
}

/** Escapes one JSON-pointer segment for use in a URI fragment. */
export function escapeSegment(segment: string): string {
  return encodeURIComponent(segment.replace(/~/g, "~0").replace(/\//g, "~1"));
}
