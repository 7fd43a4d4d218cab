/** Small parsers of request parts shared by the route modules. */
import { invalidInput, notFound } from "./errors";

/** Parses a path id, answering 404 for non-numbers like the real API. */
export function pathId(raw: string, kind: string): number {
  const id = Number(raw);
  if (!Number.isInteger(id) || id < 1) throw notFound(kind, raw);
  return id;
}

/** 422 invalid_input when a required body is missing or not an object. */
export function bodyObject(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw invalidInput("body", "must be a JSON object");
  return body as Record<string, unknown>;
}

/** The record with the path's id, or 404 not_found naming the kind ("firewall with ID '7' not found"). */
export function findById<T>(map: Map<number, T>, raw: string, kind: string): T {
  const found = map.get(pathId(raw, kind));
  if (found === undefined) throw notFound(kind, raw);
  return found;
}
