/** Cloud API error envelopes, as the simulator answers them (spec: info.description "Errors"). */

/** Details of an error envelope; the shape depends on the code. */
export type ErrorDetails = Record<string, unknown> | null;

/** A failed request: thrown by handlers, turned into `{"error":{code,message,details}}` by the pipeline. */
export class SimApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetails = null,
  ) {
    super(message);
    this.name = "SimApiError";
  }

  /** The JSON body of this error. */
  envelope(): { error: { code: string; message: string; details: ErrorDetails } } {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

/** 422 invalid_input for one field, with the message format of the spec's example. */
export function invalidInput(field: string, message: string, status = 422): SimApiError {
  return new SimApiError(status, "invalid_input", `invalid input in field '${field}': ${message}`, {
    fields: [{ name: field, messages: [message] }],
  });
}

/** 422 invalid_input for a reference that does not exist, worded like the real API ("location 'ash' not found"). */
export function unknownReference(field: string, what: string, value: unknown): SimApiError {
  return new SimApiError(422, "invalid_input", `${what} '${String(value)}' not found`, {
    fields: [{ name: field, messages: [`${what} not found`] }],
  });
}

/** 404 not_found for a resource id, e.g. "server with ID '42' not found". */
export function notFound(kind: string, id: unknown): SimApiError {
  return new SimApiError(404, "not_found", `${kind} with ID '${String(id)}' not found`);
}

/** 409 uniqueness_error naming the field that must be unique. */
export function uniquenessError(field: string, message: string): SimApiError {
  return new SimApiError(409, "uniqueness_error", message, { fields: [{ name: field }] });
}

/** 423 locked: another action is running on the resource. */
export function locked(kind: string, id: number, running: string): SimApiError {
  return new SimApiError(423, "locked", `${kind} ${id} is locked: action ${running} is running`);
}

/** Throws `e`; lets a lookup read `find(...) ?? fail(notFound(...))`. */
export function fail(e: Error): never {
  throw e;
}
