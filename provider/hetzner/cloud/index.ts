/** Hetzner Cloud API client: one sub-client per API area over one transport (bearer auth, retries). */
import { CatalogClient } from "./catalog";
import { Transport, TransportOptions } from "./transport";
import { ServersClient } from "./servers";
import { ImagesClient } from "./images";
import { SshKeysClient } from "./ssh-keys";
import { FirewallsClient } from "./firewalls";
import { ActionsClient } from "./actions";

export * from "./types";
export { ActionFailedError, CloudApiError, CloudRequestError, isCloudNotFound } from "./errors";
export type { RateLimitInfo } from "./errors";
export { isRetryable, rateLimitDelay } from "./retry-rule";
export type { CreateServerOptions, CreateServerResult } from "./servers";
export { USER_DATA_MAX_BYTES } from "./servers";
export type { ImageFilter } from "./images";
export type { LocationInfo, ServerTypeInfo } from "./catalog";
export type { WaitForOptions } from "./actions";
export type { Query, TransportOptions } from "./transport";

/** Options of CloudClient. */
export interface CloudClientOptions extends TransportOptions {
  /** First delay between polls of actions and server status, in ms (grows ×1.5 up to 10×). @default 1000 */
  pollIntervalMs?: number;
}

/** Client of the Hetzner Cloud API (or the simulator): `new CloudClient({ endpoint, token })`. */
export class CloudClient {
  readonly servers: ServersClient;
  readonly images: ImagesClient;
  readonly sshKeys: SshKeysClient;
  readonly firewalls: FirewallsClient;
  readonly actions: ActionsClient;
  readonly catalog: CatalogClient;

  constructor(options: CloudClientOptions) {
    const transport = new Transport(options);
    const poll = { sleep: options.sleep, pollIntervalMs: options.pollIntervalMs };
    this.servers = new ServersClient(transport, poll);
    this.images = new ImagesClient(transport);
    this.sshKeys = new SshKeysClient(transport);
    this.firewalls = new FirewallsClient(transport);
    this.actions = new ActionsClient(transport, poll);
    this.catalog = new CatalogClient(transport);
  }
}
