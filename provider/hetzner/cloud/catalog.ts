/** Read-only catalogue: `GET /server_types?name=` and `GET /locations?name=` (absence is undefined). */
import { listAll } from "./pagination";
import { Transport } from "./transport";

/** What the library needs of a server type. */
export interface ServerTypeInfo {
  name: string;
  architecture: "x86" | "arm";
  /** Locations the type is offered in (`locations[].name`; absent in older API answers). */
  locations?: { name: string; available?: boolean }[];
}

/** What the library needs of a location. */
export interface LocationInfo {
  name: string;
  description?: string;
}

/** Client for /server_types and /locations. */
export class CatalogClient {
  constructor(private readonly t: Transport) {}

  /** The server type called `name`, or undefined when the API knows none. */
  async serverType(name: string): Promise<ServerTypeInfo | undefined> {
    return (await listAll<ServerTypeInfo>(this.t, "/server_types", "server_types", { name }))[0];
  }

  /** The location called `name`, or undefined when the API knows none. */
  async location(name: string): Promise<LocationInfo | undefined> {
    return (await listAll<LocationInfo>(this.t, "/locations", "locations", { name }))[0];
  }

  /** Every location name (for "known: …" in error messages). */
  async locationNames(): Promise<string[]> {
    return (await listAll<LocationInfo>(this.t, "/locations", "locations", {})).map((l) => l.name);
  }
}
