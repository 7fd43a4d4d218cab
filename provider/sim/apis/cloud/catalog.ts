/** What the simulated project can order: locations and server types (values modelled on the real catalogue). */

/** A location as the API renders it. */
export interface Location {
  id: number;
  name: string;
  description: string;
  country: string;
  city: string;
  latitude: number;
  longitude: number;
  network_zone: string;
}

/** A server type; `disk` and `memory` in GB, `monthly` the net EUR price. */
export interface ServerTypeSpec {
  id: number;
  name: string;
  cores: number;
  memory: number;
  disk: number;
  architecture: "x86" | "arm";
  cpu_type: "shared" | "dedicated";
  monthly: number;
  description: string;
}

/** Every location the simulator knows; a scenario offers a subset. */
export const LOCATIONS: Location[] = [
  {
    id: 1,
    name: "fsn1",
    description: "Falkenstein DC Park 1",
    country: "DE",
    city: "Falkenstein",
    latitude: 50.47612,
    longitude: 12.370071,
    network_zone: "eu-central",
  },
  {
    id: 2,
    name: "nbg1",
    description: "Nuremberg DC Park 1",
    country: "DE",
    city: "Nuremberg",
    latitude: 49.452102,
    longitude: 11.076665,
    network_zone: "eu-central",
  },
  {
    id: 3,
    name: "hel1",
    description: "Helsinki DC Park 1",
    country: "FI",
    city: "Helsinki",
    latitude: 60.169855,
    longitude: 24.938379,
    network_zone: "eu-central",
  },
  {
    id: 4,
    name: "ash",
    description: "Ashburn, VA",
    country: "US",
    city: "Ashburn, VA",
    latitude: 39.045821,
    longitude: -77.487073,
    network_zone: "us-east",
  },
  {
    id: 5,
    name: "hil",
    description: "Hillsboro, OR",
    country: "US",
    city: "Hillsboro, OR",
    latitude: 45.54222,
    longitude: -122.951924,
    network_zone: "us-west",
  },
  {
    id: 6,
    name: "sin",
    description: "Singapore",
    country: "SG",
    city: "Singapore",
    latitude: 1.283333,
    longitude: 103.833333,
    network_zone: "ap-southeast",
  },
];

/** Server types offered everywhere (cx23/cax11 are the builder defaults of hcloud-upload-image). */
export const SERVER_TYPES: ServerTypeSpec[] = [
  {
    id: 114,
    name: "cx23",
    cores: 2,
    memory: 4,
    disk: 40,
    architecture: "x86",
    cpu_type: "shared",
    monthly: 2.99,
    description: "CX23",
  },
  {
    id: 115,
    name: "cx33",
    cores: 4,
    memory: 8,
    disk: 80,
    architecture: "x86",
    cpu_type: "shared",
    monthly: 4.99,
    description: "CX33",
  },
  {
    id: 116,
    name: "cx43",
    cores: 8,
    memory: 16,
    disk: 160,
    architecture: "x86",
    cpu_type: "shared",
    monthly: 9.49,
    description: "CX43",
  },
  {
    id: 9,
    name: "cpx21",
    cores: 3,
    memory: 4,
    disk: 80,
    architecture: "x86",
    cpu_type: "shared",
    monthly: 7.55,
    description: "CPX 21",
  },
  {
    id: 96,
    name: "ccx13",
    cores: 2,
    memory: 8,
    disk: 80,
    architecture: "x86",
    cpu_type: "dedicated",
    monthly: 12.49,
    description: "CCX13 Dedicated CPU",
  },
  {
    id: 45,
    name: "cax11",
    cores: 2,
    memory: 4,
    disk: 40,
    architecture: "arm",
    cpu_type: "shared",
    monthly: 3.79,
    description: "CAX11",
  },
  {
    id: 93,
    name: "cax21",
    cores: 4,
    memory: 8,
    disk: 80,
    architecture: "arm",
    cpu_type: "shared",
    monthly: 6.49,
    description: "CAX21",
  },
];

/** The scenario's locations, in order; unknown names are a scenario error. */
export function offeredLocations(names: string[] = ["fsn1", "nbg1", "hel1"]): Location[] {
  return names.map((n) => {
    const loc = LOCATIONS.find((l) => l.name === n);
    if (!loc)
      throw new Error(`[cloud.locations] unknown location '${n}' (known: ${LOCATIONS.map((l) => l.name).join(", ")})`);
    return loc;
  });
}

/** Finds a server type by name or id (integer or numeric string, as clients send both). */
export function findServerType(ref: unknown): ServerTypeSpec | undefined {
  return SERVER_TYPES.find((t) => t.name === ref || String(t.id) === String(ref));
}

/** Renders a server type for the given offered locations; `unavailable(type, location)` marks sold-out pairs. */
export function renderServerType(
  t: ServerTypeSpec,
  locations: Location[],
  unavailable: (type: string, loc: string) => boolean,
): unknown {
  const price = (net: number) => ({ net: net.toFixed(4), gross: (net * 1.19).toFixed(4) });
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    cores: t.cores,
    memory: t.memory,
    disk: t.disk,
    deprecated: false,
    deprecation: null,
    storage_type: "local",
    cpu_type: t.cpu_type,
    category: t.cpu_type === "dedicated" ? "dedicated_cpu" : "cost_optimized",
    architecture: t.architecture,
    prices: locations.map((l) => ({
      location: l.name,
      price_hourly: price(t.monthly / 730),
      price_monthly: price(t.monthly),
      included_traffic: 21990232555520,
      price_per_tb_traffic: price(1),
    })),
    locations: locations.map((l) => ({
      id: l.id,
      name: l.name,
      deprecation: null,
      recommended: true,
      available: !unavailable(t.name, l.name),
    })),
  };
}
