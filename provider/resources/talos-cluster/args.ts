/**
 * Preview-time checks of `TalosCluster`'s own arguments that no child makes: a misspelled top-level
 * key (which would silently fall back to a default), and `adminCidrs`, which must be valid even when
 * no Robot firewall consumes it, and which warns when it admits the whole internet.
 */
import * as pulumi from "@pulumi/pulumi";
import { InputError } from "../../internal/errors";
import { closest } from "../../internal/suggest";
import { parseCidr } from "../../internal/cidr";
import type { TalosClusterArgs } from "./types";

/** Every top-level argument; the type check below fails when TalosClusterArgs gains one not listed here. */
export const CLUSTER_ARG_KEYS = [
  "clusterName",
  "endpoint",
  "talosVersion",
  "kubernetesVersion",
  "schematicId",
  "controlPlanes",
  "workers",
  "patches",
  "kubeSpan",
  "adminCidrs",
  "robotFirewall",
  "secretsYaml",
  "cloudImage",
  "maxParallel",
  "configVersion",
  "allowQuorumLoss",
  "resetRemovedNodes",
  "drainTimeoutSeconds",
  "upgradeTimeoutSeconds",
] as const satisfies readonly (keyof TalosClusterArgs)[];
type Unlisted = Exclude<keyof TalosClusterArgs, (typeof CLUSTER_ARG_KEYS)[number]>;
const everyKeyListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyKeyListed;

/** Throws an InputError naming the first unknown top-level key and the closest valid one. */
export function checkClusterKeys(args: object): void {
  for (const key of Object.keys(args)) {
    if ((CLUSTER_ARG_KEYS as readonly string[]).includes(key)) continue;
    const near = closest(key, CLUSTER_ARG_KEYS);
    throw new InputError(
      key,
      `is not a TalosCluster argument${near ? `; did you mean "${near}"?` : ` (known: ${CLUSTER_ARG_KEYS.join(", ")})`}`,
    );
  }
}

/**
 * Validates a resolved `adminCidrs` list (every entry a CIDR with zero host bits, at least one) and
 * returns the warnings to print: a CIDR that admits every address opens the Talos and Kubernetes APIs
 * to the internet, which is legal but almost never meant.
 */
export function checkAdminCidrs(cidrs: unknown): string[] {
  if (!Array.isArray(cidrs) || cidrs.length === 0)
    throw new InputError(
      "adminCidrs",
      'must list at least one CIDR (where you run pulumi, talosctl and kubectl from), e.g. ["203.0.113.7/32"]',
    );
  const warnings: string[] = [];
  cidrs.forEach((c, i) => {
    if (typeof c !== "string") return; // an output not known yet: its consumer checks it
    const parsed = parseCidr(`adminCidrs[${i}]`, c);
    if (parsed.prefix === 0) {
      warnings.push(
        `adminCidrs[${i}] is ${JSON.stringify(c)}: the Talos API (50000) and the Kubernetes API (6443) accept connections from the whole internet; list only the addresses you run pulumi, talosctl and kubectl from`,
      );
    }
  });
  return warnings;
}

/**
 * Checks `adminCidrs` now when it is a plain list (the usual stack config), else when it resolves
 * (a failure then fails the program before any child is created); warnings go to the engine's log.
 */
export function checkAdminCidrsInput(parent: pulumi.Resource, cidrs: TalosClusterArgs["adminCidrs"]): void {
  const warn = (ws: string[]) => ws.forEach((w) => void pulumi.log.warn(w, parent));
  if (Array.isArray(cidrs) && cidrs.every((c) => typeof c === "string")) return warn(checkAdminCidrs(cidrs));
  pulumi.output(cidrs).apply((list) => warn(checkAdminCidrs(list)));
}
