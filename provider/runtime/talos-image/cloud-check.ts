/**
 * The preview-time checks of `TalosImage` that need the Cloud API (read-only `GET /server_types`
 * and `GET /locations`): the builder's location and server type exist, and every Cloud server that
 * will boot from the snapshot (`pools`, from `TalosCluster`) has a server type of the snapshot's
 * architecture that is offered where the pool runs. A snapshot only boots on its own architecture.
 */
import type { LocationInfo, ServerTypeInfo } from "../../hetzner/cloud";
import { isError } from "../../internal/errors";
import { logLine } from "../../internal/log";
import { CheckFailure, Props, isUnknown } from "../dispatch/types";
import { CloudArch, DEFAULT_SERVER_TYPE } from "./types";

/** The read-only catalogue calls the checks make. */
export interface Catalog {
  serverType(name: string): Promise<ServerTypeInfo | undefined>;
  location(name: string): Promise<LocationInfo | undefined>;
  locationNames(): Promise<string[]>;
}

/** A pool of Cloud servers that boots from the snapshot. */
export interface SnapshotPool {
  name: string;
  serverType: string;
  location: string;
}

/** One answer per name per check: a cluster's pools usually share types and locations. */
function cached(c: Catalog): Catalog {
  const types = new Map<string, Promise<ServerTypeInfo | undefined>>();
  const locations = new Map<string, Promise<LocationInfo | undefined>>();
  let names: Promise<string[]> | undefined;
  return {
    serverType: (n) => types.get(n) ?? (types.set(n, c.serverType(n)), types.get(n)!),
    location: (n) => locations.get(n) ?? (locations.set(n, c.location(n)), locations.get(n)!),
    locationNames: () => (names ??= c.locationNames()),
  };
}

async function unknownLocation(c: Catalog, field: string, location: string): Promise<string | undefined> {
  if (await c.location(location)) return undefined;
  return `[${field}] "${location}" is not a Hetzner Cloud location (known: ${(await c.locationNames()).join(", ")})`;
}

async function builderFailures(c: Catalog, i: Props, arch: CloudArch, skip: Set<string>): Promise<CheckFailure[]> {
  const out: CheckFailure[] = [];
  // The defaults are known to exist; only what the user wrote is asked about (no request otherwise).
  const location = i.location;
  if (!skip.has("location") && typeof location === "string") {
    const reason = await unknownLocation(c, "location", location);
    if (reason) out.push({ property: "location", reason });
  }
  const type = i.serverType;
  if (!skip.has("serverType") && typeof type === "string" && !(await c.serverType(type))) {
    out.push({
      property: "serverType",
      reason: `[serverType] "${type}" is not a Hetzner Cloud server type; leave it unset for "${DEFAULT_SERVER_TYPE[arch]}"`,
    });
  } else if (!skip.has("serverType") && typeof type === "string") {
    const t = (await c.serverType(type))!;
    if (t.architecture !== arch)
      out.push({
        property: "serverType",
        reason: `[serverType] "${type}" is an ${t.architecture} server type, but arch is "${arch}": a snapshot takes the architecture of the server it was taken from; use an ${arch} type such as "${DEFAULT_SERVER_TYPE[arch]}" or leave serverType unset`,
      });
  }
  return out;
}

async function poolProblem(c: Catalog, p: SnapshotPool, field: string, arch: CloudArch): Promise<string | undefined> {
  if (isUnknown(p.serverType) || isUnknown(p.location)) return undefined;
  const t = await c.serverType(p.serverType);
  if (!t) return `[${field}.serverType] "${p.serverType}" (pool "${p.name}") is not a Hetzner Cloud server type`;
  if (t.architecture !== arch) {
    return (
      `[${field}.serverType] "${p.serverType}" (pool "${p.name}") is an ${t.architecture} server type, but the cluster's snapshot is ${arch}: ` +
      `its servers would not boot from it; use an ${arch} type such as "${DEFAULT_SERVER_TYPE[arch]}", or set cloudImage.arch to "${t.architecture}"`
    );
  }
  const missing = await unknownLocation(c, `${field}.location`, p.location);
  if (missing) return `${missing} (pool "${p.name}")`;
  const offered = t.locations?.find((l) => l.name === p.location);
  if (t.locations && (!offered || offered.available === false))
    return `[${field}.location] server type "${p.serverType}" (pool "${p.name}") is not offered in ${p.location}`;
  return undefined;
}

/**
 * Failures from the Cloud catalogue; `skip` names inputs that already failed the offline checks.
 * An unreachable API is logged and skipped (the offline checks still ran); a 401 is a failure of its own.
 */
export async function cloudCatalogFailures(catalog: Catalog, i: Props, skip: Set<string>): Promise<CheckFailure[]> {
  const arch = i.arch as CloudArch;
  if (isUnknown(arch) || (arch !== "x86" && arch !== "arm")) return [];
  const c = cached(catalog);
  try {
    const out = await builderFailures(c, i, arch, skip);
    const pools = Array.isArray(i.pools) ? (i.pools as SnapshotPool[]) : [];
    for (const [k, p] of pools.entries()) {
      const reason = await poolProblem(c, p, `pools[${k}]`, arch);
      if (reason) out.push({ property: "pools", reason });
    }
    return out;
  } catch (e) {
    if (isError(e, "CloudApiError") && (e as { status?: number }).status === 401) throw e;
    logLine(
      `WARNING: could not check Cloud server types and locations at preview (${(e as Error).message}); they are checked when the servers are created`,
    );
    return [];
  }
}
