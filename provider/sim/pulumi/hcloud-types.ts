/** How the runner executes one `@pulumi/hcloud` resource type, over the project's Cloud client. */
import { Action, CloudClient, FirewallTarget, isCloudNotFound } from "../../hetzner/cloud";
import { Transport } from "../../hetzner/cloud/transport";
import { ResourceState } from "./types";
import { Props } from "./values";

/** The Cloud client plus what it lacks (PUT of SSH keys and firewalls goes through its transport). */
export interface Hcloud {
  client: CloudClient;
  transport: Transport;
  /** Waits for actions with the runner's deadline. */
  wait(actions: (Action | null | undefined)[]): Promise<void>;
}

/** Deadline for one group of Cloud actions, in ms. */
const ACTION_TIMEOUT_MS = 600_000;

/** A Cloud client for the runner (hcloud-go's 500 ms poll interval, as the hcloud provider uses). */
export function hcloudFor(endpoint: string, token: string, pollIntervalMs = 500): Hcloud {
  const client = new CloudClient({ endpoint, token, pollIntervalMs });
  return {
    client,
    transport: new Transport({ endpoint, token }),
    async wait(actions) {
      const pending = actions.filter((a): a is Action => !!a);
      if (pending.length > 0) await client.actions.waitFor(pending, { timeoutMs: ACTION_TIMEOUT_MS });
    },
  };
}

/** One hcloud resource type: its keys and CRUD against the API. */
export interface HcloudType {
  /** Inputs that must be present. */
  required: string[];
  /** Inputs whose change replaces the resource (the provider's ForceNew). */
  replaceKeys: string[];
  /** Generate `name` as `<logical name>-<7 hex>` when absent, like Pulumi autonaming. */
  autoname: boolean;
  create(h: Hcloud, inputs: Props): Promise<{ id: string; outputs: Props }>;
  update(h: Hcloud, old: ResourceState, inputs: Props): Promise<Props>;
  delete(h: Hcloud, old: ResourceState): Promise<void>;
}

/** Keeps the hcloud-go convention that a delete of something already gone succeeds. */
export async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!isCloudNotFound(e)) throw e;
  }
}

/** A list of ids as numbers (Pulumi passes hcloud ids as strings or numbers). */
export function numericIds(v: unknown): number[] {
  return Array.isArray(v) ? v.map((x) => Number(x)) : [];
}

/** Server targets of a firewall. */
export function serverTargets(ids: number[]): FirewallTarget[] {
  return ids.map((id) => ({ type: "server", server: { id } }));
}

/** Applies `next` targets and removes those only in `prev`, waiting for the actions. */
export async function retarget(
  h: Hcloud,
  firewall: number,
  prev: FirewallTarget[],
  next: FirewallTarget[],
): Promise<void> {
  const key = (t: FirewallTarget) => JSON.stringify(t);
  const remove = prev.filter((x) => !next.some((y) => key(x) === key(y)));
  const add = next.filter((x) => !prev.some((y) => key(x) === key(y)));
  if (remove.length) await h.wait(await h.client.firewalls.removeFromResources(firewall, remove));
  if (add.length) await h.wait(await h.client.firewalls.applyToResources(firewall, add));
}
