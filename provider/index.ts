/** pulumi-talos-hetzner: Pulumi dynamic resources for Talos Linux clusters on Hetzner. */
export * from "./internal/errors";
export { retry, backoffDelay } from "./internal/retry";
export { pollUntil } from "./internal/poll";
