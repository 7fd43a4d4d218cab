/** Read-only catalogue routes: GET /locations and GET /server_types (lists and by id). */
import { Router } from "./router";
import { CloudState } from "./state";
import { SERVER_TYPES, renderServerType } from "./catalog";
import { findById } from "./params";
import { listResponse } from "./pagination";

/** Registers the catalogue routes. */
export function registerCatalogRoutes(router: Router, state: CloudState): void {
  const renderType = (t: (typeof SERVER_TYPES)[number]) => renderServerType(t, state.locations, (n, l) => state.unavailable(n, l));
  const byName = <T extends { name: string }>(items: T[], name: string | null) => items.filter((i) => name === null || i.name === name);
  router.add("GET", "/locations", (req) => listResponse("locations", byName(state.locations, req.query.get("name")), req, (l) => l));
  router.add("GET", "/locations/{id}", (req) => ({
    status: 200, body: { location: findById(new Map(state.locations.map((l) => [l.id, l])), req.params.id, "location") },
  }));
  router.add("GET", "/server_types", (req) => listResponse("server_types", byName(SERVER_TYPES, req.query.get("name")), req, renderType));
  router.add("GET", "/server_types/{id}", (req) => ({
    status: 200, body: { server_type: renderType(findById(new Map(SERVER_TYPES.map((t) => [t.id, t])), req.params.id, "server type")) },
  }));
}
