/** How the runner executes one `@pulumi/hcloud` resource type against the Cloud API. */
import { HcloudApi } from "./hcloud-api";
import { ResourceState } from "./types";
import { Props } from "./values";

/** One hcloud resource type: its keys and CRUD against the API. */
export interface HcloudType {
  /** Inputs that must be present. */
  required: string[];
  /** Inputs whose change replaces the resource (the provider's ForceNew). */
  replaceKeys: string[];
  /** Generate `name` as `<logical name>-<7 hex>` when absent, like Pulumi autonaming. */
  autoname: boolean;
  create(api: HcloudApi, inputs: Props): Promise<{ id: string; outputs: Props }>;
  update(api: HcloudApi, old: ResourceState, inputs: Props): Promise<Props>;
  delete(api: HcloudApi, old: ResourceState): Promise<void>;
}

/** Keeps the hcloud-go convention that a delete of something already gone succeeds. */
export async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if ((e as { status?: number }).status !== 404) throw e;
  }
}

/** A list of ids as numbers (Pulumi passes hcloud ids as strings or numbers). */
export function numericIds(v: unknown): number[] {
  return Array.isArray(v) ? v.map((x) => Number(x)) : [];
}
