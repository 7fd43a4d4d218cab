/**
 * What a `TalosImage` run talks to: the Hetzner Cloud API and the Image Factory, built from stack
 * config / environment (`hcloud:token`/`HCLOUD_TOKEN`, `hcloud:endpoint`/`HCLOUD_ENDPOINT`,
 * `talos-hetzner:imageFactoryUrl`/`TALOS_IMAGE_FACTORY_URL`), never from inputs; replaceable for tests.
 */
import { CloudApiError, CloudClient } from "../../hetzner/cloud";
import { TalosHetznerError, isError } from "../../internal/errors";
import { Sleep, realSleep } from "../../internal/retry";
import { requireSetting } from "../shared/config";
import { overridableDeps } from "../shared/overridable";
import { Timing } from "./types";

/** The services of one run. */
export interface TalosImageDeps {
  cloud: CloudClient;
  /** Image Factory base URL. */
  factoryUrl: string;
  /** Sleep for the run's own waits. */
  sleep: Sleep;
  /** Clock (staleness of build locks is measured on it). */
  now: () => number;
}

/** Builds the services of a run from its timing. */
export type TalosImageDepsFactory = (t: Timing) => TalosImageDeps;

/** The services from settings: the Cloud token is required, endpoints have defaults. */
export const depsFromSettings: TalosImageDepsFactory = (t) => ({
  cloud: new CloudClient({
    endpoint: requireSetting("hcloudEndpoint"),
    token: requireSetting("hcloudToken"),
    pollIntervalMs: t.pollMs,
  }),
  factoryUrl: requireSetting("imageFactoryUrl"),
  sleep: realSleep,
  now: Date.now,
});

const factory = overridableDeps<TalosImageDepsFactory>(depsFromSettings);

/** Replaces how runs get their services (tests, benchmarks); returns the previous factory. */
export function setTalosImageDeps(next: TalosImageDepsFactory): TalosImageDepsFactory {
  return factory.set(next);
}

/** The services of a new run. */
export function talosImageDeps(t: Timing): TalosImageDeps {
  return factory.get()(t);
}

/** Adds what the user can do about a Cloud credentials failure; other errors pass through. */
export function explainCloudError(e: unknown): unknown {
  if (!isError(e, "CloudApiError") || (e as CloudApiError).status !== 401) return e;
  return new TalosHetznerError(
    `${e.message}: the Hetzner Cloud token is wrong or read-only; set hcloud:token (pulumi config set --secret hcloud:token ...) or HCLOUD_TOKEN to a read/write API token of the project`,
    { cause: e },
  );
}
