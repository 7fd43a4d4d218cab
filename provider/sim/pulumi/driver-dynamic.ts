/** Runs dynamic resources (`pulumi-nodejs:dynamic...`) through the real dynamic-provider host. */
import { Driver, PartialStepError } from "./driver";
import { HostClient } from "./host-client";
import { HostCallError } from "./host-errors";
import { ResourceState } from "./types";

/** A driver over one host client (created and configured lazily by the deployment). */
export function dynamicDriver(client: () => Promise<HostClient>): Driver {
  return {
    async check(urn, olds, news) {
      return (await client()).check(urn, olds, news);
    },
    async diff(urn, old, news) {
      const d = await (await client()).diff(old.id, urn, old.outputs, news, old.inputs);
      return { changes: d.changes, replaces: d.replaces, deleteBeforeReplace: d.deleteBeforeReplace };
    },
    async create(urn, inputs) {
      const c = await client();
      const r = await c.create(urn, inputs).catch(partial);
      return { id: r.id, outputs: r.properties };
    },
    async update(urn, old: ResourceState, inputs) {
      const c = await client();
      const r = await c.update(old.id, urn, old.outputs, inputs, old.inputs).catch(partial);
      return { outputs: r.properties };
    },
    async delete(urn, old) {
      await (await client()).delete(old.id, urn, old.outputs, old.inputs);
    },
  };
}

// The host packs "created but failed" as ErrorResourceInitFailed; the engine keeps such a resource.
function partial(e: unknown): never {
  if (e instanceof HostCallError && e.initFailure) {
    const f = e.initFailure;
    throw new PartialStepError(e.details, f.id, f.properties, f.reasons, { cause: e });
  }
  throw e instanceof HostCallError ? new Error(e.details, { cause: e }) : e;
}
