/** What the runner needs from whatever executes one resource type (the dynamic host, the hcloud adapter). */
import { ResourceState } from "./types";
import { Props } from "./values";

/** Result of a driver's diff, in the engine's terms. */
export interface DriverDiff {
  changes: "none" | "some" | "unknown";
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/** CRUD of one kind of resource, over plain values (secrets unwrapped, unknowns as the sentinel). */
export interface Driver {
  check(
    urn: string,
    olds: Props,
    news: Props,
  ): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }>;
  diff(urn: string, old: ResourceState, news: Props): Promise<DriverDiff>;
  create(urn: string, inputs: Props): Promise<{ id: string; outputs: Props }>;
  update(urn: string, old: ResourceState, inputs: Props): Promise<{ outputs: Props }>;
  delete(urn: string, old: ResourceState): Promise<void>;
}

/** A create/update failed after the object existed: the engine keeps it with these outputs. */
export class PartialStepError extends Error {
  constructor(
    message: string,
    readonly id: string,
    readonly outputs: Props,
    readonly reasons: string[],
    options?: { cause?: unknown },
  ) {
    super(message);
    this.name = "PartialStepError";
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}
