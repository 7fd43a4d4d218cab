/**
 * Validates the simulator's traffic against the official OpenAPI document: request bodies, query
 * parameters and response bodies, with validators compiled lazily per (template, method, part) and cached.
 */
import { ErrorObject, ValidateFunction } from "ajv";
import { SpecNode, SpecSchemas, escapeSegment, operationPointer } from "./spec";

/** One validation failure: `field` in the style of the API's invalid_input details. */
export interface ValidationIssue {
  field: string;
  message: string;
}

/**
 * Request shapes real clients send that the spec does not allow (contracts/hetzner-cloud.md §2
 * "What real clients send"): hcloud-go sends ids as JSON integers where the spec types strings.
 */
const REQUEST_TOLERANCES: Partial<Record<string, (body: Record<string, unknown>) => Record<string, unknown>>> = {
  "POST /servers": (b) => ({
    ...b,
    ...pickStringified(b, ["image", "server_type", "location"]),
    ...(Array.isArray(b.ssh_keys) ? { ssh_keys: b.ssh_keys.map((k) => (typeof k === "number" ? String(k) : k)) } : {}),
  }),
};

/** Cached validators over one spec. */
export class SpecValidator {
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(readonly schemas: SpecSchemas = new SpecSchemas()) {}

  /** Issues of a request body (undefined body = none sent). */
  requestBody(template: string, method: string, body: unknown): ValidationIssue[] {
    const op = this.operation(template, method);
    if (!op?.requestBody) return [];
    if (body === undefined)
      return op.requestBody.required ? [{ field: "body", message: "request body is required" }] : [];
    const tolerate = REQUEST_TOLERANCES[`${method} ${template}`];
    const subject = tolerate && isObject(body) ? tolerate(body) : body;
    return this.check(`${operationPointer(template, method)}/requestBody/content/application~1json/schema`, subject);
  }

  /** Issues of the query string: required parameters, and values coerced to the parameter's schema type. */
  query(template: string, method: string, query: URLSearchParams): ValidationIssue[] {
    const params: SpecNode[] = this.operation(template, method)?.parameters ?? [];
    const issues: ValidationIssue[] = [];
    params.forEach((p, i) => {
      if (p.in !== "query") return;
      const values = query.getAll(p.name);
      if (values.length === 0) {
        if (p.required) issues.push({ field: p.name, message: "Missing data for required field." });
        return;
      }
      const pointer = `${operationPointer(template, method)}/parameters/${i}/schema`;
      const found = this.check(pointer, coerceQuery(p.schema ?? {}, values));
      issues.push(...found.map((x) => ({ field: p.name + x.field.replace(/^body/, ""), message: x.message })));
    });
    return issues;
  }

  /** Issues of a response body for a status ("4xx"/"5xx" ranges apply to error envelopes). */
  responseBody(template: string, method: string, status: number, body: unknown): ValidationIssue[] {
    const responses = this.operation(template, method)?.responses ?? {};
    const key = [String(status), `${String(status)[0]}xx`, "default"].find((k) => responses[k]);
    if (!key) return [{ field: "status", message: `status ${status} is not documented for ${method} ${template}` }];
    const content = responses[key].content?.["application/json"];
    if (!content)
      return body === undefined ? [] : [{ field: "body", message: `status ${status} must not have a body` }];
    if (body === undefined) return [{ field: "body", message: `status ${status} requires a JSON body` }];
    return this.check(
      `${operationPointer(template, method)}/responses/${escapeSegment(key)}/content/application~1json/schema`,
      body,
    );
  }

  private operation(template: string, method: string): SpecNode | undefined {
    return this.schemas.spec.paths?.[template]?.[method.toLowerCase()];
  }

  private check(pointer: string, data: unknown): ValidationIssue[] {
    let validate = this.cache.get(pointer);
    if (validate === undefined) {
      validate = this.schemas.compile(pointer);
      this.cache.set(pointer, validate);
    }
    if (validate(data)) return [];
    return (validate.errors ?? []).map(issueOf);
  }
}

/** One line per issue, for violation records and 500 messages. */
export function describeIssues(issues: ValidationIssue[]): string {
  return issues.map((i) => `${i.field}: ${i.message}`).join("; ");
}

function issueOf(e: ErrorObject): ValidationIssue {
  const base = "body" + e.instancePath.replace(/\/(\d+)/g, "[$1]").replace(/\//g, ".");
  const params = e.params as Record<string, unknown>;
  if (e.keyword === "required")
    return {
      field: `${base}.${String(params.missingProperty)}`.replace(/^body\./, ""),
      message: "Missing data for required field.",
    };
  const detail = e.keyword === "enum" ? ` (${(params.allowedValues as unknown[]).join(", ")})` : "";
  return {
    field: base === "body" ? "body" : base.replace(/^body\./, ""),
    message: `${e.message ?? e.keyword}${detail}`,
  };
}

function coerceQuery(schema: SpecNode, values: string[]): unknown {
  if (schema.type === "array") return values.map((v) => coerceScalar(schema.items ?? {}, v));
  return coerceScalar(schema, values[values.length - 1]);
}

function coerceScalar(schema: SpecNode, value: string): unknown {
  const types: string[] = Array.isArray(schema.type) ? schema.type : [schema.type];
  if ((types.includes("integer") || types.includes("number")) && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (types.includes("boolean") && (value === "true" || value === "false")) return value === "true";
  return value;
}

function pickStringified(b: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (typeof b[k] === "number") out[k] = String(b[k]);
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
