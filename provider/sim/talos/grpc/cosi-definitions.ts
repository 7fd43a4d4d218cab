/**
 * The COSI resource definitions the simulated nodes publish (`talosctl get rd`), as Talos's own
 * machinery module defines them: tools/talos-api writes them next to the descriptor set at
 * `npm run tools` (aliases, sensitivity and the wire-encoded spec), so type resolution, print
 * columns and access checks follow Talos, not a copy.
 */
import * as fs from "fs";
import * as path from "path";
import { descriptorSetPath } from "./descriptors";

/** One ResourceDefinition as tools/talos-api wrote it. */
export interface ResourceDefinition {
  /** The RD's id: the type in lower case. */
  id: string;
  type: string;
  defaultNamespace: string;
  allAliases: string[];
  sensitive: boolean;
  /** The spec as cosi marshals it (base64 of the protobuf, and the YAML). */
  protoSpec: string;
  yamlSpec: string;
}

/** The type of resource definitions themselves, in namespace `meta`. */
export const RD_TYPE = "ResourceDefinitions.meta.cosi.dev";
export const META_NAMESPACE = "meta";

/** Where the definitions are: next to the descriptor set. */
export function definitionsPath(): string {
  return path.join(path.dirname(descriptorSetPath()), "talos-resource-definitions.json");
}

let cached: { file: string; defs: ResourceDefinition[] } | undefined;

/** The definitions; empty when tools/talos-api has not written them (every type is then unknown). */
export function resourceDefinitions(file = definitionsPath()): ResourceDefinition[] {
  if (cached?.file === file) return cached.defs;
  const defs = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as ResourceDefinition[]) : [];
  cached = { file, defs };
  return defs;
}

/** The definition of a canonical type (case-insensitive, as Talos looks RDs up by lower-cased id). */
export function definitionOf(type: string): ResourceDefinition | undefined {
  return resourceDefinitions().find((d) => d.id === type.toLowerCase());
}
