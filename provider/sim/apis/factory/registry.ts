/**
 * What the running factory simulators of a world know (host, versions, schematics), so simulated
 * Talos nodes can check an installer image the way a registry pull would, without an HTTP round trip.
 */
import { SimWorld } from "../../types";
import { SchematicStore } from "./schematics";

/** One running factory simulator as nodes see it. */
export interface FactoryView {
  /** `host:port` of its URL (installer images name it as their registry). */
  host: string;
  versions: string[];
  schematics: SchematicStore;
}

const byWorld = new WeakMap<SimWorld, FactoryView[]>();

/** Registers a factory simulator of `world`; returns the function that unregisters it. */
export function registerFactory(world: SimWorld, view: FactoryView): () => void {
  const list = byWorld.get(world) ?? [];
  list.push(view);
  byWorld.set(world, list);
  return () => {
    const i = list.indexOf(view);
    if (i >= 0) list.splice(i, 1);
  };
}

/** The factory simulators of `world` (for host `host` only, when given). */
export function factoriesOf(world: SimWorld, host?: string): FactoryView[] {
  return (byWorld.get(world) ?? []).filter((f) => host === undefined || f.host === host);
}

/** True when a factory of `world` (or an image it served) knows `schematic`. */
export function schematicKnown(world: SimWorld, schematic: string, host?: string): boolean {
  if (factoriesOf(world, host).some((f) => f.schematics.get(schematic) !== undefined)) return true;
  return [...world.servedImages.values()].some((i) => i.schematic === schematic);
}
