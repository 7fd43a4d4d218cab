/** pulumi-talos-hetzner: Pulumi dynamic resources for Talos Linux clusters on Hetzner. */
export * from "./internal/errors";
export { retry, backoffDelay } from "./internal/retry";
export { pollUntil } from "./internal/poll";

// API clients
export * from "./hetzner/robot";
export * from "./hetzner/cloud";

// Talos config engine and helpers
export * from "./talos/config";
export { hetznerNetworkPatch, hetznerIpv6Address } from "./talos/network-patch";
export { resolveSchematicId, imageUrl, releaseImageUrl, installerImage, checkImageExists, ImageFactoryError } from "./talos/factory";
export { schematicId, canonicalSchematicYaml } from "./talos/schematic";
export { parseTalosVersion, compareTalosVersions, contractAtLeast, defaultKubernetesVersion } from "./talos/versions";
export { Talosctl } from "./talos/talosctl";

// Rescue-side building blocks
export { validateDiskSelector, selectInstallDisk, DiskSelectionError } from "./rescue/select";
export type { DiskSelector } from "./rescue/select";
export { InventoryError } from "./rescue/inventory";
export type { OtherDisksPolicy } from "./rescue/safety";
export { talosImageLabels, selectorFor } from "./internal/labels";
