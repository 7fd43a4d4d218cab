/** Lists every page of a list endpoint by following `meta.pagination.next_page` (spec "Pagination"). */
import { Pagination } from "./types";
import { Query, Transport } from "./transport";

/** Upper bound on pages, so a server that never ends the list cannot loop us forever (50 × 1000 items). */
const MAX_PAGES = 1000;

/** Fetches all pages of `GET path` (50 per page) and returns the items under `key`. */
export async function listAll<T>(transport: Transport, path: string, key: string, query: Query = {}): Promise<T[]> {
  const items: T[] = [];
  let page: number | null = 1;
  for (let n = 0; page && n < MAX_PAGES; n++) {
    const body: Record<string, unknown> & { meta?: { pagination?: Pagination } } = await transport.request(
      "GET",
      path,
      { query: { ...query, page, per_page: 50 } },
    );
    items.push(...((body[key] as T[] | undefined) ?? []));
    page = body.meta?.pagination?.next_page ?? null;
  }
  return items;
}
