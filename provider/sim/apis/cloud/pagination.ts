/** Sorting and pagination of list responses (spec "Pagination" and "Sorting"). */
import { SimRequest, SimResponse } from "./router";
import { invalidInput } from "./errors";
import type { Pagination } from "../../../hetzner/cloud/types";

/** How to read a sortable field of an item. */
export type SortFields<T> = Record<string, (item: T) => string | number>;

/** Sorts by repeated `sort=field[:asc|:desc]` parameters; id ascending when none is given. */
export function sortItems<T>(items: T[], sorts: string[], fields: SortFields<T>): T[] {
  const keys = (sorts.length ? sorts : ["id"]).map((s) => {
    const [field, dir = "asc"] = s.split(":");
    if (!fields[field] || (dir !== "asc" && dir !== "desc"))
      throw invalidInput("sort", `invalid sort field or direction '${s}'`);
    return { get: fields[field], sign: dir === "desc" ? -1 : 1 };
  });
  return [...items].sort((a, b) => {
    for (const k of keys) {
      const x = k.get(a);
      const y = k.get(b);
      if (x !== y) return (x < y ? -1 : 1) * k.sign;
    }
    return 0;
  });
}

/** Answers a list: `{ [key]: page, meta: { pagination } }` with a Link header (per_page default 25, max 50). */
export function listResponse<T>(key: string, items: T[], req: SimRequest, render: (item: T) => unknown): SimResponse {
  const perPage = Math.min(50, positiveInt(req.query.get("per_page"), 25, "per_page"));
  const page = positiveInt(req.query.get("page"), 1, "page");
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const pagination: Pagination = {
    page,
    per_page: perPage,
    previous_page: page > 1 ? Math.min(page - 1, last) : null,
    next_page: page < last ? page + 1 : null,
    last_page: last,
    total_entries: items.length,
  };
  const slice = items.slice((page - 1) * perPage, page * perPage).map(render);
  const link = linkHeader(req.url, pagination);
  return { status: 200, body: { [key]: slice, meta: { pagination } }, headers: link ? { Link: link } : {} };
}

function linkHeader(url: URL, p: Pagination): string {
  const at = (n: number) => {
    const u = new URL(url.toString());
    u.searchParams.set("page", String(n));
    u.searchParams.set("per_page", String(p.per_page));
    return u.toString();
  };
  const links: string[] = [];
  if (p.previous_page) links.push(`<${at(p.previous_page)}>; rel="prev"`);
  if (p.next_page) links.push(`<${at(p.next_page)}>; rel="next"`);
  if (p.last_page) links.push(`<${at(p.last_page)}>; rel="last"`);
  return links.join(", ");
}

function positiveInt(value: string | null, fallback: number, field: string): number {
  if (value === null || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw invalidInput(field, "must be a positive integer");
  return n;
}
