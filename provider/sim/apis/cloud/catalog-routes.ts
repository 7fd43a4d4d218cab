/**
 * Read-only catalogue routes: GET /locations and GET /server_types (lists and by id). Data centers
 * are gone: the spec marks GET /datacenters deprecated on 2026-06-01 and removed after 2026-10-01
 * (contracts/hetzner-cloud.md), and removed functionality answers 410 deprecated_api_endpoint with
 * the spec's body.
 */
import { SimApiError } from "./errors";
import { Router } from "./router";
import { CloudState } from "./state";
import { SERVER_TYPES, renderServerType } from "./catalog";
import { findById } from "./params";
import { listResponse } from "./pagination";

/** Where Hetzner announced the removal (its changelog). */
export const DATACENTERS_REMOVED = "https://docs.hetzner.cloud/changelog";

/** Registers the catalogue routes. */
export function registerCatalogRoutes(router: Router, state: CloudState): void {
  const renderType = (t: (typeof SERVER_TYPES)[number]) =>
    renderServerType(t, state.locations, (n, l) => state.unavailable(n, l));
  const byName = <T extends { name: string }>(items: T[], name: string | null) =>
    items.filter((i) => name === null || i.name === name);
  router.add("GET", "/locations", (req) =>
    listResponse("locations", byName(state.locations, req.query.get("name")), req, (l) => l),
  );
  router.add("GET", "/locations/{id}", (req) => ({
    status: 200,
    body: { location: findById(new Map(state.locations.map((l) => [l.id, l])), req.params.id, "location") },
  }));
  const removed = () => {
    throw new SimApiError(410, "deprecated_api_endpoint", "API functionality was removed", {
      announcement: DATACENTERS_REMOVED,
    });
  };
  router.add("GET", "/datacenters", removed);
  router.add("GET", "/datacenters/{id}", removed);
  router.add("GET", "/server_types", (req) =>
    listResponse("server_types", byName(SERVER_TYPES, req.query.get("name")), req, renderType),
  );
  router.add("GET", "/server_types/{id}", (req) => ({
    status: 200,
    body: {
      server_type: renderType(findById(new Map(SERVER_TYPES.map((t) => [t.id, t])), req.params.id, "server type")),
    },
  }));
}
