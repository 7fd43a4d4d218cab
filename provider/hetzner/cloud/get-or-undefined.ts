/** GET by id where 404 means absence (hcloud-go returns nil, nil), not an error. */
import { isCloudNotFound } from "./errors";
import { Transport } from "./transport";

/** Fetches `path` and returns `body[key]`, or undefined when the API answers 404 not_found. */
export async function getOrUndefined<T>(t: Transport, path: string, key: string): Promise<T | undefined> {
  try {
    return (await t.request<Record<string, T>>("GET", path))[key];
  } catch (e) {
    if (isCloudNotFound(e)) return undefined;
    throw e;
  }
}
