/** Hetzner Cloud labels the library puts on what it creates, validated like hcloud-go (contracts/hetzner-cloud.md §1, §6). */
import { InputError } from "./errors";

/** Value of the `created-by` label on everything the library creates, so a sweeper can find leftovers. */
export const CREATED_BY = "pulumi-talos-hetzner";
/** Label key marking temporary resources (builder servers, their SSH keys). */
export const TEMP_LABEL = "talos-hetzner/temp";
/** Label key holding the id of the run that created a temporary resource. */
export const RUN_LABEL = "talos-hetzner/run";
/** Characters of the 64-hex schematic id kept in the `talos-schematic` label (values are capped at 63). */
export const SCHEMATIC_LABEL_CHARS = 32;

// hcloud-go label value rule as quoted by the contract: empty, or ≤63 chars, alphanumeric at both
// ends and `-_.` inside (so no "/" and no ":").
const VALUE_RE = /^(([a-z0-9A-Z](?:[-_.]|[a-z0-9A-Z]){0,61})?[a-z0-9A-Z]$|$)/;
const NAME_RE = /^[a-z0-9A-Z](?:(?:[-_.]|[a-z0-9A-Z]){0,61}[a-z0-9A-Z])?$/;
const PREFIX_RE = /^[a-z0-9A-Z](?:(?:[-_.]|[a-z0-9A-Z]){0,251}[a-z0-9A-Z])?$/;
const RESERVED_PREFIX = "hetzner.cloud";

/** True when `value` is accepted by the Hetzner Cloud API as a label value. */
export function validLabelValue(value: string): boolean {
  return VALUE_RE.test(value);
}

/** True when `key` is a valid label key (optional DNS-subdomain prefix + "/" + name ≤63) and not in the reserved `hetzner.cloud/` namespace. */
export function validLabelKey(key: string): boolean {
  const slash = key.indexOf("/");
  if (slash < 0) return NAME_RE.test(key);
  const prefix = key.slice(0, slash);
  return prefix !== RESERVED_PREFIX && PREFIX_RE.test(prefix) && NAME_RE.test(key.slice(slash + 1));
}

/** Throws InputError naming `field` and every bad key or value; returns the labels unchanged otherwise. */
export function assertLabels(labels: Record<string, string>, field = "labels"): Record<string, string> {
  const bad: string[] = [];
  for (const [k, v] of Object.entries(labels)) {
    if (!validLabelKey(k)) bad.push(`key ${JSON.stringify(k)} is not a valid label key`);
    if (!validLabelValue(v)) bad.push(`value ${JSON.stringify(v)} of ${JSON.stringify(k)} is not a valid label value`);
  }
  if (bad.length > 0) {
    throw new InputError(
      field,
      `${bad.join("; ")} (values: ≤63 characters, alphanumeric at both ends, "-", "_" or "." inside, no "/" or ":")`,
    );
  }
  return labels;
}

/** Hetzner's architecture name for a Talos one: amd64 → x86, arm64 → arm (already-Hetzner names pass through). */
export function hcloudArch(arch: "amd64" | "arm64" | "x86" | "arm"): "x86" | "arm" {
  return arch === "amd64" || arch === "x86" ? "x86" : "arm";
}

/** Labels of a Talos snapshot: os, talos-version, arch, the first 32 hex chars of the schematic id, created-by. */
export function talosImageLabels(o: {
  version: string;
  arch: "amd64" | "arm64" | "x86" | "arm";
  schematicId: string;
}): Record<string, string> {
  if (!/^[0-9a-f]{64}$/.test(o.schematicId)) {
    throw new InputError("schematicId", `must be 64 lowercase hex characters, got ${JSON.stringify(o.schematicId)}`);
  }
  return assertLabels({
    os: "talos",
    "talos-version": o.version,
    arch: hcloudArch(o.arch),
    "talos-schematic": o.schematicId.slice(0, SCHEMATIC_LABEL_CHARS),
    "created-by": CREATED_BY,
  });
}

/** A `label_selector` matching all the given labels (`k=v` joined by commas, in the given order). */
export function selectorFor(labels: Record<string, string>): string {
  assertLabels(labels);
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

/** Labels for a temporary resource of one run, so `selectorFor` finds it (and every leftover of that run) later. */
export function tempResourceLabels(runId: string): Record<string, string> {
  return assertLabels({ [TEMP_LABEL]: "true", [RUN_LABEL]: runId, "created-by": CREATED_BY }, "runId");
}
